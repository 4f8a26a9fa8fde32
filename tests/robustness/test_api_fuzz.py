"""The API answers whatever it is sent as it documents: schemathesis generates valid and invalid requests from
/api/v1/openapi.json and sends them to a real server (gunicorn, DEBUG off, its own database with Essen and the
demo content), anonymously and logged in as a coordinator.

Every answer must be no server error (5xx), carry a status code the operation documents, the documented
content type, and a body that matches the documented schema. Generation is derandomised, so every run sends
the same requests; QUARTIER_FUZZ_MAX_EXAMPLES (examples per operation and mode) and
QUARTIER_FUZZ_BUDGET_SECONDS (wall time per run of each test) bound it (docs/testing-robustness.md).
"""

from __future__ import annotations

import json
import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from quartier.site.api import api
from tests import liveserver

from .conftest import REQUEST_TIMEOUT, budget, log_in

MAX_EXAMPLES = int(os.environ.get("QUARTIER_FUZZ_MAX_EXAMPLES", "20"))
BUDGET_SECONDS = float(os.environ.get("QUARTIER_FUZZ_BUDGET_SECONDS", "75"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Limits that would otherwise answer most generated writes with 429 and so test nothing beyond the limit.
RAISED_LIMITS = {
    "QUARTIER_SUGGESTION_RATE_LIMIT": "100000",
    "QUARTIER_SUGGESTION_ATTEMPT_LIMIT": "100000",
    "QUARTIER_FUNDING_SIMILAR_RATE_LIMIT": "100000",
}
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # the same requests in every run: CI is reproducible
    database=None,  # nothing remembered between runs, for the same reason
    deadline=None,  # a real server over HTTP; speed is measured in bench/, not here
    suppress_health_check=[
        # Every example is an HTTP request to a real server, far slower than Hypothesis expects of a test.
        HealthCheck.too_slow,
        # schemathesis discards generated cases that cannot be sent (e.g. headers that are not latin-1).
        HealthCheck.filter_too_much,
    ],
)


@pytest.fixture(scope="session")
def fuzz_site(robustness_prerequisites):
    with liveserver.live_server("fuzz", env_overrides=RAISED_LIMITS) as server:
        yield server


@pytest.fixture(scope="session")
def anonymous_session():
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="session")
def coordinator_session(fuzz_site):
    session = log_in(fuzz_site.base_url)
    own = session.get(f"{fuzz_site.base_url}/api/v1/cities/essen/inbox/suggestions", timeout=REQUEST_TIMEOUT)
    assert own.status_code == 200, f"the logged-in coordinator cannot read the inbox ({own.status_code})"
    yield session
    session.close()


# The schema as the app builds it; test_served_schema_is_the_one_fuzzed checks that the server serves the same.
# (Loaded here rather than lazily from the server: schemathesis' lazy loader does not work with pytest 9.2.)
OPENAPI = api.get_openapi_schema()
schema = schemathesis.openapi.from_dict(OPENAPI)


@pytest.fixture(scope="session")
def own_suggestions(fuzz_site) -> list[int]:
    """Ids of suggestions: those of Stadtbezirk III (the coordinator's) and every tenth of the others."""
    code = (
        "from quartier.suggestions.models import Suggestion\n"
        "ids = Suggestion.objects.order_by('pk').values_list('pk', 'district__number')\n"
        "print(' '.join(str(pk) for n, (pk, d) in enumerate(ids) if d == 'III' or n % 10 == 0))"
    )
    ids = [int(pk) for pk in liveserver.run_python(fuzz_site.env, code).split()]
    assert ids, "the demo content has no suggestions"
    return ids


def test_served_schema_is_the_one_fuzzed(fuzz_site):
    served = requests.get(f"{fuzz_site.base_url}/api/v1/openapi.json", timeout=REQUEST_TIMEOUT)
    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(OPENAPI))


def _send(case, site, session):
    """Send one generated request (within the budget) and check the answer."""
    # A generated city is almost always unknown (404): the city under test is Essen.
    if "city_slug" in (case.path_parameters or {}):
        case.path_parameters["city_slug"] = "essen"
    response = case.call(base_url=site.base_url, session=session, timeout=REQUEST_TIMEOUT)
    if response.status_code == 414 and b"Request Line is too large" in response.content:
        # gunicorn refused the request line (limit_request_line, 4094 bytes) before the app saw it, as nginx
        # does in production with its own limit: no answer of the API to check.
        return
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_anonymous(case, fuzz_site, anonymous_session):
    """Every operation, without a session: public answers, and 401 or 403 for the staff part."""
    anonymous_session.cookies.clear()
    if budget("fuzz, anonymous", BUDGET_SECONDS).allows():
        _send(case, fuzz_site, anonymous_session)


@schema.include(path_regex=r"/inbox/").parametrize()
@FUZZ_SETTINGS
def test_api_as_coordinator(case, fuzz_site, coordinator_session, own_suggestions):
    """The staff operations with a coordinator's session and CSRF token: the district scope, the workflow,
    optimistic locking and the body checks under generated input."""
    # The generated value of the documented session cookie would replace the real one.
    for cookie in ("sessionid", "csrftoken"):
        (case.cookies or {}).pop(cookie, None)
    # Most generated ids name no suggestion (404); map whole numbers onto the coordinator's own suggestions
    # and some of another district, so that the workflow itself is fuzzed.
    number = (case.path_parameters or {}).get("suggestion_id")
    if isinstance(number, int) and not isinstance(number, bool) and number % 5:
        case.path_parameters["suggestion_id"] = own_suggestions[number % len(own_suggestions)]
    if budget("fuzz, coordinator", BUDGET_SECONDS).allows():
        _send(case, fuzz_site, coordinator_session)
