from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "quartier.organisations"
    label = "organisations"
    verbose_name = _("Organisationen")

    def ready(self) -> None:
        from . import signals  # noqa: F401
