"""The accounts' entries of the workspace navigation: people and the audit log for administrators, and securing
one's own login for everyone."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.core.navigation import MenuEntry, always

from .permissions import manages_people

ENTRIES = [
    MenuEntry("workspace:people", pgettext_lazy("staff accounts", "Personen"), manages_people, order=80),
    MenuEntry("workspace:audit", pgettext_lazy("audit log", "Protokoll"), manages_people, order=90),
    MenuEntry("workspace:two_factor", _("Anmeldung absichern"), always, order=110),
]
