"""Form controls as KERN UX draws them, on every page with a form, in a real browser.

Every select sits in KERN's wrapper, which draws a border or the arrow; every checkbox and radio is KERN's own
(appearance none, a visible border) with a target of at least 24 × 24 px (WCAG 2.5.8, the box or its label); ids
are unique on every page; where a secondary submit button comes before the main one, Enter sends the main one.
After a form comes back with errors the title starts with "Fehler:", focus is on the error summary and every link
of the summary reaches an element of the page (de, en, ar).

FORM_PAGES names, for every template with a `<form`, the pages that show it; a test checks that the list is
complete, so a new form page cannot escape the checks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.utils import translation

from .conftest import DEMO_PASSWORD, log_in, run_on_live_site

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["de", "en", "ar"]
ADMIN = "admin@demo.quartier.example"
ORGANISER = "verein@demo.quartier.example"

# Template (below quartier/, with or without the app's templates/ folder) -> pages (path templates filled from
# the live site's data) that show it. "ws:" pages are seen by the city administrator (who sees them all), "org:"
# pages by a member of an organisation.
FORM_PAGES: dict[str, list[str]] = {
    "places/includes/finder_form.html": ["/{lang}/", "/{lang}/finden/?q=Altendorf"],
    "site/public/accessibility_feedback.html": ["/{lang}/barrierefreiheit/feedback/"],
    "accounts/login.html": ["/{lang}/konto/anmelden/"],
    "accounts/password_reset_form.html": ["/{lang}/konto/passwort-vergessen/"],
    "events/public/list.html": ["/{lang}/veranstaltungen/"],
    "events/registration/form.html": ["/{lang}/veranstaltungen/{event}/anmelden/"],
    "offers/public/list.html": ["/{lang}/angebote/"],
    "suggestions/public/list.html": ["/{lang}/vorschlaege/"],
    "suggestions/public/form.html": ["/{lang}/vorschlaege/neu/"],
    "funding/public/form.html": ["/{lang}/foerderberatung/"],
    "funding/public/status.html": ["/{lang}/foerderberatung/status/{funding_token}/"],
    "templates/workspace/base.html": ["ws:/{lang}/arbeitsbereich/"],
    "events/workspace/form.html": ["org:/{lang}/arbeitsbereich/veranstaltungen/neu/{member_org}/"],
    "events/workspace/detail.html": ["ws:/{lang}/arbeitsbereich/veranstaltungen/{ws_event}/"],
    "events/workspace/registrations_date.html": [
        "ws:/{lang}/arbeitsbereich/veranstaltungen/{event}/anmeldungen/{termin}/"
    ],
    "offers/manage/list.html": ["ws:/{lang}/arbeitsbereich/angebote/"],
    "offers/manage/form.html": [
        "ws:/{lang}/arbeitsbereich/angebote/neu/{organisation}/",
        "ws:/{lang}/arbeitsbereich/angebote/{offer}/bearbeiten/",
    ],
    "offers/workspace/coverage.html": ["ws:/{lang}/arbeitsbereich/angebote/abdeckung/"],
    "organisations/workspace/form.html": ["ws:/{lang}/arbeitsbereich/organisationen/neu/"],
    "organisations/workspace/detail.html": ["ws:/{lang}/arbeitsbereich/organisationen/{organisation}/"],
    "suggestions/workspace/list_content.html": ["ws:/{lang}/arbeitsbereich/vorschlaege/"],
    "suggestions/workspace/detail.html": ["ws:/{lang}/arbeitsbereich/vorschlaege/{suggestion}/"],
    "suggestions/workspace/notifications.html": ["ws:/{lang}/arbeitsbereich/benachrichtigungen/"],
    "funding/workspace/list.html": ["ws:/{lang}/arbeitsbereich/foerderberatung/"],
    "funding/workspace/action.html": ["ws:/{lang}/arbeitsbereich/foerderberatung/{consultation}/"],
    # The shared access-and-erasure page that both person.html extend (its form is drawn here).
    "accounts/workspace/personal_data.html": [
        "ws:/{lang}/arbeitsbereich/vorschlaege/auskunft-und-loeschung/",
        "ws:/{lang}/arbeitsbereich/foerderberatung/auskunft-und-loeschung/",
    ],
    "accounts/workspace/people_list.html": ["ws:/{lang}/arbeitsbereich/personen/"],
    "accounts/workspace/person_invite.html": ["ws:/{lang}/arbeitsbereich/personen/einladen/"],
    "accounts/workspace/person_detail.html": ["ws:/{lang}/arbeitsbereich/personen/{person}/"],
    "accounts/workspace/audit_list.html": ["ws:/{lang}/arbeitsbereich/protokoll/"],
    "places/workspace/postcode_pairs.html": ["ws:/{lang}/arbeitsbereich/postleitzahlen/"],
    "accounts/twofactor/security.html": ["ws:/{lang}/arbeitsbereich/anmeldung-absichern/"],
    "accounts/twofactor/enrol.html": ["ws:/{lang}/konto/zweiter-faktor/einrichten/"],
}
# Forms behind a secret link sent by e-mail that hold nothing but a submit button or plain text fields; their
# markup is covered by tests/core/test_form_markup.py.
BEHIND_SECRET_LINKS = {
    "events/registration/cancel.html",
    "offers/public/confirm.html",
    "organisations/public/invitation.html",
    "accounts/password_reset_confirm.html",
    "accounts/staff_invitation.html",
    "accounts/session_timeout.html",  # the staff session dialog, part of every workspace page
    # The login steps of the second factor, reached only in their own session states; their controls are checked
    # with the same CONTROLS in tests/browser/test_two_factor.py.
    "accounts/twofactor/verify.html",
    "accounts/twofactor/recovery_codes.html",
    "accounts/twofactor/step_nav.html",
}

SETUP = """
import json, secrets
from datetime import timedelta
from django.utils import timezone
from quartier.accounts.models import User
from quartier.events.models import Event
from quartier.funding import services as funding
from quartier.funding.models import FundingConsultation
from quartier.offers.models import Offer
from quartier.organisations.models import Organisation
from quartier.places.models import City, Neighbourhood
from quartier.suggestions.models import Suggestion

city = City.objects.get(slug="essen")
consultation, token, _ = funding.consultation_submit(
    city=city,
    request=funding.Request(
        title="Formularprüfung Nähtreff",
        description="Ein Nähtreff für Mütter im Stadtteilzentrum, jeden Donnerstag am Nachmittag.",
        neighbourhoods=[Neighbourhood.objects.get(city=city, name="Altendorf")],
        contact_email="formcheck-demo@example.org",
        consent=True,
    ),
    submission_key=secrets.token_hex(16),
    status_url_for=lambda t: t,
    language="de",
    notify=False,
)
start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=4)
funding.consultation_slots_propose(
    actor=None, consultation=consultation, slots=[(start, start + timedelta(hours=1), "Bezirksstelle III")],
    expected_version=consultation.version,
)
registrable = (
    Event.objects.filter(city=city, status=Event.Status.PUBLISHED)
    .exclude(registration=Event.Registration.NONE)
    .filter(occurrence_rows__start__gt=timezone.now())
    .distinct()
    .order_by("pk")
    .first()
)
from quartier.events import registration_staff
from quartier.events.occurrences import date_key
print(json.dumps({
    "funding_token": token,
    "termin": date_key(registration_staff.registration_dates(registrable)[0].start),
    "event": registrable.pk,
    "ws_event": Event.objects.filter(city=city).order_by("pk").first().pk,
    "organisation": Organisation.objects.filter(city=city).order_by("pk").first().pk,
    "member_org": Organisation.objects.filter(members__user__email="verein@demo.quartier.example").first().pk,
    "offer": Offer.objects.filter(city=city).order_by("pk").first().pk,
    "suggestion": Suggestion.objects.filter(city=city).order_by("pk").first().pk,
    "consultation": consultation.pk,
    "person": User.objects.filter(email="koordination-iii@demo.quartier.example").get().pk,
}))
"""

# Everything a page's form controls must satisfy, measured in the page; answers a list of problems.
CONTROLS = """() => {
  const problems = [];
  const where = el => `${el.tagName.toLowerCase()}#${el.id || '?'}[name=${el.getAttribute('name') || '?'}]`;
  const seen = {};
  document.querySelectorAll('[id]').forEach(el => { seen[el.id] = (seen[el.id] || 0) + 1; });
  Object.entries(seen).filter(([, n]) => n > 1).forEach(([id, n]) => problems.push(`id "${id}" ${n} times`));
  const visible = el => el.getClientRects().length > 0;
  const bordered = style => ['Top', 'Right', 'Bottom', 'Left'].some(
    side => parseFloat(style[`border${side}Width`]) > 0 && style[`border${side}Style`] !== 'none');
  document.querySelectorAll('select').forEach(select => {
    const wrapper = select.parentElement;
    if (!wrapper.classList.contains('kern-form-input__select-wrapper')) {
      problems.push(`${where(select)}: not in kern-form-input__select-wrapper`);
      return;
    }
    if (!select.classList.contains('kern-form-input__select')) problems.push(`${where(select)}: no KERN class`);
    if (!visible(select)) return;
    const style = getComputedStyle(wrapper), after = getComputedStyle(wrapper, '::after');
    const mask = after.maskImage || after.webkitMaskImage || 'none';
    const arrow = style.backgroundImage !== 'none' || (after.content !== 'none' && after.display !== 'none' && mask !== 'none');
    if (!bordered(style) && !arrow) problems.push(`${where(select)}: wrapper draws neither border nor arrow`);
    if (!select.multiple && !arrow) problems.push(`${where(select)}: no arrow`);
  });
  document.querySelectorAll('input[type=checkbox], input[type=radio]').forEach(box => {
    const kern = box.type === 'checkbox' ? 'kern-form-check__checkbox' : 'kern-form-check__radio';
    if (!box.classList.contains(kern)) problems.push(`${where(box)}: not ${kern}`);
    if (!box.parentElement.classList.contains('kern-form-check')) problems.push(`${where(box)}: not in kern-form-check`);
    if (!visible(box)) return;
    const style = getComputedStyle(box);
    if (style.appearance !== 'none' && !bordered(style)) problems.push(`${where(box)}: drawn by the browser`);
    if (!bordered(style)) problems.push(`${where(box)}: no visible border`);
    const big = el => { const r = el.getBoundingClientRect(); return r.width >= 24 && r.height >= 24; };
    if (!big(box) && !Array.from(box.labels || []).some(big)) problems.push(`${where(box)}: target below 24 x 24 px`);
  });
  document.querySelectorAll('form').forEach(form => {
    const submits = Array.from(form.querySelectorAll('button[type=submit], button:not([type]), input[type=submit]'));
    const typing = form.querySelector('input[type=text], input[type=email], input[type=search], input[type=tel], input[type=number], input[type=date], input[type=password], input:not([type])');
    if (submits.length < 2 || !typing) return;
    const first = submits[0];
    const primary = submits.find(b => b.classList.contains('kern-btn--primary') && !b.classList.contains('default-submit'));
    if (!primary) return;
    const same = first === primary || (first.classList.contains('default-submit') && first.name === primary.name
      && first.value === primary.value && !first.hasAttribute('formaction'));
    if (!same) problems.push(`form ${form.id || form.action}: Enter sends "${first.textContent.trim()}", not the main action`);
  });
  return problems;
}"""


def _templates_with_forms() -> set[str]:
    found = set()
    for path in (ROOT / "quartier").rglob("*.html"):
        if "static" in path.parts or "<form" not in path.read_text(encoding="utf-8"):
            continue
        rel = path.relative_to(ROOT / "quartier").as_posix()
        # quartier/<app>/templates/<app>/... is named from the app's template folder on.
        match = re.match(r"[a-z_]+/templates/(.+)", rel)
        found.add(match.group(1) if match else rel)
    return found


def test_the_list_of_form_pages_is_complete():
    """Every template with a form is visited here or named as behind a secret link, and nothing listed is gone."""
    listed = set(FORM_PAGES) | BEHIND_SECRET_LINKS
    found = _templates_with_forms()
    assert found - listed == set(), "templates with a <form> that no test visits: add them to FORM_PAGES"
    assert listed - found == set(), "FORM_PAGES names templates that have no form (any more)"


@pytest.fixture(scope="module")
def form_data(live_site):
    return json.loads(run_on_live_site(SETUP).strip().splitlines()[-1])


def _pages(data: dict, lang: str) -> list[tuple[str, str]]:
    """(path, who) for every listed page: who is "", "ws" or "org"."""
    pages = []
    for urls in FORM_PAGES.values():
        for url in urls:
            who, _sep, path = url.rpartition(":") if url.startswith(("ws:", "org:")) else ("", "", url)
            pages.append((path.format(lang=lang, **data), who))
    return sorted(set(pages))


def _problems_on(page, url: str) -> list[str]:
    response = page.goto(url)
    if response is None or response.status != 200:
        return [f"{url}: answered {response and response.status}"]
    return [f"{url}: {p}" for p in page.evaluate(CONTROLS)]


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_every_form_page_draws_kern_controls_with_unique_ids(new_context, form_data, lang):
    visitors = {"": new_context().new_page(), "ws": new_context().new_page(), "org": new_context().new_page()}
    log_in(visitors["ws"], ADMIN, DEMO_PASSWORD, lang=lang)
    log_in(visitors["org"], ORGANISER, DEMO_PASSWORD, lang=lang)
    problems = []
    for url, who in _pages(form_data, lang):
        problems += _problems_on(visitors[who], url)
    assert problems == []


# The forms whose error handling is checked: (name, path, the form, login needed).
ERROR_FORMS = [
    ("suggestion", "/{lang}/vorschlaege/neu/", "#suggestion-form", False),
    ("funding", "/{lang}/foerderberatung/", "#funding-form", False),
    ("registration", "/{lang}/veranstaltungen/{event}/anmelden/", "main form[method=post]", False),
    ("login", "/{lang}/konto/anmelden/", "main form[method=post]", False),
    ("organisation", "/{lang}/arbeitsbereich/organisationen/neu/", "main form[method=post]", True),
]

SUMMARY = """() => {
  const summary = document.querySelector('[data-error-summary]');
  if (!summary) return null;
  const links = Array.from(summary.querySelectorAll('a')).map(a => {
    const href = a.getAttribute('href') || '';
    return {href, exists: href.startsWith('#') && href.length > 1 && !!document.getElementById(decodeURIComponent(href.slice(1)))};
  });
  return {focused: document.activeElement === summary, role: summary.getAttribute('role'),
          firstInMain: summary === document.querySelector('main [data-error-summary], main .kern-alert--danger'), links};
}"""


def _error_prefix(lang: str) -> str:
    with translation.override(lang):
        return translation.pgettext("page title of a form sent back with errors", "Fehler:")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("name", "path", "form", "staff"), ERROR_FORMS, ids=[f[0] for f in ERROR_FORMS])
def test_a_form_sent_back_with_errors_titles_focuses_and_links_its_summary(
    new_context, form_data, lang, name, path, form, staff
):
    page = new_context().new_page()
    if staff:
        log_in(page, ADMIN, DEMO_PASSWORD, lang=lang)
    page.goto(path.format(lang=lang, **form_data))
    assert not page.title().startswith(_error_prefix(lang))
    with page.expect_navigation():
        page.locator(f"{form} button.kern-btn--primary:not(.default-submit)").last.click()
    assert page.title().startswith(_error_prefix(lang) + " "), page.title()
    summary = page.evaluate(SUMMARY)
    assert summary is not None, "no error summary"
    assert summary["focused"], "focus is not on the error summary"
    assert summary["role"] == "alert" and summary["firstInMain"]
    assert summary["links"], "the summary links to no field"
    broken = [link["href"] for link in summary["links"] if not link["exists"]]
    assert broken == [], f"summary links that reach nothing: {broken}"
    # Following a link puts focus on its field (the first box of a group of checkboxes).
    for link in summary["links"]:
        page.locator(f'[data-error-summary] a[href="{link["href"]}"]').first.click()
        assert page.evaluate("() => document.activeElement.id") == link["href"][1:]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_enter_in_a_text_field_of_the_funding_form_sends_the_request(page, lang):
    page.goto(f"/{lang}/foerderberatung/")
    page.fill("#id_title", "Nähtreff")
    with page.expect_navigation() as navigation:
        page.press("#id_title", "Enter")
    assert navigation.value.status == 400
    # Only sending asks for consent; "Ähnliches anzeigen" checks the idea alone.
    assert page.locator("#id_consent_error").is_visible()
    assert page.locator("#aehnliches").count() == 0
