"""Login, logout and password reset in the site's look; the workspace start page."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from quartier.organisations.selectors import organisations_for
from quartier.places.selectors import workspace_districts

from .forms import ThrottledLoginForm
from .models import Role
from .permissions import require_workspace, roles_in
from .selectors import work_recipients_by_district
from .startpage import UPCOMING_DAYS, district_activity, waiting_for


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        if request.session.pop("session_expired", False):
            messages.info(
                request,
                _("Sie wurden nach längerer Inaktivität abgemeldet. Bitte melden Sie sich erneut an."),
            )
        return super().get(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Logs out (POST only) and returns to the home page with a confirmation."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("Sie sind abgemeldet."))
        return response


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_safe
@login_required
@never_cache
def workspace_home(request):
    """A staff member's start page: what waits for them (with counts and links), their organisations, and their
    districts with Stadtteile, public contacts and who receives new work."""
    require_workspace(request.user, request.city)
    sections = waiting_for(request.user, request.city)
    districts = list(workspace_districts(request.user, request.city))
    recipients = work_recipients_by_district(city=request.city, districts=districts)
    activity = district_activity(request.city, [d.pk for d in districts]) if districts else {}
    for district in districts:
        district.recipients = recipients[district.pk]
        district.activity = activity.get(district.pk, {})
    roles = [Role(r).label for r in sorted(roles_in(request.user, request.city))]
    organisations = list(
        organisations_for(request.user, request.city).filter(members__user=request.user).distinct()
    )
    return render(
        request,
        "workspace/home.html",
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
