"""Work never goes nowhere: coordinators, else the fallback team, else city administrators, else platform admins."""

from quartier.accounts.models import Role
from quartier.accounts.selectors import work_recipients
from quartier.places.models import District
from tests.conftest import make_user


def test_every_district_and_districtless_work_reaches_someone(essen, platform_admin):
    for district in [*District.objects.filter(city=essen), None]:
        recipients = work_recipients(city=essen, district=district)
        assert recipients.users, district


def test_coordinators_receive_their_districts_work(essen, coordinator_iii):
    iii = District.objects.get(city=essen, number="III")
    assert work_recipients(city=essen, district=iii).users == (coordinator_iii,)
    assert work_recipients(city=essen, district=iii).via == "coordinators"


def test_vacant_districts_go_to_the_fallback_team(essen, coordinator_iii):
    team = make_user("zentrale-test@example.org", roles=[(Role.FALLBACK, None)], city=essen)
    for numeral in ["II", "VIII", "IX"]:  # the vacant post in Essen
        recipients = work_recipients(city=essen, district=District.objects.get(city=essen, number=numeral))
        assert recipients.users == (team,) and recipients.via == "fallback_team"
    assert work_recipients(city=essen, district=None).users == (team,)


def test_without_a_fallback_team_the_city_administrators_receive_it(essen, platform_admin):
    admin = make_user("stadt-admin@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)
    viii = District.objects.get(city=essen, number="VIII")
    assert work_recipients(city=essen, district=viii).users == (admin,)
    admin.is_active = False
    admin.save()
    last = work_recipients(city=essen, district=viii)
    assert last.users == (platform_admin,) and last.via == "platform_admins"


def test_inactive_coordinators_do_not_receive_work(essen, coordinator_iii):
    team = make_user("zentrale-test@example.org", roles=[(Role.FALLBACK, None)], city=essen)
    coordinator_iii.is_active = False
    coordinator_iii.save()
    iii = District.objects.get(city=essen, number="III")
    assert work_recipients(city=essen, district=iii).users == (team,)


def test_workspace_says_where_new_work_goes(client, essen, coordinator_iii):
    client.force_login(coordinator_iii)
    page = client.get("/de/arbeitsbereich/", HTTP_HOST="127.0.0.1").content.decode()
    assert "Neue Anliegen gehen an" in page and "Koordinator*innen des Stadtbezirks" in page
