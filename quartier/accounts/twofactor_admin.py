"""The Django admin behind the same login as the site: the throttled login page, then the second factor.

Loaded as the admin's app config (settings.INSTALLED_APPS), so `admin.site` is a QuartierAdminSite. This module is
imported before the models are ready; it imports them only inside the methods.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse


class QuartierAdminSite(admin.AdminSite):
    def has_permission(self, request):
        """Active staff whose login is complete (second factor given where one is needed)."""
        from . import twofactor

        user = request.user
        return super().has_permission(request) and (
            twofactor.is_verified(user) or not twofactor.required(user)
        )

    def login(self, request, extra_context=None):
        """No second, unthrottled login form: the site's login, which returns here afterwards."""
        from django.contrib.auth.views import redirect_to_login

        index = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(index)
            raise PermissionDenied  # logged in, but not an administrator: a login page would only loop
        return redirect_to_login(request.GET.get("next") or index, login_url=reverse("accounts:login"))


class QuartierAdminConfig(AdminConfig):
    default_site = "quartier.accounts.twofactor_admin.QuartierAdminSite"
