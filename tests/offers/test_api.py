"""The offers and organisations API: envelope and items, search and filters, hidden offers, one item each, the
categories, caching that follows every change, and invalid or hostile parameters (422/404, never 500)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.offers import services
from quartier.offers.models import Offer

from .conftest import make_offer

API = "/api/v1/cities/essen"


@pytest.fixture
def offers(essen, organisation):
    organisation.districts.set(essen.districts.filter(number__in=["III", "VII"]))
    return {
        "cafe": make_offer(
            essen,
            organisation,
            "Sprachcafé Altendorf",
            "Deutsch sprechen bei Tee.",
            category_slug="language-cafe",
            places=("Altendorf", "Frohnhausen"),
            languages=["de", "ar"],
            target_groups=["women"],
        ),
        "advice": make_offer(
            essen,
            organisation,
            "Migrationsberatung",
            "Beratung zu Aufenthalt und Arbeit.",
            category_slug="counselling",
            citywide=True,
            places=(),
            schedule="appointment",
            weekly_times=[],
            languages=["de", "uk"],
            is_free=True,
            target_groups=["newcomers"],
        ),
        "sport": make_offer(
            essen,
            organisation,
            "Mädchenfußball Steele",
            "Training in der Halle.",
            category_slug="sports-group",
            places=("Steele",),
            is_free=False,
            cost="5 € im Monat",
            target_groups=["youth", "women"],
        ),
    }


def test_list_envelope_and_item_shape(client, offers):
    data = client.get(f"{API}/offers").json()
    assert data["count"] == 3 and data["next"] is None
    titles = [i["title"] for i in data["items"]]  # by title in the database's collation
    assert sorted(titles) == ["Migrationsberatung", "Mädchenfußball Steele", "Sprachcafé Altendorf"]
    cafe = next(i for i in data["items"] if i["title"] == "Sprachcafé Altendorf")
    assert cafe["category"] == {"slug": "language-cafe", "name": "Sprachcafé"}
    assert cafe["organisation"]["name"] == "Nachbarschaftsverein Demo e. V."
    assert [n["name"] for n in cafe["neighbourhoods"]] == ["Altendorf", "Frohnhausen"]
    assert cafe["languages"] == ["de", "ar"] and cafe["target_groups"] == ["women"]
    assert cafe["weekly_times"] == [{"weekday": 2, "start": "16:00", "end": "18:00"}]
    assert cafe["url"].startswith("http://testserver/de/angebote/") and cafe["url"].endswith(
        f"/{offers['cafe'].slug}/"
    )
    advice = next(i for i in data["items"] if i["title"] == "Migrationsberatung")
    assert (
        advice["citywide"] is True and advice["neighbourhoods"] == [] and advice["schedule"] == "appointment"
    )


def test_search_and_filters(client, offers):
    def ids(query):
        response = client.get(f"{API}/offers?{query}")
        assert response.status_code == 200, response.content
        return {i["id"] for i in response.json()["items"]}

    cafe, advice, sport = offers["cafe"].pk, offers["advice"].pk, offers["sport"].pk
    assert ids("q=Sprachcafe") == {cafe}
    assert ids("q=beratungen") == {advice}
    assert ids("q=M%C3%A4dchenfusbal") == {sport}  # no ß, and a typo
    assert ids("neighbourhood=Altendorf") == {cafe, advice}  # the citywide offer is everywhere
    assert ids("neighbourhood=7") == {cafe, advice}  # Altendorf's official number
    assert ids("district=vii") == {sport, advice}  # Steele is in VII
    assert ids("category=counselling") == {advice}
    assert ids("target_group=women") == {cafe, sport}
    assert ids("language=uk") == {advice}
    assert ids("free=true") == {cafe, advice}
    assert ids("q=Training&district=III") == set()


def test_hidden_offers_are_not_listed(client, essen, offers):
    Offer.objects.filter(pk=offers["cafe"].pk).update(status=Offer.Status.DRAFT)
    Offer.objects.filter(pk=offers["sport"].pk).update(
        confirmed_at=timezone.now() - Offer.hidden_after() - timedelta(days=1)
    )
    assert [i["title"] for i in client.get(f"{API}/offers").json()["items"]] == ["Migrationsberatung"]
    assert client.get(f"{API}/offers/{offers['cafe'].pk}").status_code == 404
    assert client.get(f"{API}/offers/{offers['sport'].pk}").status_code == 404


def test_one_offer(client, offers):
    data = client.get(f"{API}/offers/{offers['sport'].pk}").json()
    assert data["title"] == "Mädchenfußball Steele" and data["description"] == "Training in der Halle."
    assert data["cost"] == "5 € im Monat" and data["free"] is False
    assert data["districts"] == [{"number": "VII", "name": data["districts"][0]["name"]}]
    assert client.get(f"{API}/offers/999999").status_code == 404
    assert client.get(f"{API}/offers/0").status_code == 404
    assert client.get(f"{API}/offers/99999999999999999999999").status_code in {404, 422}
    assert client.get("/api/v1/cities/nirgendwo/offers/1").status_code == 404


def test_categories(client, offers):
    data = client.get(f"{API}/offer-categories").json()
    assert data["count"] == len(services.DEFAULT_CATEGORIES)
    assert data["items"][0] == {"slug": "language-cafe", "name": "Sprachcafé"}


def test_organisations(client, offers, organisation):
    data = client.get(f"{API}/organisations").json()
    item = next(i for i in data["items"] if i["id"] == organisation.pk)
    assert item["offers"] == 3 and [d["number"] for d in item["districts"]] == ["III", "VII"]
    assert item["url"].endswith(f"/organisationen/{organisation.slug}/")
    assert client.get(f"{API}/organisations?district=III").json()["count"] >= 1
    assert (
        client.get(f"{API}/organisations?q=nachbarschaftsverein").json()["items"][0]["id"] == organisation.pk
    )
    one = client.get(f"{API}/organisations/{organisation.pk}").json()
    assert one["name"] == organisation.name and one["offers"] == 3
    assert client.get(f"{API}/organisations/999999").status_code == 404


def test_cached_list_follows_changes(client, essen, offers, settings, django_capture_on_commit_callbacks):
    settings.LIST_CACHE_SECONDS = 60
    assert client.get(f"{API}/offers").json()["count"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        Offer.objects.get(pk=offers["cafe"].pk).delete()
    assert client.get(f"{API}/offers").json()["count"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        offers["sport"].organisation.name = "Umbenannt (Demo)"
        offers["sport"].organisation.save()
    assert client.get(f"{API}/offers").json()["items"][0]["organisation"]["name"] == "Umbenannt (Demo)"
    with django_capture_on_commit_callbacks(execute=True):
        offers["sport"].neighbourhoods.set(essen.neighbourhoods.filter(name="Kettwig"))
    assert client.get(f"{API}/offers?neighbourhood=Kettwig").json()["count"] == 2


@pytest.mark.parametrize(
    "query",
    [
        "neighbourhood=Atlantis",
        "district=XX",
        "category=unknown",
        "target_group=martians",
        "language=klingon",
        "language=%00",
        "q=" + "x" * 201,
        "q=%00",
        "page=0",
        "page=abc",
        "page_size=101",
        "free=maybe",
        "neighbourhood=%C2%B2",
        "district=%00",
    ],
)
def test_invalid_parameters_are_422(client, offers, query):
    response = client.get(f"{API}/offers?{query}")
    assert response.status_code == 422, (query, response.status_code)
    assert isinstance(response.json()["detail"], list)


@pytest.mark.parametrize("query", ['q="', "q=*", "q=NEAR(a", "q=a%20OR%20b", "q=%F0%9F%98%80", "q=<script>"])
def test_hostile_search_is_answered(client, offers, query):
    assert client.get(f"{API}/offers?{query}").status_code == 200


def test_unknown_city(client, offers):
    assert client.get("/api/v1/cities/nirgendwo/offers").status_code == 404
    assert client.get("/api/v1/cities/nirgendwo/organisations").status_code == 404
    assert client.get("/api/v1/cities/nirgendwo/offer-categories").status_code == 404


def test_openapi_describes_offers_and_funding(client, essen):
    doc = client.get("/api/v1/openapi.json").json()
    expected = {
        "/api/v1/cities/{city_slug}/offers": {"get"},
        "/api/v1/cities/{city_slug}/offers/{offer_id}": {"get"},
        "/api/v1/cities/{city_slug}/offer-categories": {"get"},
        "/api/v1/cities/{city_slug}/organisations": {"get"},
        "/api/v1/cities/{city_slug}/organisations/{organisation_id}": {"get"},
        "/api/v1/cities/{city_slug}/funding/similar": {"post"},
        "/api/v1/cities/{city_slug}/funding/consultations": {"post"},
        "/api/v1/cities/{city_slug}/funding/consultations/status/{token}": {"get"},
        "/api/v1/cities/{city_slug}/funding/consultations/status/{token}/appointment": {"post"},
        "/api/v1/cities/{city_slug}/funding/programmes": {"get"},
    }
    for path, methods in expected.items():
        assert set(doc["paths"][path]) == methods, path
        assert all(op["summary"] for op in doc["paths"][path].values())
    schemas = doc["components"]["schemas"]
    assert set(schemas["OfferItem"]["properties"]) >= {
        "id",
        "title",
        "category",
        "organisation",
        "neighbourhoods",
        "target_groups",
        "languages",
        "url",
    }
    assert set(schemas["FundingConsultationStatus"]["enum"]) == {
        "requested",
        "slots_proposed",
        "appointment_confirmed",
        "advised",
        "applied",
        "approved",
        "rejected",
        "running",
        "withdrawn",
    }
    assert set(schemas["FundingSimilarOut"]["properties"]) == {"items", "gaps"}
    post = doc["paths"]["/api/v1/cities/{city_slug}/funding/consultations"]["post"]
    assert {"201", "409", "422", "429"} <= set(post["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
