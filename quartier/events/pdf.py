"""The printed programme: a programme's events in, a tagged PDF (PDF/UA-1) out, rendered with WeasyPrint.

Everything the PDF needs (fonts, the district map) comes from this server: the URL fetcher refuses every URL that
is not a file below our static directories or a data: URL, so rendering never touches the network.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from quartier.core.formatting import format_when
from quartier.places.models import Contact, District
from quartier.places.svgmap import map_geometry

from .models import Event, Programme
from .occurrences import BERLIN, Occurrence, occurrences
from .templatetags.events import language_name

PRINTED_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)

FONTS = {
    "fira_regular": "vendor/kern-ux/fonts/fira-sans/FiraSans-Regular.woff2",
    "fira_italic": "vendor/kern-ux/fonts/fira-sans/FiraSans-Italic.woff2",
    "fira_semibold": "vendor/kern-ux/fonts/fira-sans/FiraSans-SemiBold.woff2",
    "fira_bold": "vendor/kern-ux/fonts/fira-sans/FiraSans-Bold.woff2",
    "arabic_regular": "vendor/noto-sans-arabic/noto-sans-arabic-arabic-400-normal.woff2",
    "arabic_bold": "vendor/noto-sans-arabic/noto-sans-arabic-arabic-700-normal.woff2",
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
    chosen = list(programme.districts.order_by("ordinal"))
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
        .prefetch_related("districts")
        .distinct()
        .order_by("office__key", "id")
    )
    return [{"contact": c, "districts": sorted(c.districts.all(), key=lambda d: d.ordinal)} for c in contacts]


def _attribution(city) -> str:
    sources = [a for a in city.attributions if "stadtteile.geojson" in a.get("files", [])]
    return " ".join(a.get("text", "") for a in sources)


@functools.cache
def _font_files() -> dict[str, Path]:
    """The fonts as TrueType files, decompressed once per process from the WOFF2 files we serve.

    WeasyPrint would otherwise decompress every WOFF2 face for every PDF: 0.3 to 1 s each, most of a render.
    The files live in a private temporary directory of this process (mode 0700), removed when it exits.
    """
    from fontTools.ttLib import woff2

    directory = Path(tempfile.mkdtemp(prefix="quartier-fonts-"))
    atexit.register(shutil.rmtree, directory, True)
    result = {}
    for key, name in FONTS.items():
        found = finders.find(name)
        if found:
            target = directory / f"{Path(name).stem}.ttf"
            with open(found, "rb") as source, open(target, "wb") as out:
                woff2.decompress(source, out)
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
    fonts = {key: path.as_uri() for key, path in _font_files().items()}
    return {
        "programme": programme,
        "city": programme.city,
        "language": language,
        "direction": "rtl" if translation.get_language_bidi() else "ltr",
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


def programme_pdf(
    programme: Programme, *, base_url_for_links: str, url_fetcher: URLFetcher | None = None
) -> bytes:
    """The printed programme as a tagged PDF (PDF/UA-1) in the active language."""
    html = programme_html(programme, base_url_for_links=base_url_for_links)
    fetcher = url_fetcher or LocalOnlyFetcher(_static_roots())
    document = HTML(string=html, url_fetcher=fetcher, base_url=None, media_type="print")
    return document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
