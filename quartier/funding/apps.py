from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "quartier.funding"
    label = "funding"
    verbose_name = _("Förderberatung")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quartier.accounts.personal_data import register

        from .personal_data import CONSULTATIONS

        register(CONSULTATIONS)
