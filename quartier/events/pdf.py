"""The printed programme: a programme's events in, a tagged PDF (PDF/UA-1) out, rendered with WeasyPrint.

Everything the PDF needs (fonts, the district map) comes from this server: the URL fetcher refuses every URL that
is not a file below our static directories or a data: URL, so rendering never touches the network.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import io
import logging
import os
import shutil
import stat
import tempfile
import threading
import time as clock
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from quartier.core import listcache
from quartier.core.formatting import format_when
from quartier.places.models import City, Contact, District
from quartier.places.svgmap import map_geometry

from .models import Event, Programme
from .occurrences import BERLIN, Occurrence, occurrences
from .selectors import list_scope
from .templatetags.events import language_name

logger = logging.getLogger(__name__)

# WeasyPrint switches Pillow to accepting truncated images when it is imported; uploads must stay strict
# (events/images.py refuses a truncated file), so the process-wide default goes back.
ImageFile.LOAD_TRUNCATED_IMAGES = False

PRINTED_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)

FONTS = {
    "fira_regular": "vendor/kern-ux/fonts/fira-sans/FiraSans-Regular.woff2",
    "fira_italic": "vendor/kern-ux/fonts/fira-sans/FiraSans-Italic.woff2",
    "fira_semibold": "vendor/kern-ux/fonts/fira-sans/FiraSans-SemiBold.woff2",
    "fira_bold": "vendor/kern-ux/fonts/fira-sans/FiraSans-Bold.woff2",
    # Arabic is set in Almarai: it has one glyph per letter form. Noto Sans Arabic (our web font) builds dotted
    # letters from shared skeletons plus dots, and a PDF's text layer can map each glyph to one text only, so its
    # "غ" (skeleton of "ع" plus a dot) came back as "ع". Noto stays as the fallback for letters Almarai lacks.
    "arabic_regular": "vendor/almarai/almarai-arabic-400-normal.woff2",
    "arabic_bold": "vendor/almarai/almarai-arabic-700-normal.woff2",
    "arabic_fallback_regular": "vendor/noto-sans-arabic/noto-sans-arabic-arabic-400-normal.woff2",
    "arabic_fallback_bold": "vendor/noto-sans-arabic/noto-sans-arabic-arabic-700-normal.woff2",
}


class RefusedURL(ValueError):
    """A URL the printed programme may not fetch (anything but our own static files)."""


class LocalOnlyFetcher(URLFetcher):
    """Fetches file: URLs below the given directories and data: URLs; refuses (and records) everything else."""

    def __init__(self, roots: list[Path], **kwargs):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, **kwargs)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def allows(self, url: str) -> bool:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return True
        if scheme != "file":
            return False
        try:
            path = Path(url2pathname(urlsplit(url).path)).resolve()
        except (OSError, ValueError):
            return False
        return any(path.is_relative_to(root) for root in self.roots)

    def fetch(self, url, headers=None):
        if not self.allows(url):
            self.refused.append(url)
            raise RefusedURL(f"The printed programme fetches no external resources: {url}")
        return super().fetch(url, headers)


@dataclass
class Entry:
    """One occurrence as printed: an event on one day, with everything the reader needs as text."""

    occurrence: Occurrence
    event: Event
    languages: list[str]
    accessibility: list[str]
    url: str

    @property
    def cancelled(self) -> bool:
        return self.event.status == Event.Status.CANCELLED


@dataclass
class Day:
    day: date
    heading: str
    entries: list[Entry] = field(default_factory=list)


def _accessibility(event: Event) -> list[str]:
    items = []
    if event.step_free:
        items.append(_("stufenlos erreichbar"))
    if event.hearing_loop:
        items.append(_("Induktionsschleife"))
    if event.sign_language:
        items.append(_("Gebärdensprache"))
    if event.childcare:
        items.append(_("Kinderbetreuung"))
    return items


def period_text(first: date, last: date) -> str:
    """ "1. – 30. September 2027" ("1 – 30 September 2027"): what both ends share is written once."""
    if first == last:
        return format_when(first, "DATE_FORMAT")
    if (first.year, first.month) == (last.year, last.month):
        start = format_when(first, "DAY_FORMAT")
    elif first.year == last.year:
        start = format_when(first, "MONTH_DAY_FORMAT")
    else:
        start = format_when(first, "DATE_FORMAT")
    return f"{start} – {format_when(last, 'DATE_FORMAT')}"


def day_heading(day: date) -> str:
    """ "Samstag, 4. September 2027" ("Saturday, 4 September 2027") in the active language."""
    return format_when(day, "WEEKDAY_DATE_FORMAT")


def _absolute(base: str, path: str) -> str:
    return f"{base.rstrip('/')}{path}" if base else path


def _event_url(base: str, event: Event) -> str:
    try:
        return _absolute(base, reverse("public:event", kwargs={"pk": event.pk, "slug": event.slug}))
    except NoReverseMatch:
        return ""


def _programme_url(base: str, programme: Programme) -> str:
    try:
        return _absolute(base, reverse("public:programme", kwargs={"slug": programme.slug}))
    except NoReverseMatch:
        return base


def programme_days(programme: Programme, *, base_url_for_links: str = "") -> list[Day]:
    """The programme's published and cancelled events, one entry per occurrence within the period, by day."""
    window_start = datetime.combine(programme.starts_on, time(0), tzinfo=BERLIN)
    window_end = datetime.combine(programme.ends_on + timedelta(days=1), time(0), tzinfo=BERLIN)
    events = (
        programme.events.filter(status__in=PRINTED_STATUSES)
        .select_related("organisation", "neighbourhood__district", "city")
        # The boundaries are large GeoJSON documents the printout never reads: decoding them took a third of a render.
        .defer("neighbourhood__boundary", "neighbourhood__district__boundary", "city__boundary")
        .order_by("start", "id")
    )
    entries = []
    for event in events:
        languages = [language_name(code) for code in event.languages]
        accessibility = _accessibility(event)
        url = _event_url(base_url_for_links, event)
        for occ in occurrences(event, window_start, window_end):
            entries.append(Entry(occ, event, languages, accessibility, url))
    entries.sort(key=lambda e: (e.occurrence.start, e.event.title.casefold(), e.event.pk))
    days: OrderedDict[date, Day] = OrderedDict()
    for entry in entries:
        day = entry.occurrence.start.date()
        if day not in days:
            days[day] = Day(day, day_heading(day))
        days[day].entries.append(entry)
    return list(days.values())


def _districts(programme: Programme, days: list[Day]) -> list[District]:
    """The programme's districts; without any, the districts its events take place in."""
    chosen = list(programme.districts.defer("boundary").order_by("ordinal"))
    if chosen:
        return chosen
    seen = {}
    for day in days:
        for entry in day.entries:
            district = entry.event.district
            if district is not None:
                seen[district.pk] = district
    return sorted(seen.values(), key=lambda d: d.ordinal)


def _map(programme: Programme, districts: list[District]) -> dict | None:
    geometry = map_geometry(programme.city_id)
    if not geometry["areas"]:
        return None
    chosen = {d.pk for d in districts}
    areas = [dict(area, highlighted=area["district_id"] in chosen) for area in geometry["areas"]]
    # The highlighted areas are drawn last so that their outline lies on top of their neighbours'.
    areas.sort(key=lambda a: a["highlighted"])
    return {"viewbox": geometry["viewbox"], "areas": areas}


def _contacts(districts: list[District]) -> list[dict]:
    contacts = (
        Contact.objects.filter(districts__in=districts)
        .select_related("office")
        .prefetch_related(Prefetch("districts", queryset=District.objects.defer("boundary")))
        .distinct()
        .order_by("office__key", "id")
    )
    return [{"contact": c, "districts": sorted(c.districts.all(), key=lambda d: d.ordinal)} for c in contacts]


def _attribution(city) -> str:
    sources = [a for a in city.attributions if "stadtteile.geojson" in a.get("files", [])]
    return " ".join(a.get("text", "") for a in sources)


def _font_directory() -> Path:
    """A directory for the decompressed fonts that only this user can write to.

    The files are shared by this user's processes (named by the WOFF2 file's digest, written by atomic rename),
    so a new worker process does not spend a second or more decompressing them again. If the shared directory
    is not safely ours (another owner, other people may write, a symbolic link), a private one is used instead.
    """
    shared = Path(tempfile.gettempdir()) / f"quartier-fonts-{os.getuid()}"
    try:
        shared.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(shared)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022:
            return shared
    except OSError:
        pass
    private = Path(tempfile.mkdtemp(prefix="quartier-fonts-"))
    atexit.register(shutil.rmtree, private, True)
    return private


@functools.cache
def _font_files() -> dict[str, Path]:
    """The fonts as TrueType files, decompressed once from the WOFF2 files we serve.

    WeasyPrint would otherwise decompress every WOFF2 face for every PDF: 0.3 to 1 s each, most of a render.
    """
    from fontTools.ttLib import woff2

    directory = _font_directory()
    result = {}
    for key, name in FONTS.items():
        found = finders.find(name)
        if not found:
            continue
        data = Path(found).read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:20]
        target = directory / f"{Path(name).stem}-{digest}.ttf"
        if not target.is_file():
            partial = directory / f".{target.name}.{os.getpid()}.{threading.get_ident()}"
            with open(partial, "wb") as out:
                woff2.decompress(io.BytesIO(data), out)
            os.replace(partial, target)
        result[key] = target
    return result


def _static_roots() -> list[Path]:
    """The only directories the renderer may read from: those of the fonts."""
    return sorted({path.parent for path in _font_files().values()})


def programme_context(programme: Programme, *, base_url_for_links: str = "") -> dict:
    days = programme_days(programme, base_url_for_links=base_url_for_links)
    districts = _districts(programme, days)
    entries = [entry for day in days for entry in day.entries]
    city_map = _map(programme, districts)
    language = translation.get_language() or "de"
    direction = "rtl" if translation.get_language_bidi() else "ltr"
    fonts = {key: path.as_uri() for key, path in _font_files().items()}
    return {
        "programme": programme,
        "city": programme.city,
        "language": language,
        "direction": direction,
        "german": _german_attributes(language, direction),
        "period": period_text(programme.starts_on, programme.ends_on),
        "districts": districts,
        # Passed whole into the map's one translatable description, so translators can place it anywhere.
        "district_names": ", ".join(d.name for d in districts),
        "days": days,
        "event_count": len({e.event.pk for e in entries}),
        "all_free": bool(entries) and all(e.event.is_free for e in entries),
        "map": city_map,
        "attribution": _attribution(programme.city) if city_map else "",
        "contacts": _contacts(districts),
        "programme_url": _programme_url(base_url_for_links, programme),
        "fonts": fonts,
    }


def programme_html(programme: Programme, *, base_url_for_links: str = "") -> str:
    context = programme_context(programme, base_url_for_links=base_url_for_links)
    return render_to_string("events/pdf/programme.html", context)


def _german_attributes(language: str, direction: str) -> str:
    """The attributes that mark a German text (what organisers and the city wrote) inside a programme in another
    language: screen readers switch their voice, and the tagged PDF carries /Lang on that structure element.
    In a right-to-left programme the text also keeps its own direction, so its punctuation stays in place."""
    if language.split("-")[0] == "de":
        return ""
    return format_html(' lang="{}"{}', "de", format_html(' dir="{}"', "ltr") if direction == "rtl" else "")


def _language_of(box) -> str | None:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) in ("html", "body"):
        return None
    lang = element.get("lang")
    return lang.strip() if lang and lang.strip() else None


def _tag_languages() -> None:
    """Write the `lang` of an element onto its PDF structure element (/Lang, ISO 14289-1 7.2).

    WeasyPrint writes the document's language only; it builds the structure tree in `_build_box_tree`, one
    generator per box that yields that box's structure elements, so they are given the box's language here.
    """
    from weasyprint.pdf import tags

    build = tags._build_box_tree
    if getattr(build, "quartier_lang", False):
        return

    def build_with_language(box, *args, **kwargs):
        lang = _language_of(box)
        for element in build(box, *args, **kwargs):
            if lang and "Lang" not in element:
                element["Lang"] = pydyf.String(lang)
            yield element

    build_with_language.quartier_lang = True
    tags._build_box_tree = build_with_language


_tag_languages()


def render_html(html: str, *, url_fetcher: URLFetcher | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) of the programme's HTML; needs no database, so it can run in a thread."""
    fetcher = url_fetcher or LocalOnlyFetcher(_static_roots())
    document = HTML(string=html, url_fetcher=fetcher, base_url=None, media_type="print")
    return document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def programme_pdf(
    programme: Programme, *, base_url_for_links: str, url_fetcher: URLFetcher | None = None
) -> bytes:
    """The printed programme as a tagged PDF (PDF/UA-1) in the active language."""
    html = programme_html(programme, base_url_for_links=base_url_for_links)
    return render_html(html, url_fetcher=url_fetcher)


# A rendered programme is kept until its data changes: the key holds the city's events revision (replaced by
# every event service after commit), the programme's and the places' revision (contacts), the language, the
# link base and the day (the cover says "Stand: <date>"). LAYOUT_VERSION retires PDFs of older templates.
LAYOUT_VERSION = 2
CACHE_SECONDS = 24 * 3600
# How long a request waits for a render before it answers "being prepared" (the render goes on and fills the
# cache), and how long a render may hold the lock that keeps other requests from starting the same render.
WAIT_SECONDS = 2.5
LOCK_SECONDS = 120


def _cache_key(programme: Programme, base_url_for_links: str) -> str:
    places_revision = (
        City.objects.filter(pk=programme.city_id).values_list("places_revision", flat=True).first()
    )
    parts = (
        LAYOUT_VERSION,
        listcache.revision(list_scope(programme.city_id)),
        programme.updated_at.isoformat() if programme.updated_at else "",
        places_revision,
        translation.get_language() or "de",
        base_url_for_links,
        timezone.localdate().isoformat(),
    )
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"programme-pdf:{programme.pk}:{digest}"


def _render_into_cache(html: str, key: str, lock: str, result: dict, done: threading.Event) -> None:
    try:
        body = render_html(html)
        cache.set(key, body, CACHE_SECONDS)
        result["pdf"] = body
    except Exception as exc:  # reported to the waiting request, or logged when nobody waits any more
        result["error"] = exc
        logger.exception("The printed programme could not be rendered (%s)", key)
    finally:
        cache.delete(lock)
        done.set()


def programme_pdf_cached(
    programme: Programme, *, base_url_for_links: str, wait: float | None = None
) -> bytes | None:
    """The printed programme from the cache, or rendered now; None if it is still being rendered after `wait`
    seconds. The render then finishes in the background and the next request gets it from the cache.

    The database is read in the caller's thread (the HTML); only WeasyPrint runs in the background thread. With
    the list cache off (`QUARTIER_LIST_CACHE_SECONDS=0`) every request renders, as before.
    """
    if settings.LIST_CACHE_SECONDS <= 0:
        return programme_pdf(programme, base_url_for_links=base_url_for_links)
    wait = WAIT_SECONDS if wait is None else wait
    key = _cache_key(programme, base_url_for_links)
    body = cache.get(key)
    if body is not None:
        return body
    lock = f"{key}:rendering"
    if cache.add(lock, 1, LOCK_SECONDS):
        html = programme_html(programme, base_url_for_links=base_url_for_links)
        result: dict = {}
        done = threading.Event()
        threading.Thread(
            target=_render_into_cache, args=(html, key, lock, result, done), name="programme-pdf", daemon=True
        ).start()
        if not done.wait(wait):
            return None
        if "error" in result:
            raise result["error"]
        return result["pdf"]
    # Another request is rendering this programme: wait for its result rather than render it a second time.
    deadline = clock.monotonic() + wait
    while clock.monotonic() < deadline:
        clock.sleep(0.1)
        body = cache.get(key)
        if body is not None:
            return body
        if cache.get(lock) is None:
            break
    return cache.get(key)
