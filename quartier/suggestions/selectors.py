"""Reads of suggestions. Staff see only the suggestions of the districts whose work they receive (decision 0013);
the public sees published ones (without personal data) and, with the secret link, the status of one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from quartier.accounts.permissions import can_use_workspace
from quartier.accounts.selectors import work_scope
from quartier.core import personal
from quartier.core.text import as_id

from .models import Suggestion
from .workflow import OPEN

S = Suggestion.Status


@dataclass
class InboxFilters:
    status: str | None = None  # a status, or "open"
    district: int | None = None
    neighbourhood: int | None = None
    topic: str | None = None
    older_than_days: int | None = None
    overdue: bool = False
    assigned: str | None = None  # "me", "nobody", or a user id as text
    q: str | None = None


def overdue_before(now=None):
    return (now or timezone.now()) - timedelta(days=settings.SUGGESTION_OVERDUE_DAYS)


def inbox_cache_scope(city_id: int) -> str:
    """The listcache scope of a city's inbox pages (retired by signals.py)."""
    return f"suggestions-inbox:{city_id}"


def inbox(user, city, filters: InboxFilters | None = None) -> QuerySet[Suggestion]:
    """The suggestions `user` handles in `city`, filtered, newest first; an empty set for everyone else."""
    if not can_use_workspace(user, city):
        return Suggestion.objects.none()
    scope = work_scope(user, city)
    qs = Suggestion.objects.filter(city=city)
    if scope is not None:
        qs = qs.filter(scope)
    qs = qs.select_related("neighbourhood", "district", "assigned_to").defer(
        "neighbourhood__boundary", "district__boundary"
    )
    f = filters or InboxFilters()
    if f.status == "open":
        qs = qs.filter(status__in=OPEN)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.neighbourhood:
        qs = qs.filter(neighbourhood_id=f.neighbourhood)
    if f.topic:
        qs = qs.filter(topic=f.topic)
    if f.older_than_days:
        qs = qs.filter(created_at__lt=timezone.now() - timedelta(days=f.older_than_days))
    if f.overdue:
        qs = qs.filter(status__in=OPEN, created_at__lt=overdue_before())
    if f.assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif f.assigned == "nobody":
        qs = qs.filter(assigned_to__isnull=True)
    elif f.assigned and as_id(f.assigned, maximum=2**31 - 1) is not None:
        qs = qs.filter(assigned_to_id=as_id(f.assigned))
    if f.q:
        for word in f.q.split()[:8]:
            condition = Q(text__icontains=word) | Q(public_answer__icontains=word)
            if as_id(word) is not None:
                condition |= Q(pk=as_id(word))
            qs = qs.filter(condition)
    return qs.order_by("-created_at", "-id")


def suggestion_for(user, city, pk: int) -> Suggestion | None:
    """One suggestion if `user` handles it; None (a 404 for the caller) otherwise, whether or not it exists."""
    return inbox(user, city).filter(pk=pk).first()


def by_status_token(token: str) -> Suggestion | None:
    """The suggestion the secret status link opens (core.personal.by_status_token); None if wrong or expired."""
    rows = Suggestion.objects.select_related("neighbourhood", "district", "city").defer(
        "neighbourhood__boundary", "district__boundary", "city__boundary"
    )
    return personal.by_status_token(rows, token)


def published(city, *, district=None, neighbourhood=None) -> QuerySet[Suggestion]:
    """Suggestions published with their answers ("Sie haben vorgeschlagen – das ist daraus geworden")."""
    qs = Suggestion.objects.filter(city=city, is_published=True).select_related("neighbourhood", "district")
    if district is not None:
        qs = qs.filter(district=district)
    if neighbourhood is not None:
        qs = qs.filter(neighbourhood=neighbourhood)
    return qs.defer("neighbourhood__boundary", "district__boundary").order_by("-published_at", "-id")


def by_person(user, city, email: str) -> QuerySet[Suggestion]:
    """The suggestions with this contact address that `user` handles (requests for access or erasure)."""
    email = (email or "").strip()
    if not email:
        return Suggestion.objects.none()
    return inbox(user, city).filter(email__iexact=email)
