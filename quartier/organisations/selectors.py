"""Reads of organisations, scoped to the acting user; an invitation by its token and the account it is for."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts import emails
from quartier.accounts.models import Role, User
from quartier.accounts.permissions import CITYWIDE_ROLES, district_ids_for, is_platform_admin, roles_in
from quartier.core.models import AuditEntry
from quartier.core.tokens import token_hash

from .models import Invitation, MemberRole, Organisation, OrganisationMember
from .permissions import counting_memberships

# The audit actions that change who belongs to an organisation (shown on its page, "Mitglieder und Änderungen").
MEMBERSHIP_ACTIONS = (
    "organisation.invited",
    "organisation.invitation_accepted",
    "organisation.invitation_withdrawn",
    "organisation.member_role_changed",
    "organisation.member_removed",
)
RECENT_CHANGES = 20


def list_scope(city_id: int) -> str:
    """The listcache scope of the public organisation list of a city (api.py)."""
    return f"organisations:{city_id}"


def public_organisation(city, slug: str) -> Organisation | None:
    """The organisation of this city with this slug (every organisation has a public page)."""
    return Organisation.objects.filter(city=city, slug=slug).first()


def organisations_for(user, city) -> QuerySet[Organisation]:
    """Organisations a staff member or organisation member may manage in this city (central steering sees
    aggregates elsewhere, not organisations' members)."""
    qs = Organisation.objects.filter(city=city).prefetch_related("districts").order_by("name")
    if is_platform_admin(user) or roles_in(user, city) & CITYWIDE_ROLES:
        return qs
    own = district_ids_for(user, city, roles={Role.COORDINATOR})
    own_organisations = counting_memberships(user).values("organisation_id")
    return qs.filter(Q(districts__in=own) | Q(pk__in=own_organisations)).distinct()


def organisations_joined(user, city) -> QuerySet[Organisation]:
    """The organisations of `organisations_for` in which the user has a membership (any, also one that does not
    count: the start page's "your organisations")."""
    return organisations_for(user, city).filter(members__user=user).distinct()


def organisations_acted_for(user, city) -> QuerySet[Organisation]:
    """The organisations the user acts for through a membership that counts (permissions.is_member)."""
    if not user or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        city=city, pk__in=counting_memberships(user).values("organisation_id")
    ).order_by("name")


def organisation_for(user, city, pk: int) -> Organisation | None:
    """One organisation, only if the user may see it (fetch and check in one call)."""
    return organisations_for(user, city).filter(pk=pk).prefetch_related("members__user").first()


def members(organisation) -> list[OrganisationMember]:
    """The organisation's members, managers first."""
    return list(
        OrganisationMember.objects.filter(organisation=organisation)
        .select_related("user", "added_by")
        .order_by(
            "role",  # "manager" sorts before "member"
            "user__last_name",
            "user__first_name",
            "user__email",
        )
    )


def open_invitations(organisation) -> list[Invitation]:
    """Invitations not yet accepted (expired ones too, so that they can be withdrawn or sent again)."""
    return list(
        Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class MembershipChange:
    when: datetime
    who: str
    what: str


def _role_label(value) -> str:
    return str(MemberRole(value).label) if value in MemberRole.values else "–"


def _describe(entry: AuditEntry, people: dict[int, str]) -> str:
    changes = entry.changes or {}

    def new(name):
        value = changes.get(name) or [None, None]
        return value[1] if isinstance(value, list) and len(value) == 2 else None

    def old(name):
        value = changes.get(name) or [None, None]
        return value[0] if isinstance(value, list) and len(value) == 2 else None

    person = people.get(new("member") or old("member"), _("eine frühere Person"))
    if entry.action == "organisation.invited":
        return _("%(email)s eingeladen als %(role)s") % {
            "email": new("email"),
            "role": _role_label(new("role")),
        }
    if entry.action == "organisation.invitation_accepted":
        return _("%(person)s hat die Einladung angenommen (%(role)s)") % {
            "person": person,
            "role": _role_label(new("role")),
        }
    if entry.action == "organisation.invitation_withdrawn":
        return _("Einladung an %(email)s zurückgezogen") % {"email": old("email")}
    if entry.action == "organisation.member_role_changed":
        return _("Rolle von %(person)s geändert: %(old)s → %(new)s") % {
            "person": person,
            "old": _role_label(old("role")),
            "new": _role_label(new("role")),
        }
    if entry.action == "organisation.member_removed":
        return _("%(person)s entfernt") % {"person": person}
    return entry.action


def membership_changes(organisation, limit: int = RECENT_CHANGES) -> list[MembershipChange]:
    """The most recent changes of who belongs to the organisation: who, what, when."""
    entries = list(
        AuditEntry.objects.filter(
            target_type=Organisation._meta.label_lower,
            target_id=str(organisation.pk),
            action__in=MEMBERSHIP_ACTIONS,
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    ids = set()
    for entry in entries:
        pair = (entry.changes or {}).get("member")
        if isinstance(pair, list):
            ids.update(v for v in pair if isinstance(v, int))
    people = {u.pk: _person(u) for u in User.objects.filter(pk__in=ids)}
    return [
        MembershipChange(
            when=entry.created_at,
            who=_person(entry.actor) if entry.actor_id else (entry.actor_label or _("das System")),
            what=_describe(entry, people),
        )
        for entry in entries
    ]


def _person(user) -> str:
    name = user.get_full_name().strip()
    return f"{name} ({user.email})" if name else user.email


def invitation_for_token(token: str) -> Invitation | None:
    """The open, unexpired invitation for this token, or None (a wrong token is simply not found)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation", "organisation__city")
        .filter(token_hash=token_hash(token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def invitation_account(invitation: Invitation) -> User | None:
    """The existing account the invitation is addressed to (exactly that address), if there is one."""
    return emails.account_for(invitation.email)
