"""The events API answers through its declared schemas: the cached fast path of the event list gives the same bytes
as EventList makes of the same page, and no schema name of the events API stands for another app's schema."""

import enum
import typing
from datetime import date, datetime, timedelta

import pytest
from pydantic import BaseModel

from quartier.core.api import PageParams, json_bytes, paginate
from quartier.events import selectors
from quartier.events.api import EventList, EventOut, ProgrammeList, through
from quartier.events.occurrences import BERLIN, Occurrence
from quartier.site.rooms import ROOMS, room_module
from tests.events import test_event_pages_and_api as pages
from tests.events.conftest import draft
from tests.events.test_event_pages_and_api import API, SEPT, H, publish

events, programme = pages.events, pages.programme  # the fixtures of the pages' tests

WINDOW = selectors.EventFilters(
    start=selectors.as_start(date(2027, 9, 1)), end=selectors.as_start(date(2027, 10, 1))
)


@pytest.fixture
def online(organiser, organisation, platform_admin):
    """An online event (no Stadtteil, no district, no programme) with characters JSON could escape."""
    start = datetime(2027, 9, 20, 17, 30, tzinfo=BERLIN)
    return publish(
        draft(
            organiser,
            organisation,
            title='Online-Treff „Wir“ <über> & "mehr" – 日本',
            start=start,
            end=start + timedelta(hours=1),
            online=True,
            online_url="https://treff.example.org/raum",
            neighbourhood=None,
            venue_name="",
        ),
        organiser,
        platform_admin,
    )


@pytest.mark.parametrize("page", [1, 2])
def test_event_list_fast_path_bytes_equal_the_schema_output(client, essen, events, online, page, settings):
    settings.LIST_CACHE_SECONDS = 60  # the second request is answered from the cached bytes
    for attempt in ("built", "cached"):
        response = client.get(f"{API}/events?{SEPT}&page_size=4&page={page}", **H)
        assert response.status_code == 200, attempt
        request = response.wsgi_request
        occurrences = selectors.public_occurrences(city=essen, filters=WINDOW)
        expected = paginate(request, occurrences, PageParams(page=page, page_size=4))
        assert response.content == json_bytes(through(EventList, expected, request)), attempt
    body = response.json()
    assert body["count"] == 7
    assert len(body["items"]) == (4 if page == 1 else 3)
    if page == 2:
        item = next(i for i in body["items"] if i["id"] == online.pk)
        assert (item["neighbourhood"], item["district"], item["programme"]) == (None, None, None)


def test_event_detail_is_eventout_of_the_first_occurrence(client, essen, events):
    event = events["open_day"]
    response = client.get(f"{API}/events/{event.pk}", **H)
    item = EventOut.model_validate(
        Occurrence(event, event.start, event.end), context={"request": response.wsgi_request}
    ).model_dump(mode="json")
    assert response.json() == item
    assert item["start"] == "2027-09-04T15:00:00+02:00"
    assert item["district"] == {"number": "III", "name": "Stadtbezirk III"}


def test_programme_list_is_programmelist(client, essen, events, programme):
    response = client.get(f"{API}/programmes", **H)
    expected = ProgrammeList.model_validate(
        {"items": [programme], "count": 1, "next": None}, context={"request": response.wsgi_request}
    ).model_dump(mode="json")
    assert response.json() == expected
    assert expected["items"][0]["districts"] == ["III"]
    assert expected["items"][0]["starts_on"] == "2027-09-01"


def _named_types(annotation, found: dict[str, set[type]]) -> None:
    """Every pydantic model and enum an annotation reaches, by the name it gets in the OpenAPI components."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found.setdefault(annotation.__name__, set()):
            return
        found[annotation.__name__].add(annotation)
        for field in annotation.model_fields.values():
            _named_types(field.annotation, found)
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        found.setdefault(annotation.__name__, set()).add(annotation)
    else:
        for argument in typing.get_args(annotation):
            _named_types(argument, found)


def _schemas_of(module) -> dict[str, set[type]]:
    found: dict[str, set[type]] = {}
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__:
            _named_types(value, found)
    return found


def test_events_schema_names_are_unique_across_the_api():
    events_api = room_module("quartier.events", "api")
    own = _schemas_of(events_api)
    assert {"EventOut", "EventList", "EventQuery", "EventAreaRef", "EventType", "EventTargetGroup"} <= set(
        own
    )
    for room in ROOMS:
        module = room_module(room, "api")
        if module is None or module is events_api:
            continue
        for name, classes in _schemas_of(module).items():
            if name in own:
                assert classes == own[name], f"{room}.api has another schema named {name}"
