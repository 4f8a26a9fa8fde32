"""The printed programme: a tagged PDF (PDF/UA-1) with cover, events by day, coordinator contacts, no network."""

import io
import re
import shutil
import socket
import subprocess
import threading
import time as clock
from datetime import date, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from quartier.events import pdf, services
from quartier.events.models import Event, Programme
from quartier.places.models import District, Neighbourhood
from tests.events.conftest import BERLIN, draft

BASE = "https://quartier.example.org"


def publish(event, organiser, coordinator):
    services.event_transition(actor=organiser, event=event, to_status=Event.Status.SUBMITTED)
    return services.event_transition(actor=coordinator, event=event, to_status=Event.Status.PUBLISHED)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 9, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def programme(essen, organiser, organisation, coordinator_iii):
    programme = Programme.objects.create(
        city=essen,
        title="Begegnungen im September 2027",
        slug="begegnungen-2027",
        starts_on=date(2027, 9, 1),
        ends_on=date(2027, 9, 30),
        description='Zusammen feiern, lernen und reden. <img src="https://tracker.example.com/pixel.png">',
    )
    programme.districts.set([District.objects.get(city=essen, number="III")])
    frohnhausen = Neighbourhood.objects.get(city=essen, name="Frohnhausen")

    def make(**fields):
        event = draft(organiser, organisation, programme=programme, **fields)
        return publish(event, organiser, coordinator_iii)

    make(
        title="Tag der offenen Tür",
        start=at(4, 15),
        end=at(4, 18),
        venue_street="Helenenstraße 12",
        venue_postal_code="45143",
        step_free=True,
        hearing_loop=True,
    )
    make(
        title="Sprachcafé",
        type="meeting",
        start=at(7, 17),
        end=at(7, 19),
        recurrence=Event.Recurrence.WEEKLY,
        recurrence_until=date(2027, 10, 31),
        neighbourhood=frohnhausen,
        languages=["de", "tr", "xx"],
        childcare=True,
    )
    make(
        title="Online-Infoabend Anerkennung",
        type="information_evening",
        start=at(9, 18, 30),
        end=at(9, 20),
        online=True,
        venue_name="",  # keeps the default Stadtteil so that the district's coordinator reviews it
        sign_language=True,
        registration=Event.Registration.REQUIRED,
    )
    make(title="Nachbarschaftsfest", type="festival", start=at(18, 12), end=at(18, 20))
    cancelled = make(title="Kochen aus aller Welt", type="course", start=at(11, 10), end=at(11, 13))
    services.event_transition(
        actor=coordinator_iii,
        event=cancelled,
        to_status=Event.Status.CANCELLED,
        message="Die Küche wird renoviert.",
    )
    # Events that do not belong in print: a draft and one outside the programme.
    draft(
        organiser, organisation, programme=programme, title="Noch ein Entwurf", start=at(5, 10), end=at(5, 11)
    )
    publish(
        draft(organiser, organisation, title="Ohne Programm", start=at(6, 10), end=at(6, 11)),
        organiser,
        coordinator_iii,
    )
    return programme


def render(programme, language="de"):
    with translation.override(language):
        return pdf.programme_pdf(programme, base_url_for_links=BASE)


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_programme_pdf_content_in_order(programme):
    data = render(programme)
    assert data.startswith(b"%PDF-")
    text = text_of(data)
    flat = " ".join(text.split())

    assert "Essen" in flat
    assert "Begegnungen im September 2027" in flat
    assert "1. – 30. September 2027" in flat
    assert "Stadtbezirk III" in flat
    # Titles by date; the weekly Sprachcafé appears on every Tuesday of the period (7, 14, 21, 28 September).
    order = [
        "Samstag, 4. September 2027",
        "Tag der offenen Tür",
        "Dienstag, 7. September 2027",
        "Sprachcafé",
        "Donnerstag, 9. September 2027",
        "Online-Infoabend Anerkennung",
        "Samstag, 11. September 2027",
        "Kochen aus aller Welt",
        "Dienstag, 14. September 2027",
        "Samstag, 18. September 2027",
        "Nachbarschaftsfest",
        "Dienstag, 21. September 2027",
        "Dienstag, 28. September 2027",
    ]
    positions = [flat.index(item) for item in order]
    assert positions == sorted(positions)
    assert flat.count("Sprachcafé") == 4
    assert "Noch ein Entwurf" not in flat
    assert "Ohne Programm" not in flat

    assert "15:00–18:00 Uhr" in flat
    assert "18:30–20:00 Uhr" in flat
    assert "ABGESAGT: Die Küche wird renoviert." in flat
    assert "online" in flat
    assert "Altendorf" in flat and "Frohnhausen" in flat
    assert "Demo-Kulturverein Altendorf" in flat
    assert "Deutsch, Türkisch, xx" in flat
    assert "stufenlos erreichbar, Induktionsschleife" in flat
    assert "Gebärdensprache" in flat and "Kinderbetreuung" in flat
    assert "Anmeldung erforderlich" in flat
    assert "Eintritt frei, wo nicht anders angegeben" in flat
    # The description is text, not HTML.
    assert '<img src="https://tracker.example.com/' in flat

    assert "Christian Uhl" in flat
    assert "Kerckhoffstraße 60" in flat
    assert "0201-8851419" in flat
    assert "OpenStreetMap" in flat

    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert f"Seite 2 von {pages}" in flat
    assert f"Seite {pages} von {pages}" in flat


def test_programme_pdf_is_tagged_pdf_ua(programme):
    reader = PdfReader(io.BytesIO(render(programme)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "de"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == "Begegnungen im September 2027 – Essen"
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp

    tags, alts = [], []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/S"):
            tags.append(str(node["/S"]))
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt", "")))
        if "/K" in node:
            walk(node["/K"])

    walk(root["/StructTreeRoot"])
    headings = [t for t in tags if t in ("/H1", "/H2", "/H3")]
    assert headings[0] == "/H1"
    assert headings.count("/H1") == 1
    assert "/H2" in headings and "/H3" in headings
    # The district map is a figure with a text alternative (its SVG <title>).
    assert alts == ["Karte von Essen mit den Stadtteilen; hervorgehoben: Stadtbezirk III"]


def test_not_free_hides_cover_note_and_arabic_is_rtl(programme, organiser, coordinator_iii, organisation):
    event = draft(
        organiser,
        organisation,
        programme=programme,
        title="Theaterabend",
        start=at(20, 19),
        end=at(20, 21),
        is_free=False,
        cost="5 Euro",
    )
    publish(event, organiser, coordinator_iii)
    with translation.override("de"):
        html = pdf.programme_html(programme, base_url_for_links=BASE)
    assert "Eintritt frei, wo nicht anders angegeben" not in html
    assert "5 Euro" in html
    with translation.override("ar"):
        html = pdf.programme_html(programme, base_url_for_links=BASE)
    assert '<html lang="ar" dir="rtl">' in html
    root = PdfReader(io.BytesIO(render(programme, "ar"))).trailer["/Root"]
    assert root["/Lang"] == "ar"


def test_no_network_access(programme, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the PDF renderer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fetcher = pdf.LocalOnlyFetcher(pdf._static_roots())
    data = pdf.programme_pdf(programme, base_url_for_links=BASE, url_fetcher=fetcher)
    assert data.startswith(b"%PDF-")
    assert fetcher.refused == []  # the description is escaped text, so its <img> is never requested

    for url in ("https://tracker.example.com/pixel.png", "http://localhost/x.png", "file:///etc/passwd"):
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 3

    # Even HTML with an external image renders without fetching it.
    from weasyprint import HTML

    fetcher = pdf.LocalOnlyFetcher(pdf._static_roots())
    HTML(
        string='<html lang="de"><title>t</title><p>x<img alt="" src="https://tracker.example.com/p.png"></p>',
        url_fetcher=fetcher,
    ).write_pdf(pdf_variant="pdf/ua-1")
    assert fetcher.refused == ["https://tracker.example.com/p.png"]


def test_rendering_time_for_thirty_events(programme, organiser, organisation, coordinator_iii):
    for i in range(25):
        start = at(1 + i, 9 + i % 8) + timedelta(minutes=15 * (i % 3))
        event = draft(
            organiser,
            organisation,
            programme=programme,
            title=f"Veranstaltung {i + 1}",
            start=start,
            end=start + timedelta(hours=2),
        )
        publish(event, organiser, coordinator_iii)
    began = clock.perf_counter()
    data = render(programme)
    elapsed = clock.perf_counter() - began
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"printed programme: 30 events, {pages} pages, {len(data) // 1024} KiB in {elapsed:.2f} s")
    assert "Veranstaltung 25" in text_of(data)


def test_vacant_post_shows_nn_with_office(programme, essen):
    programme.districts.add(District.objects.get(city=essen, number="II"))
    with translation.override("de"):
        html = pdf.programme_html(programme, base_url_for_links=BASE)
    assert "N.N." in html
    assert "Kupferdreher Straße 86" in html
    assert "0201-8851526" in html
    assert "Christian Uhl" in html


ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")


def arabic_words(text: str) -> list[str]:
    """Arabic words without punctuation (the Arabic comma is a character of its own)."""
    return re.findall("[\u0621-\u065f\u0670-\u06d3]+", text)


def test_arabic_text_layer_gives_back_the_words_that_were_put_in(programme):
    """Copying or a screen reader gets the letters that were printed (not "اللعنات" for "اللغات")."""
    data = render(programme, "ar")
    text = " ".join(text_of(data).split())
    with translation.override("ar"):
        labels = [_(s) for s in ("Sprachen", "Programm", "Barrierefreiheit", "Veranstaltet von", "Anmeldung")]
        labels += [pdf.day_heading(date(2027, 9, 4)), pdf.period_text(date(2027, 9, 1), date(2027, 9, 30))]
    assert "اللغات" in labels
    words = sorted({w for label in labels for w in arabic_words(label)})
    assert len(words) >= 8
    missing = [w for w in words if w not in text]
    assert missing == [], missing
    # The German texts stay as they are in the Arabic programme.
    assert "Tag der offenen Tür" in text and "Demo-Kulturverein Altendorf" in text

    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        # Poppler, which most Linux viewers copy through, too. It reverses the letters of a ligature mapped to
        # several letters in right-to-left text (lam-alef, "لا"), and places vowel marks apart: those words are
        # left to pypdf above.
        out = subprocess.run(
            [pdftotext, "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
        out = re.sub("[\u202a-\u202e]", "", out)
        plain = [w for w in words if not re.search("ل[اأإآ]", w) and not ARABIC_MARKS.search(w)]
        assert "اللغات" in plain
        assert [w for w in plain if w not in out] == []


def struct_languages(data: bytes) -> list[tuple[str, str]]:
    """(tag, /Lang) of every structure element that has its own language."""
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        if "/Lang" in node and node.get("/S"):
            found.append((str(node["/S"]), str(node["/Lang"])))
        if "/K" in node:
            walk(node["/K"])

    walk(root["/StructTreeRoot"])
    return found


def test_german_texts_are_marked_german_in_other_languages(programme):
    data = render(programme, "ar")
    languages = struct_languages(data)
    assert ("/H1", "de") in languages  # the programme's title
    assert ("/H3", "de") in languages  # the event titles
    assert sum(1 for tag, lang in languages if tag == "/H3" and lang == "de") >= 8
    assert {lang for _tag, lang in languages} == {"de"}
    with translation.override("ar"):
        html = pdf.programme_html(programme, base_url_for_links=BASE)
    assert '<h3 lang="de" dir="ltr">Tag der offenen Tür</h3>' in html
    with translation.override("en"):
        html = pdf.programme_html(programme, base_url_for_links=BASE)
    assert '<h3 lang="de">Tag der offenen Tür</h3>' in html
    # A German programme needs no marks on its own texts: the document's language is German.
    assert [
        tag for tag, _lang in struct_languages(render(programme, "de")) if tag in ("/H1", "/H3", "/P")
    ] == []


@pytest.fixture
def pdf_cache(settings):
    from django.core.cache import cache

    settings.LIST_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_rendered_programme_is_kept_until_its_events_change(
    programme,
    pdf_cache,
    monkeypatch,
    organiser,
    organisation,
    coordinator_iii,
    django_capture_on_commit_callbacks,
):
    renders = []
    real = pdf.render_html

    def counting(html, **kwargs):
        renders.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "render_html", counting)
    with translation.override("de"):
        first = pdf.programme_pdf_cached(programme, base_url_for_links=BASE, wait=60)
        again = pdf.programme_pdf_cached(programme, base_url_for_links=BASE, wait=60)
    assert first.startswith(b"%PDF-") and again == first
    assert len(renders) == 1
    with translation.override("ar"):
        arabic = pdf.programme_pdf_cached(programme, base_url_for_links=BASE, wait=60)
    assert len(renders) == 2 and arabic != first

    with django_capture_on_commit_callbacks(execute=True):
        publish(
            draft(
                organiser,
                organisation,
                programme=programme,
                title="Spieleabend",
                start=at(24, 18),
                end=at(24, 20),
            ),
            organiser,
            coordinator_iii,
        )
    with translation.override("de"):
        changed = pdf.programme_pdf_cached(programme, base_url_for_links=BASE, wait=60)
    assert len(renders) == 3
    assert "Spieleabend" in text_of(changed) and "Spieleabend" not in text_of(first)


def test_slow_render_shows_being_prepared_then_the_pdf(programme, pdf_cache, monkeypatch, client):
    release = threading.Event()
    real = pdf.render_html

    def slow(html, **kwargs):
        release.wait(30)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "render_html", slow)
    monkeypatch.setattr(pdf, "WAIT_SECONDS", 0.2)
    url = f"/de/programme/{programme.slug}/programm.pdf"
    response = client.get(url, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Das Programm wird vorbereitet …" in page
    assert f'href="{url}"' in page
    # A second request while the first render runs does not start another one; it gets the same page.
    assert client.get(url, HTTP_HOST="127.0.0.1")["Content-Type"].startswith("text/html")

    release.set()
    deadline = clock.monotonic() + 60
    while clock.monotonic() < deadline:
        response = client.get(url, HTTP_HOST="127.0.0.1")
        if response["Content-Type"] == "application/pdf":
            break
        clock.sleep(0.2)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_unknown_programme_pdf_is_404(client, essen):
    assert client.get("/de/programme/gibt-es-nicht/programm.pdf", HTTP_HOST="127.0.0.1").status_code == 404
