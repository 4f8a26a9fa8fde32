"""The events' entry of the workspace navigation."""

from django.utils.translation import gettext_lazy as _

from quartier.core.navigation import MenuEntry, always

ENTRIES = [MenuEntry("workspace:events", _("Veranstaltungen verwalten"), always, order=30)]
