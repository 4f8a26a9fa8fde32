"""The events' forms: `public` (the event filters, the registration form) and `workspace` (the editor, workflow
steps, attendance, messages to those registered). What both share is here; offers and funding use the language
choices too."""

from django.utils.translation import gettext_lazy as _

from quartier.core.languages import language_choices

INPUT = {"class": "kern-form-input__input"}

LANGUAGE_CHOICES = [("", _("alle Sprachen")), *language_choices()]
