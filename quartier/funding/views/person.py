"""Requests for access and erasure (DSGVO Art. 15 and 17) for funding consultations: find one person's requests in
your scope by e-mail address, export everything stored, or erase the contact data (the ideas stay, anonymised).

The address is sent by POST only, so that it never lands in a URL or an access log.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from quartier.accounts.permissions import require_workspace
from quartier.suggestions.forms.workspace import PersonForm

from .. import selectors, services
from ..permissions import handles_consultations


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def funding_person(request):
    require_workspace(request.user, request.city)
    if not handles_consultations(request.user, request.city):
        raise PermissionDenied
    action = request.POST.get("action", "find") if request.method == "POST" else None
    form = PersonForm(request.POST if action else None)
    status, found, confirm = 200, None, False
    if action and action not in {"find", "export", "erase"}:
        messages.error(request, _("Unbekannte Aktion."))
        status = 400
    elif action and not form.is_valid():
        status = 400
    elif action:
        email = form.cleaned_data["email"]
        found = selectors.by_person(request.user, request.city, email)
        if action == "export":
            rows = services.person_export(actor=request.user, consultations=found)
            response = HttpResponse(
                json.dumps({"email": email, "funding_consultations": rows}, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="foerderberatung-auskunft.json"'
            return response
        if action == "erase" and request.POST.get("confirm") == "yes":
            with transaction.atomic():
                erased = [
                    services.erase_personal_data(actor=request.user, consultation=c, reason="request")
                    for c in found
                ]
            messages.success(
                request,
                ngettext(
                    "Die Kontaktdaten wurden bei %(n)s Beratung gelöscht.",
                    "Die Kontaktdaten wurden bei %(n)s Beratungen gelöscht.",
                    len(erased),
                )
                % {"n": len(erased)},
            )
            return redirect("workspace:funding_person")
        confirm = action == "erase"
        found = list(found)
    return render(
        request,
        "funding/workspace/person.html",
        {"form": form, "found": found, "confirm": confirm},
        status=status,
    )
