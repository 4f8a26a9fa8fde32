"""The offers' entries of the workspace navigation: the coverage matrix and the offers one may maintain."""

from django.utils.translation import gettext_lazy as _

from quartier.core.navigation import MenuEntry

from .permissions import manages_offers, sees_coverage

ENTRIES = [
    MenuEntry("workspace:offer_coverage", _("Abdeckung der Angebote"), sees_coverage, order=60),
    MenuEntry("workspace:offers", _("Angebote verwalten"), manages_offers, order=70),
]
