from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "quartier.places"
    label = "places"
    verbose_name = _("Orte und Ansprechpartner*innen")

    def ready(self):
        from . import signals  # noqa: F401
