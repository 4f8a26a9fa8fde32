"""The organisation's public page and API, owned by this room: the offers come from the offers room through
sections.py, never by importing it; the cached list is the schema's output and follows changes of both rooms."""

import ast
import json
from pathlib import Path

import pytest

from quartier.core.api import schema_bytes
from quartier.offers.models import Offer
from quartier.organisations import sections
from quartier.organisations.api import OrganisationDetail, OrganisationList
from quartier.organisations.models import Organisation
from tests.offers.conftest import make_offer

API = "/api/v1/cities/essen"
ROOM = Path(__file__).resolve().parents[2] / "quartier" / "organisations"
HIGHER = ("quartier.events", "quartier.offers", "quartier.suggestions", "quartier.funding", "quartier.site")


@pytest.fixture
def organisation(essen):
    org = Organisation.objects.create(
        city=essen, name="Kulturverein Demo", slug="kulturverein-demo", kind="association"
    )
    org.districts.set(essen.districts.filter(number__in=["III"]))
    return org


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_room_imports_no_higher_room():
    upward = {
        f"{path.relative_to(ROOM)}: {name}"
        for path in ROOM.rglob("*.py")
        for name in _imports(path)
        if name.startswith(HIGHER)
    }
    assert upward == set()


def test_page_lists_the_offers_through_the_registered_section(client, essen, organisation):
    make_offer(essen, organisation, "Theatergruppe Demo")
    html = client.get(f"/de/organisationen/{organisation.slug}/").content.decode()
    assert 'href="/de/angebote/">Angebote</a> › Kulturverein Demo' in html
    assert 'id="offers-heading"' in html and "Theatergruppe Demo" in html


def test_page_without_sections_shows_the_organisation_alone(client, essen, organisation, monkeypatch):
    make_offer(essen, organisation, "Theatergruppe Demo")
    monkeypatch.setattr(sections, "_page_sections", {})
    response = client.get(f"/de/organisationen/{organisation.slug}/")
    html = response.content.decode()
    assert response.status_code == 200 and "<h1" in html and "Kulturverein Demo" in html
    assert "Brotkrümelnavigation" not in html and "offers-heading" not in html and "Theatergruppe" not in html


def test_api_answers_are_the_schemas_output(client, essen, organisation, settings):
    settings.LIST_CACHE_SECONDS = 60
    make_offer(essen, organisation, "Theatergruppe Demo")
    for path, schema in (
        (f"{API}/organisations", OrganisationList),
        (f"{API}/organisations/{organisation.pk}", OrganisationDetail),
    ):
        first = client.get(path)
        again = client.get(path)  # the list from the cache
        made = schema_bytes(schema, json.loads(first.content))
        assert first.content == again.content == made, path


def test_cached_list_follows_offers_and_organisations(
    client, essen, organisation, settings, django_capture_on_commit_callbacks
):
    settings.LIST_CACHE_SECONDS = 60

    def item():
        data = client.get(f"{API}/organisations?q=kulturverein").json()
        return data["items"][0]

    with django_capture_on_commit_callbacks(execute=True):
        offer = make_offer(essen, organisation, "Theatergruppe Demo")
    assert item()["offers"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        Offer.objects.get(pk=offer.pk).delete()
    assert item()["offers"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        organisation.districts.set(essen.districts.filter(number__in=["III", "V"]))
    assert [d["number"] for d in item()["districts"]] == ["III", "V"]
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name = "Kulturverein Demo (neu)"
        organisation.save()
    assert item()["name"] == "Kulturverein Demo (neu)"
