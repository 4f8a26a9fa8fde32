"""accounts.permissions.requires: the declared permission of a view."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from quartier.accounts.models import Role
from quartier.accounts.permissions import can_use_workspace, manages_people
from quartier.core.permissions import requires
from tests.conftest import make_user


@requires(can_use_workspace, manages_people)
def people_page(request):
    return HttpResponse("people")


def _request(user, city):
    request = RequestFactory().get("/de/arbeitsbereich/personen/")
    request.user = user
    request.city = city
    return request


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(essen):
    response = people_page(_request(AnonymousUser(), essen))
    assert response.status_code == 302
    assert "/konto/anmelden/" in response["Location"]


@pytest.mark.django_db
def test_user_failing_one_predicate_is_refused(essen):
    coordinator = make_user("req-coord@example.org", roles=[(Role.COORDINATOR, "III")], city=essen)
    with pytest.raises(PermissionDenied):
        people_page(_request(coordinator, essen))


@pytest.mark.django_db
def test_user_passing_every_predicate_reaches_the_view(essen):
    admin = make_user("req-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    assert people_page(_request(admin, essen)).content == b"people"
    assert people_page.permission == (can_use_workspace, manages_people)
