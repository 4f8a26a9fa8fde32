"""What waits for a staff member on the workspace start page, per role, with counts and links.

Each count comes from the selector of the app that owns the work (events, suggestions, funding, offers), so the
role and district scope is applied there; this module only composes. Every section is one aggregate query, so the
page costs the same number of queries however much work there is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from quartier.accounts.models import Role
from quartier.accounts.permissions import district_ids_for, is_platform_admin, manages_people, roles_in
from quartier.accounts.selectors import people_counts, work_scope
from quartier.events.models import Event
from quartier.events.selectors import EventFilters, occurrence_rows, own_organisation_events
from quartier.funding import selectors as funding_selectors
from quartier.funding.models import FundingConsultation
from quartier.funding.permissions import handles_consultations
from quartier.funding.workflow import OPEN as FUNDING_OPEN
from quartier.offers.models import Offer
from quartier.offers.permissions import sees_coverage
from quartier.offers.selectors import editable_by, visible
from quartier.places.models import District
from quartier.suggestions import selectors as suggestion_selectors
from quartier.suggestions.permissions import handles_suggestions
from quartier.suggestions.workflow import OPEN as SUGGESTION_OPEN

REVIEWER_ROLES = {Role.COORDINATOR, Role.FALLBACK, Role.CITY_ADMIN}
UPCOMING_DAYS = 30


@dataclass
class Item:
    label: str
    count: int
    url: str
    urgent: bool = False  # overdue or expired: shown as a warning when the count is not zero


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url) without a count

    @property
    def waiting(self) -> int:
        return sum(item.count for item in self.items)


def _url(name: str, **query) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def _events_to_review(user, city) -> Section | None:

    if not (is_platform_admin(user) or roles_in(user, city) & REVIEWER_ROLES):
        return None
    # The reviewers' scope is the scope of the work they receive (accounts.selectors.work_scope), as for the
    # events list (events.selectors.workspace_events); events go to the reviewers of their Stadtbezirk.
    events = Event.objects.filter(city=city, status=Event.Status.SUBMITTED)
    scope = work_scope(user, city, district_field="neighbourhood__district")
    if scope is not None:
        events = events.filter(scope)
    count = events.count()
    return Section(
        "events_review",
        _("Veranstaltungen"),
        [
            Item(
                ngettext(
                    "Veranstaltung wartet auf Ihre Prüfung",
                    "Veranstaltungen warten auf Ihre Prüfung",
                    count,
                ),
                count,
                _url("workspace:events"),
            )
        ],
    )


def _suggestions(user, city) -> Section | None:

    if not handles_suggestions(user, city):
        return None
    counts = suggestion_selectors.inbox(user, city).aggregate(
        open=Count("pk", filter=Q(status__in=SUGGESTION_OPEN)),
        overdue=Count(
            "pk", filter=Q(status__in=SUGGESTION_OPEN, created_at__lt=suggestion_selectors.overdue_before())
        ),
    )
    days = settings.SUGGESTION_OVERDUE_DAYS
    return Section(
        "suggestions",
        _("Vorschläge und Anregungen"),
        [
            Item(
                ngettext("offener Vorschlag", "offene Vorschläge", counts["open"]),
                counts["open"],
                _url("workspace:suggestions", status="open"),
            ),
            Item(
                ngettext(
                    "davon überfällig (länger als %(days)d Tag offen)",
                    "davon überfällig (länger als %(days)d Tage offen)",
                    days,
                )
                % {"days": days},
                counts["overdue"],
                _url("workspace:suggestions", status="open", overdue="on"),
                urgent=True,
            ),
        ],
    )


def _funding(user, city) -> Section | None:

    if not handles_consultations(user, city):
        return None
    requested = FundingConsultation.Status.REQUESTED
    # The same deadline as for suggestions: a request nobody has answered after it is overdue.
    counts = funding_selectors.inbox(user, city).aggregate(
        open=Count("pk", filter=Q(status__in=FUNDING_OPEN)),
        overdue=Count("pk", filter=Q(status=requested, created_at__lt=suggestion_selectors.overdue_before())),
    )
    days = settings.SUGGESTION_OVERDUE_DAYS
    return Section(
        "funding",
        _("Förderberatung"),
        [
            Item(
                ngettext("laufende Beratung", "laufende Beratungen", counts["open"]),
                counts["open"],
                _url("workspace:funding", status="open"),
            ),
            Item(
                ngettext(
                    "davon überfällig (Anfrage länger als %(days)d Tag unbeantwortet)",
                    "davon überfällig (Anfrage länger als %(days)d Tage unbeantwortet)",
                    days,
                )
                % {"days": days},
                counts["overdue"],
                _url("workspace:funding", status=requested),
                urgent=True,
            ),
        ],
    )


def _own_organisations(user, city) -> Section | None:

    if Role.ORGANISATION_MEMBER not in roles_in(user, city):
        return None
    S = Event.Status
    own = own_organisation_events(user, city)
    counts = own.aggregate(
        draft=Count("pk", filter=Q(status=S.DRAFT), distinct=True),
        returned=Count("pk", filter=Q(status=S.RETURNED), distinct=True),
        submitted=Count("pk", filter=Q(status=S.SUBMITTED), distinct=True),
    )
    url = _url("workspace:events")
    return Section(
        "organisation_events",
        _("Veranstaltungen Ihrer Organisationen"),
        [
            Item(ngettext("Entwurf", "Entwürfe", counts["draft"]), counts["draft"], url),
            Item(
                ngettext(
                    "zur Überarbeitung zurückgegeben", "zur Überarbeitung zurückgegeben", counts["returned"]
                ),
                counts["returned"],
                url,
                urgent=True,
            ),
            Item(
                ngettext(
                    "eingereicht, wartet auf Prüfung", "eingereicht, warten auf Prüfung", counts["submitted"]
                ),
                counts["submitted"],
                url,
            ),
        ],
    )


def _offers(user, city) -> Section | None:

    roles = roles_in(user, city)
    if not roles & {Role.ORGANISATION_MEMBER, Role.COORDINATOR}:
        return None
    now = timezone.now()
    counts = editable_by(user, city).aggregate(
        published=Count("pk", filter=Q(status=Offer.Status.PUBLISHED), distinct=True),
        draft=Count("pk", filter=Q(status=Offer.Status.DRAFT), distinct=True),
        stale=Count(
            "pk",
            filter=Q(status=Offer.Status.PUBLISHED, confirmed_at__lt=now - Offer.stale_after()),
            distinct=True,
        ),
    )
    url = _url("workspace:offers")
    return Section(
        "offers",
        _("Angebote, die Sie pflegen"),
        [
            Item(
                ngettext("veröffentlichtes Angebot", "veröffentlichte Angebote", counts["published"]),
                counts["published"],
                url,
            ),
            Item(ngettext("Entwurf", "Entwürfe", counts["draft"]), counts["draft"], url),
            Item(
                ngettext(
                    "davon zu bestätigen (läuft es noch wie beschrieben?)",
                    "davon zu bestätigen (laufen sie noch wie beschrieben?)",
                    counts["stale"],
                ),
                counts["stale"],
                url,
                urgent=True,
            ),
        ],
    )


def _people(user, city) -> Section | None:

    if not manages_people(user, city):
        return None
    counts = people_counts(city)
    return Section(
        "people",
        pgettext("staff accounts", "Personen"),
        [
            Item(
                ngettext(
                    "Einladung noch nicht angenommen", "Einladungen noch nicht angenommen", counts["invited"]
                ),
                counts["invited"],
                _url("workspace:people", status="invited"),
            ),
            Item(
                ngettext("Einladung abgelaufen", "Einladungen abgelaufen", counts["expired"]),
                counts["expired"],
                _url("workspace:people", status="invited"),
                urgent=True,
            ),
        ],
        links=[
            (_("Person einladen"), _url("workspace:person_invite")),
            (_("Alle Personen"), _url("workspace:people")),
        ],
    )


def _overview(user, city) -> Section | None:
    """For central steering: the city-wide views that exist today."""

    if Role.CENTRAL_STEERING not in roles_in(user, city) or not sees_coverage(user, city):
        return None
    return Section(
        "overview",
        _("Überblick für die Steuerung"),
        links=[
            (_("Abdeckung der Angebote nach Stadtteil und Kategorie"), _url("workspace:offer_coverage")),
            (_("Abdeckung als CSV-Datei"), _url("workspace:offer_coverage_csv")),
        ],
    )


def _competence(user, city) -> Section | None:
    """For Kompetenzteam members: where to look at their districts from the residents' side."""
    if Role.COMPETENCE_MEMBER not in roles_in(user, city):
        return None
    links = []
    for district in District.objects.filter(pk__in=district_ids_for(user, city)).order_by("pk"):
        links.append(
            (
                _("Veröffentlichte Vorschläge aus %(district)s") % {"district": district.name},
                _url("public:suggestions", bezirk=district.number),
            )
        )
        links.append(
            (
                _("%(district)s: Ansprechpartner*innen und Stadtteile") % {"district": district.name},
                district.get_absolute_url(),
            )
        )
    return Section("competence", _("Ihre Stadtbezirke im Blick"), links=links)


def waiting_for(user, city) -> list[Section]:
    """The sections of the start page that apply to this user, in order of urgency of the work."""
    builders = (
        _events_to_review,
        _suggestions,
        _funding,
        _own_organisations,
        _offers,
        _people,
        _overview,
        _competence,
    )
    return [section for build in builders if (section := build(user, city)) is not None]


def district_activity(city, district_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per district: public offers and events in the coming weeks (two queries for all districts)."""

    result = {pk: {"offers": 0, "events": 0} for pk in district_ids}
    offers = (
        visible(city)
        .filter(neighbourhoods__district_id__in=district_ids)
        .values("neighbourhoods__district_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for row in offers:
        result[row["neighbourhoods__district_id"]]["offers"] = row["n"]
    start = timezone.now()
    rows = (
        occurrence_rows(
            city=city,
            filters=EventFilters(
                start=start, end=start + timedelta(days=UPCOMING_DAYS), districts=district_ids
            ),
        )
        .values("event__neighbourhood__district_id")
        .annotate(n=Count("event_id", distinct=True))
        .order_by()
    )
    for row in rows:
        if row["event__neighbourhood__district_id"] in result:
            result[row["event__neighbourhood__district_id"]]["events"] = row["n"]
    return result
