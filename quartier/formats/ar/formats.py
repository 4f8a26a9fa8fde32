"""Arabic: "السبت، 12 سبتمبر 2026، 15:00" with Latin digits (see quartier/formats/__init__.py); 12,345.5.

Day, month, year in reading order; the Arabic comma between the parts.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y، H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
WEEKDAY_DATE_FORMAT = "l، j F Y"
WEEKDAY_DATETIME_FORMAT = "l، j F Y، H:i"
DAY_FORMAT = "j"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
