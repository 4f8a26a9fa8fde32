"""Reads of organisations, scoped to the acting user."""

from django.db.models import Q, QuerySet

from quartier.accounts.models import Role
from quartier.accounts.permissions import district_ids_for, is_platform_admin, roles_in

from .models import Organisation
from .permissions import CITYWIDE


def organisations_for(user, city) -> QuerySet[Organisation]:
    """Organisations a staff member or organisation member may manage in this city (central steering sees
    aggregates elsewhere, not organisations' members)."""
    qs = Organisation.objects.filter(city=city).prefetch_related("districts").order_by("name")
    if is_platform_admin(user) or roles_in(user, city) & CITYWIDE:
        return qs
    own = district_ids_for(user, city, roles={Role.COORDINATOR})
    return qs.filter(Q(districts__in=own) | Q(members__user=user)).distinct()


def organisation_for(user, city, pk: int) -> Organisation | None:
    """One organisation, only if the user may see it (fetch and check in one call)."""
    return organisations_for(user, city).filter(pk=pk).prefetch_related("members__user").first()
