"""Every write to offers: create, change (optimistic locking), confirm, archive, and the search index."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier.core.audit import audit_record, model_changes
from quartier.core.tokens import new_token

from . import permissions, search, signals
from .models import Offer, OfferCategory, TargetGroup

LANGUAGE_CODE_MAX = 8
MAX_LANGUAGES = 20
WEEKDAYS = range(7)


class Conflict(Exception):
    def __init__(self, current: Offer):
        super().__init__("stale version")
        self.current = current


@dataclass
class OfferData:
    """What an organisation states about an offer (the form and the API fill it the same way)."""

    title: str
    description: str
    category: OfferCategory
    organisation: object
    neighbourhoods: list = field(default_factory=list)
    citywide: bool = False
    target_groups: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    schedule: str = Offer.Schedule.WEEKLY
    weekly_times: list[dict] = field(default_factory=list)
    schedule_note: str = ""
    venue_name: str = ""
    venue_street: str = ""
    venue_postal_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    is_free: bool = True
    cost: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    step_free: bool = False
    hearing_loop: bool = False
    sign_language: bool = False
    childcare: bool = False
    accessibility_note: str = ""
    status: str = Offer.Status.PUBLISHED


SCALAR_FIELDS = [
    "title",
    "description",
    "category",
    "organisation",
    "citywide",
    "target_groups",
    "languages",
    "schedule",
    "weekly_times",
    "schedule_note",
    "venue_name",
    "venue_street",
    "venue_postal_code",
    "latitude",
    "longitude",
    "is_free",
    "cost",
    "contact_name",
    "contact_email",
    "contact_phone",
    "step_free",
    "hearing_loop",
    "sign_language",
    "childcare",
    "accessibility_note",
    "status",
]


def _validate(city, data: OfferData) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Bitte geben Sie einen Titel an.")
    if not data.description.strip():
        errors["description"] = _("Bitte beschreiben Sie das Angebot.")
    if data.category.city_id != city.pk:
        errors["category"] = _("Die Kategorie gehört zu einer anderen Stadt.")
    if data.organisation.city_id != city.pk:
        errors["organisation"] = _("Die Organisation gehört zu einer anderen Stadt.")
    if any(n.city_id != city.pk for n in data.neighbourhoods):
        errors["neighbourhoods"] = _("Ein Stadtteil gehört zu einer anderen Stadt.")
    elif not data.citywide and not data.neighbourhoods:
        errors["neighbourhoods"] = _("Bitte wählen Sie mindestens einen Stadtteil oder „ganze Stadt“.")
    if set(data.target_groups) - set(TargetGroup.values):
        errors["target_groups"] = _("Unbekannte Zielgruppe.")
    if len(data.languages) > MAX_LANGUAGES or any(
        not (isinstance(code, str) and code.isascii() and code.isalpha() and 2 <= len(code) <= 3)
        for code in data.languages
    ):
        errors["languages"] = _("Bitte geben Sie Sprachen als Sprachkürzel an (z. B. de, ar, tr).")
    if data.schedule not in Offer.Schedule.values:
        errors["schedule"] = _("Bitte wählen Sie, wann das Angebot stattfindet.")
    elif data.schedule == Offer.Schedule.WEEKLY and not data.weekly_times:
        errors["weekly_times"] = _("Bitte geben Sie mindestens eine wöchentliche Zeit an.")
    for slot in data.weekly_times:
        if not _valid_slot(slot):
            errors["weekly_times"] = _("Eine Zeit ist ungültig (Wochentag, Beginn vor Ende, Format 16:30).")
            break
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = _("Bitte geben Sie beide Koordinaten an oder keine.")
    elif data.latitude is not None and not (-90 <= data.latitude <= 90 and -180 <= data.longitude <= 180):
        errors["latitude"] = _("Die Koordinaten sind ungültig.")
    if data.status not in Offer.Status.values:
        errors["status"] = _("Unbekannter Status.")
    if errors:
        raise ValidationError(errors)


def _valid_slot(slot) -> bool:
    if not isinstance(slot, dict) or set(slot) != {"weekday", "start", "end"}:
        return False
    if not isinstance(slot["weekday"], int) or slot["weekday"] not in WEEKDAYS:
        return False
    try:
        start = datetime.strptime(str(slot["start"]), "%H:%M").time()
        end = datetime.strptime(str(slot["end"]), "%H:%M").time()
    except ValueError:
        return False
    return start < end


def search_document(offer: Offer, neighbourhoods) -> str:
    """Title, category, organisation, target groups, Stadtteile and description: what the offer is found by."""
    labels = dict(TargetGroup.choices)
    with translation.override(settings.LANGUAGE_CODE):  # German labels, whatever the editor's language
        return search.document(
            offer.title,
            offer.category.name,
            offer.organisation.name,
            " ".join(str(labels[t]) for t in offer.target_groups if t in labels),
            " ".join(n.name for n in neighbourhoods),
            offer.description,
        )


def _unique_slug(city, title: str, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "angebot"
    slug, n = base, 2
    taken = Offer.objects.filter(city=city, slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list("slug", flat=True))
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def offer_create(*, actor, city, data: OfferData, is_demo: bool = False) -> Offer:
    if actor is not None and not permissions.can_publish_for(actor, data.organisation):
        raise PermissionDenied
    _validate(city, data)
    offer = Offer(city=city, slug=_unique_slug(city, data.title), is_demo=is_demo)
    for name in SCALAR_FIELDS:
        setattr(offer, name, getattr(data, name))
    offer.search_document = search_document(offer, data.neighbourhoods)
    offer.save()
    offer.neighbourhoods.set(data.neighbourhoods)
    search.index([offer])
    audit_record(actor=actor, action="offer.created", target=offer)
    return offer


@transaction.atomic
def offer_update(*, actor, offer: Offer, data: OfferData, expected_version: int) -> Offer:
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if locked.version != expected_version:
        raise Conflict(locked)
    if actor is not None and not permissions.can_edit(actor, locked):
        raise PermissionDenied
    _validate(locked.city, data)
    before = Offer.objects.get(pk=locked.pk)
    for name in SCALAR_FIELDS:
        setattr(locked, name, getattr(data, name))
    locked.version += 1
    locked.confirmed_at = timezone.now()  # whoever edits it has looked at it
    locked.reminder_sent_at = None
    locked.search_document = search_document(locked, data.neighbourhoods)
    locked.save()
    locked.neighbourhoods.set(data.neighbourhoods)
    search.index([locked])
    audit_record(actor=actor, action="offer.changed", target=locked, changes=model_changes(before, locked))
    return locked


def offer_confirm_token_create(*, offer: Offer) -> str:
    """A new one-click confirmation token for the reminder mail (only its hash is stored)."""
    token, digest = new_token()
    Offer.objects.filter(pk=offer.pk).update(confirm_token_hash=digest)  # nothing public changes
    return token


@transaction.atomic
def offer_confirm(*, offer: Offer, actor=None) -> Offer:
    """The offer still runs as described: it counts as confirmed today and is listed again."""
    Offer.objects.filter(pk=offer.pk).update(
        confirmed_at=timezone.now(), reminder_sent_at=None, confirm_token_hash=""
    )
    offer.refresh_from_db()
    audit_record(actor=actor, action="offer.confirmed", target=offer)
    return offer


def offers_reindex(*, offers) -> int:
    """Recompute the search documents of these offers (e.g. after a category or an organisation was renamed)."""
    rows = list(offers.select_related("category", "organisation").prefetch_related("neighbourhoods"))
    for offer in rows:
        offer.search_document = search_document(offer, list(offer.neighbourhoods.all()))
    Offer.objects.bulk_update(rows, ["search_document"], batch_size=1000)
    search.index(rows)
    for city_id in {o.city_id for o in rows}:
        signals.retire(city_id)
    return len(rows)


# The starter set of categories a city gets (staff rename, add and retire them in the admin).
DEFAULT_CATEGORIES = [
    ("language-cafe", gettext_lazy("Sprachcafé")),
    ("german-course", gettext_lazy("Deutschkurs")),
    ("counselling", gettext_lazy("Beratung")),
    ("homework-help", gettext_lazy("Hausaufgabenhilfe")),
    ("women-group", gettext_lazy("Frauentreff")),
    ("parents-cafe", gettext_lazy("Elterncafé")),
    ("sports-group", gettext_lazy("Sportgruppe")),
    ("youth-club", gettext_lazy("Jugendtreff")),
    ("meeting-cafe", gettext_lazy("Begegnungscafé")),
    ("mentoring", gettext_lazy("Patenschaften")),
    ("job-support", gettext_lazy("Arbeit und Ausbildung")),
    ("culture", gettext_lazy("Kultur und Kreatives")),
    ("health", gettext_lazy("Gesundheit")),
    ("digital", gettext_lazy("Digitales")),
]


def offer_categories_ensure_defaults(*, city) -> int:
    """Create the starter categories a city does not have yet (by slug); never renames what staff changed."""
    existing = set(OfferCategory.objects.filter(city=city).values_list("slug", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        new = [
            OfferCategory(city=city, slug=slug, name=str(name), ordinal=i)
            for i, (slug, name) in enumerate(DEFAULT_CATEGORIES)
            if slug not in existing
        ]
    OfferCategory.objects.bulk_create(new)
    return len(new)


def offer_confirmation_reminders_send(*, base_url: str = "", now=None) -> tuple[int, int]:
    """Mail each published offer not confirmed for the configured time once: to the offer's contact address, else
    its organisation's. Returns (sent, offers without any address). The offer is hidden `OFFER_HIDE_AFTER_DAYS`
    later unless someone confirms or edits it."""
    now = now or timezone.now()
    due = (
        Offer.objects.filter(
            status=Offer.Status.PUBLISHED,
            confirmed_at__lt=now - Offer.stale_after(),
            reminder_sent_at__isnull=True,
        )
        .select_related("city", "organisation")
        .order_by("pk")
    )
    sent = without = 0
    for offer in due.iterator(chunk_size=200):
        address = offer.contact_email or offer.organisation.email
        if not address:
            without += 1
            continue
        with transaction.atomic():
            token = offer_confirm_token_create(offer=offer)
            with translation.override(settings.LANGUAGE_CODE):
                path = reverse("public:offer_confirm", kwargs={"token": token})
                host = base_url.rstrip("/") or (
                    f"https://{offer.city.domain}" if offer.city.domain else settings.SITE_URL.rstrip("/")
                )
                body = render_to_string(
                    "offers/email/confirm.txt",
                    {
                        "offer": offer,
                        "title": offer.title,
                        "months": settings.OFFER_CONFIRM_DAYS // 30,
                        "confirm_url": f"{host}{path}",
                        "hide_on": timezone.localtime(offer.confirmed_at + Offer.hidden_after()),
                    },
                )
                subject = _("Bitte bestätigen: %(title)s") % {"title": offer.title}
            EmailMessage(subject=subject, body=body, to=[address]).send()
            Offer.objects.filter(pk=offer.pk).update(reminder_sent_at=now)
        sent += 1
    return sent, without
