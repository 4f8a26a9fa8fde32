"""Who an event, an offer or a project idea is for: one vocabulary of target groups (English slugs in stored data
and the API, German labels on pages). Events and offers each use their own part of it (EVENT_TARGET_GROUPS,
OFFER_TARGET_GROUPS); the labels of the groups they share are defined here once."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Every target group with its label, in the order forms list them.
LABELS = {
    "everyone": pgettext_lazy("target group", "alle"),
    "newcomers": _("Neuzugewanderte"),
    "refugees": _("Geflüchtete"),
    "families": _("Familien"),
    "parents": _("Eltern"),
    "children": _("Kinder"),
    "youth": _("Jugendliche"),
    "young_adults": _("junge Erwachsene"),
    "women": _("Frauen"),
    "men": _("Männer"),
    "seniors": _("Seniorinnen und Senioren"),
    "volunteers": _("Ehrenamtliche"),
    "professionals": _("Fachkräfte"),
}

EVENT_TARGET_GROUPS = (
    "everyone",
    "newcomers",
    "families",
    "children",
    "youth",
    "women",
    "seniors",
    "volunteers",
    "professionals",
)
# Offers (and funding requests, which are compared with offers) name more groups of residents and no staff.
OFFER_TARGET_GROUPS = (
    "everyone",
    "newcomers",
    "refugees",
    "families",
    "parents",
    "children",
    "youth",
    "young_adults",
    "women",
    "men",
    "seniors",
)


def target_group_choices(name: str, values: Sequence[str]) -> type[models.TextChoices]:
    """The choices of these target groups (members named like the slugs in upper case). `name` is the class name,
    which the API's OpenAPI document shows for the enumeration, so it must be unique there."""
    return models.TextChoices(name, [(value.upper(), (value, LABELS[value])) for value in values])
