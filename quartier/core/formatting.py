"""Dates, times and numbers in the active language's conventions (quartier/formats/<lang>/formats.py).

Callers name a format, never spell out a pattern, so a page, an e-mail and a PDF in one language look alike and
no German pattern shows up in English or Arabic.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.utils import formats, timezone

# Formats of ours besides Django's own (DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT, SHORT_DATE_FORMAT,
# SHORT_DATETIME_FORMAT, MONTH_DAY_FORMAT, YEAR_MONTH_FORMAT); every formats module defines them.
EXTRA_FORMATS = {"WEEKDAY_DATE_FORMAT", "WEEKDAY_DATETIME_FORMAT", "DAY_FORMAT"}
DATE_NAMES = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "TIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    *EXTRA_FORMATS,
}


def get_format(name: str, lang: str | None = None) -> str:
    """The pattern the active (or given) language uses for the named format."""
    if name not in DATE_NAMES:
        raise ValueError(f"{name!r} is not a format name; add a named format to quartier/formats instead")
    if name not in EXTRA_FORMATS:
        return formats.get_format(name, lang, use_l10n=True)
    for module in formats.get_format_modules(lang):
        if hasattr(module, name):
            return getattr(module, name)
    return getattr(import_module(f"quartier.formats.{settings.LANGUAGE_CODE}.formats"), name)


def format_when(value, name: str = "DATE_FORMAT", lang: str | None = None) -> str:
    """`value` (a date, time or datetime, or an ISO 8601 date string; aware datetimes in the site's time zone)
    in the named format. Text that is no date comes back unchanged."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, get_format(name, lang), use_l10n=True)


def format_number(value, decimals: int | None = None) -> str:
    """A count or amount with the language's thousands and decimal separators ("12.345" / "12,345")."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            return value
    if decimals is not None:
        value = round(Decimal(str(value)), decimals)
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)
