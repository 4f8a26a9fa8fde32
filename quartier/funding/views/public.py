"""Public pages of funding advice: the request form with the comparison ("Ähnliches anzeigen": nothing stored),
the answer after sending with the secret status link, and the requester's status page (choose a time, withdraw).
Everything works without JavaScript."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from quartier.accounts.selectors import work_recipients
from quartier.core import ratelimit
from quartier.core.tokens import secret_page
from quartier.offers import search
from quartier.offers.models import OfferCategory
from quartier.places.middleware import city_or_404

from .. import comparison, reasons, selectors, services, workflow
from ..forms.public import FundingForm, new_form_key
from ..models import FundingConsultation

S = FundingConsultation.Status
STATUS_LOOKUPS_PER_HOUR = 30
STATUS_URL_NAME = "public:funding_status"
_TOKEN = re.compile(r"^[0-9a-f]{64}$")


def _join(names: list[str]) -> str:
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s und %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _spellings(*texts: str) -> dict[str, str]:
    """Folded words and their stems → the word as written in `texts` (similarity hands over folded words)."""
    spelled: dict[str, str] = {}
    for text in texts:
        for word in re.findall(r"[^\W\d_]+", text or ""):
            folded = search.fold(word)
            spelled.setdefault(folded, word)
            spelled.setdefault(search.stem(folded), word)
    return spelled


def _speller(spelled: dict[str, str]):
    """The shared words as the requester wrote them (each once), for reasons.reason_text."""

    def spell(words: list[str]) -> list[str]:
        return list(dict.fromkeys(spelled.get(w) or spelled.get(search.stem(w)) or w for w in words))

    return spell


def _comparison(request, city, form: FundingForm) -> dict:
    """The ranked offers and events with their reasons in words, and the gaps, for the valid idea of `form`."""
    data = form.cleaned_data
    found = comparison.compare(
        city,
        title=data["title"],
        description=data["description"],
        neighbourhoods=data["neighbourhoods"],
        target_groups=data.get("target_groups") or [],
        request=None,
    )
    categories = dict(OfferCategory.objects.filter(city=city).values_list("slug", "name"))
    items = []
    for item in found["items"]:
        spelled = _spellings(data["title"], data["description"], item["title"])
        items.append(
            {
                "kind": item["kind"],
                "kind_label": _("Angebot") if item["kind"] == "offer" else _("Veranstaltung"),
                "title": item["title"],
                "url": item["url"],
                "reasons": reasons.reason_texts(item["reasons"], categories, _speller(spelled)),
            }
        )
    gaps = []
    for gap in found["gaps"]:
        places = _join(gap["neighbourhoods"])
        if gap["kind"] == "category":
            text = _("In %(places)s gibt es noch kein Angebot der Kategorie %(name)s.") % {
                "places": places,
                "name": gap["name"],
            }
        else:
            text = _("In %(places)s gibt es noch kein Angebot für die Zielgruppe %(name)s.") % {
                "places": places,
                "name": gap["name"],
            }
        gaps.append(text)
    return {"items": items, "gaps": gaps}


def _form_page(request, city, form: FundingForm, *, form_key: str, status: int = 200, compared=None):
    context = {
        "form": form,
        "form_key": form_key,
        "comparison": compared,
        "keep_months": round(settings.SUGGESTION_KEEP_CLOSED_DAYS / 30.5),
    }
    return render(request, "funding/public/form.html", context, status=status)


def _compare_if_possible(request, city, form: FundingForm):
    return _comparison(request, city, form) if form.idea_is_valid() else None


def _account_initial(user, city) -> dict:
    """For a logged-in person: name and e-mail from the account, and the organisation if they belong to one."""
    if not (user and user.is_authenticated):
        return {}
    initial = {"contact_name": user.get_full_name(), "contact_email": user.email}
    organisations = list(selectors.own_organisations(user, city)[:2])
    if len(organisations) == 1:
        initial["organisation_name"] = organisations[0].name
    return initial


def _own_organisation(user, city, name: str):
    """The user's organisation of that name: a consultation sent by a logged-in member for their organisation
    belongs to it (its members see it in the workspace). Another name links to nothing."""
    wanted = " ".join((name or "").split()).casefold()
    if not wanted:
        return None
    for organisation in selectors.own_organisations(user, city):
        if " ".join(organisation.name.split()).casefold() == wanted:
            return organisation
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def funding_new(request):
    """The request form (GET), the comparison with what exists (POST action=compare: nothing stored) and sending
    (POST action=send), which answers with the number and the secret status link.

    URL: `public:funding_new`, `foerderberatung/`. Public.
    """
    city = city_or_404(request)
    if request.method != "POST":
        form = FundingForm(city=city, initial=_account_initial(request.user, city))
        return _form_page(request, city, form, form_key=new_form_key())

    form = FundingForm(request.POST, city=city)
    posted_key = request.POST.get("form_key", "")
    identity = ratelimit.client_identity(request)

    if request.POST.get("action") == "compare":
        if ratelimit.hit("funding-compare", identity, window=3600) > settings.FUNDING_SIMILAR_RATE_LIMIT:
            form.is_valid()
            form.keep_only_idea_errors()
            form.add_error(
                None,
                _("Von Ihrem Anschluss kamen sehr viele Anfragen. Bitte versuchen Sie es später erneut."),
            )
            return _form_page(request, city, form, form_key=posted_key, status=429)
        form.is_valid()
        key = new_form_key() if form.form_key_invalid else posted_key
        form.keep_only_idea_errors()
        if form.errors:
            return _form_page(request, city, form, form_key=key, status=400)
        return _form_page(request, city, form, form_key=key, compared=_comparison(request, city, form))

    if (
        ratelimit.hit("funding", identity, window=settings.SUGGESTION_RATE_WINDOW)
        > settings.SUGGESTION_RATE_LIMIT
    ):
        form.is_valid()
        form.add_error(
            None,
            _(
                "Von Ihrem Anschluss kamen in kurzer Zeit sehr viele Anfragen. Bitte versuchen Sie es später "
                "erneut. Ihre Angaben stehen noch im Formular."
            ),
        )
        return _form_page(request, city, form, form_key=posted_key, status=429)
    if not form.is_valid():
        key = new_form_key() if form.form_key_invalid else posted_key
        return _form_page(
            request, city, form, form_key=key, status=400, compared=_compare_if_possible(request, city, form)
        )
    data = form.cleaned_data
    if data.get("website"):  # honeypot filled: pretend success, store and send nothing
        return secret_page(render(request, "funding/public/done.html", {"consultation": None}))
    if form.filled_too_fast:
        form.add_error(
            None,
            _(
                "Bitte nehmen Sie sich einen Moment Zeit, bevor Sie das Formular absenden. Ihre Angaben stehen "
                "noch im Formular; bitte senden Sie es noch einmal."
            ),
        )
        return _form_page(request, city, form, form_key=posted_key, status=400)
    idea = services.Request(
        title=data["title"],
        description=data["description"],
        neighbourhoods=data["neighbourhoods"],
        target_groups=data["target_groups"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        budget=data["budget"],
        programmes=list(data["programmes"]),
        organisation=_own_organisation(request.user, city, data["organisation_name"]),
        organisation_name=data["organisation_name"],
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
        contact_phone=data["contact_phone"],
        consent=data["consent"],
    )
    try:
        consultation, token, _created = services.consultation_submit(
            city=city,
            request=idea,
            submission_key=form.submission_key,
            status_url_for=lambda t: request.build_absolute_uri(reverse(STATUS_URL_NAME, args=[t])),
            language=request.LANGUAGE_CODE,
        )
    except ValidationError as exc:
        for field, problems in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return _form_page(
            request,
            city,
            form,
            form_key=posted_key,
            status=400,
            compared=_compare_if_possible(request, city, form),
        )
    context = {
        "consultation": consultation,
        "status_url": request.build_absolute_uri(reverse(STATUS_URL_NAME, args=[token])),
        "recipients": work_recipients(city=city, district=consultation.district).label,
    }
    return secret_page(render(request, "funding/public/done.html", context))


def _no_store(response):
    """The status page's headers: secret_page, never stored, and referrers only to this site.

    Not "no-referrer": with it browsers send `Origin: null` with the page's own POST forms (choose a time,
    withdraw), which Django's CSRF check refuses. "same-origin" still sends nothing to other sites."""
    secret_page(response)
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def _status_page(request, consultation: FundingConsultation, *, status: int = 200, errors=None):
    steps = [
        {
            "status": S(step.to_status).label if step.to_status in S.values else step.to_status,
            "at": step.created_at,
        }
        for step in consultation.steps.all()
    ]
    allowed = workflow.next_statuses(consultation.status, workflow.REQUESTER)
    slots = list(consultation.slots.filter(is_withdrawn=False))
    context = {
        "consultation": consultation,
        "steps": steps,
        "open_slots": slots if S.APPOINTMENT_CONFIRMED in allowed else [],
        "chosen": None
        if consultation.status == S.WITHDRAWN
        else next((s for s in slots if s.is_chosen), None),
        "may_withdraw": S.WITHDRAWN in allowed,
        "errors": errors or {},
    }
    return _no_store(render(request, "funding/public/status.html", context, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def funding_status(request, token: str):
    """The requester's secret status page: the status and its steps with dates, the proposed times to choose
    from (POST action=choose, slot=<id>) and withdrawing the request (POST action=withdraw, confirm=on).

    URL: `public:funding_status`, `foerderberatung/status/<token>/`. Public by the secret link; a wrong or
    expired token is a 404.
    """
    city = city_or_404(request)
    if (
        ratelimit.hit("funding-status", ratelimit.client_identity(request), window=3600)
        > STATUS_LOOKUPS_PER_HOUR
    ):
        return _no_store(render(request, "errors/429.html", status=429))
    consultation = selectors.by_status_token(token) if _TOKEN.match(token) else None
    if consultation is None or consultation.city_id != city.pk:
        raise Http404(_("Dieser Link ist ungültig oder abgelaufen."))
    if request.method != "POST":
        return _status_page(request, consultation)

    action = request.POST.get("action", "")
    try:
        if action == "choose":
            raw = request.POST.get("slot", "")
            if not raw.isdigit() or len(raw) > 12:
                return _status_page(
                    request,
                    consultation,
                    status=400,
                    errors={"slot": _("Bitte wählen Sie einen der vorgeschlagenen Termine.")},
                )
            services.consultation_slot_choose(consultation=consultation, slot_id=int(raw))
            messages.success(request, _("Vielen Dank. Ihr Termin ist bestätigt."))
        elif action == "withdraw":
            if request.POST.get("confirm") != "on":
                return _status_page(
                    request,
                    consultation,
                    status=400,
                    errors={"confirm": _("Bitte bestätigen Sie, dass Sie die Anfrage zurückziehen möchten.")},
                )
            services.consultation_withdraw(consultation=consultation)
            messages.success(request, _("Ihre Anfrage ist zurückgezogen."))
        else:
            return _status_page(
                request, consultation, status=400, errors={"action": _("Diese Aktion gibt es nicht.")}
            )
    except ValidationError as exc:
        field = "slot" if action == "choose" else "confirm"
        text = " ".join(exc.messages)
        return _status_page(request, consultation, status=400, errors={field: text})
    return _no_store(HttpResponseRedirect(request.path, status=303))
