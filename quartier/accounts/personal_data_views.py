"""The one workspace page for requests for access and erasure (DSGVO Art. 15 and 17), for every kind of request
with personal data (accounts.personal_data): find one person's requests in your scope by e-mail address, export
everything stored, or erase the contact data.

The address is sent by POST only, so that it never lands in a URL or an access log.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .permissions import require_workspace
from .personal_data import kind_for, person_erase, person_export, person_requests

ACTIONS = {"find", "export", "erase"}


class PersonalDataRequestForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-Mail-Adresse der Person"),
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "kern-form-input__input"}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def person_request(request, kind: str):
    """The page for one kind of request (the URL pattern passes `kind`, the registry key)."""
    kind = kind_for(kind)
    require_workspace(request.user, request.city)
    if not kind.handles(request.user, request.city):
        raise PermissionDenied
    action = request.POST.get("action", "find") if request.method == "POST" else None
    form = PersonalDataRequestForm(request.POST if action else None)
    status, found, confirm = 200, None, False
    if action and action not in ACTIONS:
        messages.error(request, _("Unbekannte Aktion."))
        status = 400
    elif action and not form.is_valid():
        status = 400
    elif action:
        email = form.cleaned_data["email"]
        found = person_requests(kind=kind, user=request.user, city=request.city, email=email)
        if action == "export":
            rows = person_export(kind=kind, actor=request.user, requests=found)
            response = HttpResponse(
                json.dumps({"email": email, kind.export_key: rows}, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{kind.export_filename}"'
            return response
        if action == "erase" and request.POST.get("confirm") == "yes":
            erased = person_erase(kind=kind, actor=request.user, requests=found)
            messages.success(request, kind.erased_message(len(erased)))
            return redirect(kind.url_name)
        confirm = action == "erase"
        found = list(found)
    return render(
        request,
        kind.template,
        {"form": form, "found": found, "confirm": confirm, "url_name": kind.url_name},
        status=status,
    )
