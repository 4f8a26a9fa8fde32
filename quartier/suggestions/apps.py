from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "quartier.suggestions"
    verbose_name = _("Vorschläge und Anregungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quartier.accounts.personal_data import register

        from . import signals  # noqa: F401
        from .personal_data import SUGGESTIONS

        register(SUGGESTIONS)
