"""Reads of consultations and programmes, with the district scope applied here and nowhere else."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from quartier.accounts.models import Membership, Role
from quartier.accounts.permissions import district_ids_for, is_platform_admin, roles_in
from quartier.core import personal
from quartier.organisations.models import Organisation

from . import workflow
from .models import FundingConsultation, FundingProgramme, ProgrammeDeadline
from .permissions import handles_consultations

MAX_PK = 2**31 - 1


def scope(user, city) -> Q | None:
    """None: all of the city. Coordinators: consultations touching one of their districts. Fallback team: those
    with a district without an active coordinator, and those without a district."""
    roles = roles_in(user, city)
    if is_platform_admin(user) or Role.CITY_ADMIN in roles:
        return None
    condition = Q(pk__in=[])
    own = district_ids_for(user, city, roles={Role.COORDINATOR})
    if own:
        condition |= Q(districts__in=own) | Q(district_id__in=own)
    if Role.FALLBACK in roles:
        covered = Membership.objects.filter(
            city=city, role=Role.COORDINATOR, user__is_active=True, district_id=OuterRef("district_id")
        )
        condition |= Q(district__isnull=True) | ~Exists(covered)
    return condition


def inbox(user, city) -> QuerySet[FundingConsultation]:
    if not handles_consultations(user, city):
        return FundingConsultation.objects.none()
    qs = FundingConsultation.objects.filter(city=city)
    condition = scope(user, city)
    if condition is not None:
        qs = qs.filter(pk__in=FundingConsultation.objects.filter(city=city).filter(condition).values("pk"))
    return qs.select_related("district", "organisation", "assigned_to").defer("district__boundary")


def inbox_page_rows(scope: QuerySet[FundingConsultation], *, status=None, district=None, q=None):
    """The rows of the consultations page: `scope` (from `inbox`) narrowed by the page's filters ("open" or one
    status, a district the consultation is filed under or touches, words of the title or description or its
    number), without contact data, newest request first."""
    rows = scope.defer("contact_name", "contact_email", "contact_phone", "advice_notes")
    if status == "open":
        rows = rows.filter(status__in=workflow.OPEN)
    elif status:
        rows = rows.filter(status=status)
    if district:
        rows = rows.filter(
            pk__in=FundingConsultation.objects.filter(
                Q(district_id=district) | Q(districts__id=district)
            ).values("pk")
        )
    if q:
        condition = Q(title__icontains=q) | Q(description__icontains=q)
        if q.isdigit() and int(q) <= MAX_PK:
            condition |= Q(pk=int(q))
        rows = rows.filter(condition)
    return rows.prefetch_related("neighbourhoods").order_by("-created_at", "-pk")


def consultation_for(user, city, pk: int) -> FundingConsultation | None:
    return inbox(user, city).filter(pk=pk).first()


def by_status_token(token: str) -> FundingConsultation | None:
    """The consultation the secret status link opens (core.personal.by_status_token); None if wrong or expired."""
    rows = FundingConsultation.objects.select_related("city", "district").defer(
        "city__boundary", "district__boundary"
    )
    return personal.by_status_token(rows, token)


def programmes(city) -> QuerySet[FundingProgramme]:
    return FundingProgramme.objects.filter(city=city, is_active=True).order_by("name")


def programmes_by_id(city, ids) -> QuerySet[FundingProgramme]:
    """The city's programmes (active or not) with these ids, as a request names them."""
    return FundingProgramme.objects.filter(city=city, pk__in=ids)


def programmes_with_next_deadlines(city, *, today=None) -> QuerySet[FundingProgramme]:
    """The active programmes, each with its coming deadlines in `next_deadlines`."""
    today = today or timezone.localdate()
    return programmes(city).prefetch_related(
        Prefetch(
            "deadlines",
            queryset=ProgrammeDeadline.objects.filter(date__gte=today).order_by("date"),
            to_attr="next_deadlines",
        )
    )


def upcoming_deadlines(city, *, days: int = 120, today=None) -> QuerySet[ProgrammeDeadline]:
    today = today or timezone.localdate()
    return (
        ProgrammeDeadline.objects.filter(
            programme__city=city,
            programme__is_active=True,
            date__gte=today,
            date__lte=today + timedelta(days=days),
        )
        .select_related("programme")
        .order_by("date", "programme__name")
    )


def by_person(user, city, email: str) -> QuerySet[FundingConsultation]:
    """The consultations with this contact address that `user` handles (requests for access or erasure)."""
    email = (email or "").strip()
    if not email:
        return FundingConsultation.objects.none()
    return inbox(user, city).filter(contact_email__iexact=email).order_by("created_at", "pk")


def own_organisations(user, city):
    """The organisations of this city the user is a member of (by name)."""
    if not (user and user.is_authenticated):
        return Organisation.objects.none()
    return Organisation.objects.filter(city=city, members__user=user).order_by("name", "pk").distinct()


def organisation_consultations(user, city) -> QuerySet[FundingConsultation]:
    """The consultations of the user's own organisations: those a member of one of them sent while logged in (the
    form links them by the organisation's name). Read-only for the members; no contact data is needed."""
    if not (user and user.is_authenticated):
        return FundingConsultation.objects.none()
    return (
        FundingConsultation.objects.filter(city=city, organisation__members__user=user)
        .distinct()
        .select_related("organisation", "district")
        .defer("district__boundary", "contact_name", "contact_email", "contact_phone", "advice_notes")
        .prefetch_related("programmes")
        .order_by("-created_at", "-pk")
    )
