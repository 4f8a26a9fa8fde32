"""Who reads a suggestion, in words a resident understands.

The confirmation page and the confirmation e-mail both use `readers_sentence`, so they never say different
things about where a suggestion went.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from quartier.accounts.selectors import work_recipients


def readers_sentence(suggestion) -> str:
    """One sentence naming who receives the suggestion (never a person's name or address)."""
    recipients = work_recipients(city=suggestion.city, district=suggestion.district)
    if recipients.via == "coordinators":
        return _(
            "Ihr Vorschlag geht an die Integrationskoordinator*innen des Stadtbezirks %(district)s. "
            "Nur sie können ihn lesen."
        ) % {"district": suggestion.district.name}
    if suggestion.district is None:
        return _(
            "Ihr Vorschlag betrifft die ganze Stadt. Er geht an die zentrale Integrationskoordination der "
            "Stadt %(city)s. Nur sie kann ihn lesen."
        ) % {"city": suggestion.city.name}
    return _(
        "Für den Stadtbezirk %(district)s gibt es zurzeit keine eigene Integrationskoordination. Ihr Vorschlag "
        "geht deshalb an die zentrale Integrationskoordination der Stadt %(city)s. Nur sie kann ihn lesen."
    ) % {"district": suggestion.district.name, "city": suggestion.city.name}
