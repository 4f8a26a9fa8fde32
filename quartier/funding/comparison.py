"""The comparison shown next to a project idea, for the requester before sending and for the coordinators: the
most similar offers and upcoming events in its Stadtteile (similarity.rank) and the gaps it would fill.
Nothing is stored."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from quartier.events.models import Event, EventOccurrence
from quartier.offers import selectors as offers
from quartier.offers.models import Offer, OfferCategory, TargetGroup

from . import similarity

EVENT_WINDOW_DAYS = 180
GAP_CATEGORY_SHARE = 0.25


# Offers as candidates, cached per process by id and `updated_at` (every change to an offer saves it): a panel
# then reads only ids and times from the database, and the texts only of offers it has not seen.
_OFFERS: dict[int, tuple[object, similarity.Candidate]] = {}
_OFFERS_MAX = 200_000


def forget() -> None:
    """Drop the cached candidates (tests roll back rows whose ids a later test may use again)."""
    _OFFERS.clear()


def _offer_rows(city, neighbourhood_ids):
    """(candidates, Stadtteile per offer id) for the listed offers in these Stadtteile and the citywide ones."""
    visible = offers.visible(city)
    through = Offer.neighbourhoods.through.objects.filter(neighbourhood_id__in=neighbourhood_ids)
    where: dict[int, set[int]] = defaultdict(set)
    for offer_id, neighbourhood_id in through.filter(offer__in=visible).values_list(
        "offer_id", "neighbourhood_id"
    ):
        where[offer_id].add(neighbourhood_id)
    stamps = dict(
        visible.filter(Q(citywide=True) | Q(pk__in=through.values("offer_id"))).values_list(
            "id", "updated_at"
        )
    )
    missing = [pk for pk, stamp in stamps.items() if _OFFERS.get(pk, (None,))[0] != stamp]
    if missing:
        if len(_OFFERS) + len(missing) > _OFFERS_MAX:
            _OFFERS.clear()
        rows = Offer.objects.filter(pk__in=missing).values(
            "id",
            "updated_at",
            "slug",
            "title",
            "description",
            "citywide",
            "category__slug",
            "category__name",
            "target_groups",
            "languages",
        )
        for r in rows.iterator(chunk_size=2000):
            _OFFERS[r["id"]] = (
                r["updated_at"],
                similarity.Candidate(
                    kind="offer",
                    id=r["id"],
                    title=r["title"],
                    text=r["description"],
                    category=r["category__slug"],
                    category_name=r["category__name"],
                    target_groups=tuple(r["target_groups"]),
                    languages=tuple(r["languages"]),
                    extra={"slug": r["slug"], "citywide": r["citywide"]},
                ),
            )
    return [_OFFERS[pk][1] for pk in stamps if pk in _OFFERS], where


def _event_candidates(city, neighbourhood_ids, now) -> list[similarity.Candidate]:
    upcoming = EventOccurrence.objects.filter(
        city=city, start__gte=now, start__lt=now + timedelta(days=EVENT_WINDOW_DAYS)
    ).values("event_id")
    rows = Event.objects.filter(  # cancelled events are not something that exists
        city=city, status=Event.Status.PUBLISHED, neighbourhood_id__in=neighbourhood_ids, pk__in=upcoming
    ).values("id", "slug", "title", "description", "target_groups", "languages")
    return [
        similarity.Candidate(
            kind="event",
            id=r["id"],
            title=r["title"],
            text=r["description"],
            target_groups=tuple(r["target_groups"]),
            languages=tuple(r["languages"]),
            extra={"slug": r["slug"]},
        )
        for r in rows
    ]


def _url(request, candidate: similarity.Candidate) -> str:
    if candidate.kind == "offer":
        path = reverse("public:offer", kwargs={"slug": candidate.extra["slug"]})
    else:
        path = reverse("public:event", kwargs={"pk": candidate.id, "slug": candidate.extra["slug"]})
    return request.build_absolute_uri(path) if request is not None else path


def gaps(city, neighbourhoods, idea: similarity.Idea, candidates=None, where=None) -> list[dict]:
    """Where the idea would add something: its categories and target groups that no listed offer serves in one of
    its Stadtteile (an offer for the whole city serves every Stadtteil). `candidates` and `where` are what
    `_offer_rows` answered for these Stadtteile (looked up when not given)."""
    if candidates is None or where is None:
        candidates, where = _offer_rows(city, [n.pk for n in neighbourhoods])
    by_category: dict[str, set[int]] = defaultdict(set)
    served: dict[str, set[int]] = defaultdict(set)
    everywhere: set[str] = set()
    citywide_groups: set[str] = set()
    for c in candidates:
        if c.kind != "offer":
            continue
        if c.extra.get("citywide"):
            everywhere.add(c.category)
            citywide_groups.update(c.target_groups)
        for n in where.get(c.id, ()):
            by_category[c.category].add(n)
            for group in c.target_groups:
                served[group].add(n)
    found = []
    names = dict(OfferCategory.objects.filter(city=city).values_list("slug", "name"))
    for slug, share in sorted(similarity.idea_categories(idea).items(), key=lambda kv: (-kv[1], kv[0])):
        if share < GAP_CATEGORY_SHARE or slug in everywhere or slug not in names:
            continue
        missing = [n.name for n in neighbourhoods if n.pk not in by_category[slug]]
        if missing:
            found.append(
                {"kind": "category", "category": slug, "name": names[slug], "neighbourhoods": missing}
            )
    groups = list(idea.target_groups) or sorted(similarity.read(idea.title, idea.description).targets)
    everyone_here = served.get(TargetGroup.EVERYONE, set())
    labels = dict(TargetGroup.choices)
    for group in groups:
        if group == TargetGroup.EVERYONE or group in citywide_groups or group not in labels:
            continue
        missing = [n.name for n in neighbourhoods if n.pk not in served[group] and n.pk not in everyone_here]
        if missing:
            found.append(
                {
                    "kind": "target_group",
                    "target_group": group,
                    "name": str(labels[group]),
                    "neighbourhoods": missing,
                }
            )
    return found


def compare(
    city,
    *,
    title: str,
    description: str,
    neighbourhoods,
    target_groups=(),
    request=None,
    limit=similarity.MAX_RESULTS,
    now=None,
) -> dict:
    """{"items": [{kind, id, title, url, score, reasons}], "gaps": [...]}, best first."""
    now = now or timezone.now()
    ids = [n.pk for n in neighbourhoods]
    idea = similarity.Idea(title=title, description=description, target_groups=tuple(target_groups))
    offer_candidates, where = _offer_rows(city, ids)
    candidates = offer_candidates + _event_candidates(city, ids, now)
    ranked = similarity.rank(idea, candidates, limit=limit)
    items = [
        {
            "kind": m.candidate.kind,
            "id": m.candidate.id,
            "title": m.candidate.title,
            "url": _url(request, m.candidate),
            "score": m.score,
            "reasons": m.reasons,
        }
        for m in ranked
    ]
    return {"items": items, "gaps": gaps(city, neighbourhoods, idea, offer_candidates, where)}
