"""The organisations' entry of the workspace navigation."""

from django.utils.translation import gettext_lazy as _

from quartier.core.navigation import MenuEntry, always

ENTRIES = [MenuEntry("workspace:organisations", _("Organisationen"), always, order=20)]
