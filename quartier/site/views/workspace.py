"""The workspace start page: what waits for each role, composed from every app."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from quartier.accounts.models import Role
from quartier.accounts.permissions import can_use_workspace, roles_in
from quartier.accounts.selectors import work_recipients_by_district, workspace_districts
from quartier.core.permissions import requires
from quartier.organisations.selectors import organisations_joined
from quartier.site.startpage import UPCOMING_DAYS, district_activity, waiting_for


@require_safe
@requires(can_use_workspace)
@never_cache
def workspace_home(request):
    """A staff member's start page: what waits for them (with counts and links), their organisations, and their
    districts with Stadtteile, public contacts and who receives new work."""
    sections = waiting_for(request.user, request.city)
    districts = list(workspace_districts(request.user, request.city))
    recipients = work_recipients_by_district(city=request.city, districts=districts)
    activity = district_activity(request.city, [d.pk for d in districts]) if districts else {}
    for district in districts:
        district.recipients = recipients[district.pk]
        district.activity = activity.get(district.pk, {})
    roles = [Role(r).label for r in sorted(roles_in(request.user, request.city))]
    organisations = list(organisations_joined(request.user, request.city))
    return render(
        request,
        "site/workspace/home.html",
        {
            "sections": sections,
            "nothing_waiting": not any(section.waiting for section in sections),
            "districts": districts,
            "user_roles": roles,
            "organisations": organisations,
            "is_competence_member": Role.COMPETENCE_MEMBER in roles_in(request.user, request.city),
            "upcoming_days": UPCOMING_DAYS,
        },
    )
