"""How each page language writes dates, times and numbers (FORMAT_MODULE_PATH).

The only place with date patterns: templates and code name a format ("WEEKDAY_DATETIME_FORMAT") and never spell
one out (tests/core/test_formats.py keeps it so). Names Django knows (DATE_FORMAT, TIME_FORMAT, ...) work with
its `date` filter; ours (WEEKDAY_DATE_FORMAT, WEEKDAY_DATETIME_FORMAT, DAY_FORMAT) through
`quartier.core.formatting` and its template filters (`{% load l10n_formats %}`, `|when:"…"`, `|number`).
Arabic pages use Latin digits, as the city's other Arabic pages and most Arabic municipal sites in Germany do.
"""

# What staff may type into a plain date field, whatever the page language: day.month.year as on German forms,
# and ISO 8601. (Django's per-language input formats differ, and the fields' hint names this pattern.)
TYPED_DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
