"""Postcode ↔ Stadtteil pairs added by the city: the workspace page, its access, validation, audit, the finder
using them at once, load_city keeping them, and the data-sources page naming them."""

import io

import pytest
from django.core.management import call_command

from quartier.accounts.models import Role
from quartier.core.models import AuditEntry
from quartier.places import finder
from quartier.places.finder import Outcome
from quartier.places.models import City, District, Neighbourhood, PlaceSource, Postcode, PostcodeNeighbourhood
from tests.conftest import make_user

H = {"HTTP_HOST": "127.0.0.1"}
PAGE = "/de/arbeitsbereich/postleitzahlen/"
ADD = "/de/arbeitsbereich/postleitzahlen/zuordnen/"


@pytest.fixture
def city_admin(essen):
    return make_user("stadt-admin-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=essen)


@pytest.fixture
def steele(essen):
    return Neighbourhood.objects.get(city=essen, name="Steele")


@pytest.fixture
def other_city(db):
    city = City.objects.create(slug="bochum", name="Bochum", domain="bochum.example.org")
    district = District.objects.create(city=city, number="I", ordinal=1, name="Bochum-Mitte")
    neighbourhood = Neighbourhood.objects.create(
        city=city, district=district, name="Innenstadt", slug="innenstadt"
    )
    postcode = Postcode.objects.create(city=city, code="44787", source=PlaceSource.CITY)
    pair = PostcodeNeighbourhood.objects.create(
        postcode=postcode, neighbourhood=neighbourhood, source=PlaceSource.CITY
    )
    return city, neighbourhood, pair


def _add(client, code, neighbourhood_id):
    return client.post(ADD, {"code": code, "neighbourhood": neighbourhood_id}, **H)


def test_finder_answer_for_a_postcode_without_pairs_offers_the_map_and_the_list(client, essen):
    r = client.get("/de/finden/", {"q": "45276"}, **H)
    page = r.content.decode()
    assert r.status_code == 404
    assert 'href="#karte"' in page and 'id="karte"' in page  # the map on the same page
    assert 'href="/de/bezirke/"' in page and "Liste aller Stadtteile" in page
    assert 'id="ergebnis"' in page and 'tabindex="-1"' in page


def test_city_admin_adds_a_pair_the_finder_uses_at_once(client, essen, city_admin, steele):
    assert finder.lookup_text(essen.pk, "45276").outcome is Outcome.POSTCODE_WITHOUT_DATA
    revision = City.objects.get(pk=essen.pk).places_revision
    client.force_login(city_admin)
    page = client.get(PAGE, **H).content.decode()
    assert "45276" in page and "Postleitzahlen ohne Stadtteil" in page
    r = _add(client, " 45276 ", steele.pk)
    assert r.status_code == 302
    pair = PostcodeNeighbourhood.objects.get(postcode__city=essen, postcode__code="45276")
    assert pair.source == PlaceSource.CITY and pair.added_by == city_admin and pair.added_at is not None
    assert City.objects.get(pk=essen.pk).places_revision > revision
    finder.forget_indexes()  # another process would notice the revision; this one checks it only every few s
    result = finder.lookup_text(essen.pk, "45276")
    assert result.outcome is Outcome.FOUND and result.places[0].name == "Steele"
    entry = AuditEntry.objects.get(action="postcode_pair.added")
    assert entry.actor == city_admin and entry.changes["postcode"] == [None, "45276"]
    # the public finder page answers with Steele, and the data-sources page names the pair as the city's
    assert "Steele" in client.get("/de/finden/", {"q": "45276"}, **H).content.decode()
    sources = client.get("/de/datenquellen/", **H).content.decode()
    assert "Von der Stadt ergänzt" in sources and "45276 – Steele: von der Stadt ergänzt am" in sources


def test_a_new_german_postcode_is_created_as_city_supplied_and_goes_with_its_last_pair(
    client, essen, platform_admin, steele
):
    client.force_login(platform_admin)
    assert _add(client, "45999", steele.pk).status_code == 302
    postcode = Postcode.objects.get(city=essen, code="45999")
    assert postcode.source == PlaceSource.CITY
    pair = postcode.pairs.get()
    assert client.post(f"/de/arbeitsbereich/postleitzahlen/{pair.pk}/entfernen/", **H).status_code == 302
    assert not Postcode.objects.filter(city=essen, code="45999").exists()
    assert AuditEntry.objects.filter(action="postcode_pair.removed").count() == 1
    assert AuditEntry.objects.filter(action="postcode.removed", target_id=str(postcode.pk)).exists()


def test_reference_pairs_are_read_only(client, essen, city_admin):
    client.force_login(city_admin)
    reference = PostcodeNeighbourhood.objects.filter(
        postcode__city=essen, source=PlaceSource.REFERENCE
    ).first()
    r = client.post(f"/de/arbeitsbereich/postleitzahlen/{reference.pk}/entfernen/", **H)
    assert r.status_code == 302
    assert PostcodeNeighbourhood.objects.filter(pk=reference.pk).exists()
    page = client.get(PAGE, **H).content.decode()
    assert f"/postleitzahlen/{reference.pk}/entfernen/" not in page  # no remove button for reference pairs


def test_a_pair_twice_is_a_clear_error(client, essen, city_admin):
    reference = PostcodeNeighbourhood.objects.filter(postcode__city=essen).select_related("postcode").first()
    client.force_login(city_admin)
    r = _add(client, reference.postcode.code, reference.neighbourhood_id)
    assert r.status_code == 400 and "bereits zugeordnet" in r.content.decode()


@pytest.mark.parametrize(
    "code",
    [
        "",
        "4527",
        "452766",
        "4527a",
        "00123",  # no German postcode begins with 00
        "４５２７６",  # full-width digits
        "٤٥٢٧٦",  # Arabic-Indic digits
        "45\x0076",
        "<script>",
        "4" * 10_000,
        "' OR 1=1 --",
    ],
)
def test_hostile_postcodes_are_refused(client, essen, city_admin, steele, code):
    client.force_login(city_admin)
    before = PostcodeNeighbourhood.objects.count(), Postcode.objects.count()
    r = _add(client, code, steele.pk)
    assert r.status_code == 400
    assert (PostcodeNeighbourhood.objects.count(), Postcode.objects.count()) == before
    assert "<script>" not in r.content.decode().replace("&lt;script&gt;", "")


@pytest.mark.parametrize("neighbourhood", ["", "0", "abc", "-1", "99999999999999999999", "1 OR 1=1"])
def test_bad_stadtteil_is_refused(client, essen, city_admin, neighbourhood):
    client.force_login(city_admin)
    before = PostcodeNeighbourhood.objects.count()
    assert _add(client, "45276", neighbourhood).status_code == 400
    assert PostcodeNeighbourhood.objects.count() == before


def test_a_stadtteil_of_another_city_is_refused(client, essen, city_admin, other_city):
    _city, innenstadt, _pair = other_city
    client.force_login(city_admin)
    r = _add(client, "45276", innenstadt.pk)
    assert r.status_code == 400 and "Stadtteil dieser Stadt" in r.content.decode()
    assert not PostcodeNeighbourhood.objects.filter(neighbourhood=innenstadt, postcode__city=essen).exists()


def test_a_pair_of_another_city_is_404(client, essen, city_admin, other_city):
    _city, _innenstadt, pair = other_city
    client.force_login(city_admin)
    assert client.post(f"/de/arbeitsbereich/postleitzahlen/{pair.pk}/entfernen/", **H).status_code == 404
    assert PostcodeNeighbourhood.objects.filter(pk=pair.pk).exists()


def test_the_administrator_of_another_city_gets_403(client, essen, other_city, steele):
    city, _innenstadt, _pair = other_city
    admin = make_user("bochum-admin-demo@example.org", roles=[(Role.CITY_ADMIN, None)], city=city)
    client.force_login(admin)
    assert client.get(PAGE, **H).status_code == 403
    assert _add(client, "45276", steele.pk).status_code == 403


@pytest.mark.parametrize(
    "roles", [[(Role.COORDINATOR, "III")], [(Role.FALLBACK, None)], [(Role.CENTRAL_STEERING, None)]]
)
def test_coordinators_and_other_staff_get_403(client, essen, steele, roles):
    client.force_login(make_user("staff-demo@example.org", roles=roles, city=essen))
    assert client.get(PAGE, **H).status_code == 403
    assert _add(client, "45276", steele.pk).status_code == 403
    assert not PostcodeNeighbourhood.objects.filter(postcode__code="45276", postcode__city=essen).exists()


def test_anonymous_is_sent_to_the_login(client, essen, steele):
    assert _add(client, "45276", steele.pk).status_code == 302
    assert not PostcodeNeighbourhood.objects.filter(postcode__code="45276", postcode__city=essen).exists()


def test_load_city_keeps_the_city_pairs(client, essen, city_admin, steele):
    client.force_login(city_admin)
    assert _add(client, "45276", steele.pk).status_code == 302
    reference_before = PostcodeNeighbourhood.objects.filter(
        postcode__city=essen, source=PlaceSource.REFERENCE
    ).count()
    call_command("load_city", "essen", verbosity=0, stdout=io.StringIO())
    pair = PostcodeNeighbourhood.objects.get(postcode__city=essen, postcode__code="45276")
    assert pair.source == PlaceSource.CITY and pair.neighbourhood == steele
    assert (
        PostcodeNeighbourhood.objects.filter(postcode__city=essen, source=PlaceSource.REFERENCE).count()
        == reference_before
    )


def test_the_page_lists_postcodes_in_few_queries(client, essen, city_admin, django_assert_max_num_queries):
    client.force_login(city_admin)
    with django_assert_max_num_queries(15):
        r = client.get(PAGE, **H)
    assert r.status_code == 200
