"""The comparison's reasons (similarity.rank) in words: one label table and one wording, for the requester's page
and the coordinators' page alike."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier.core.languages import language_name
from quartier.offers.models import TargetGroup

# The thesaurus' concepts (thesaurus.CONCEPTS) in words, for the reason "gleiches Thema"; a test keeps the keys
# equal to the concepts.
TOPICS = {
    "conversation": gettext_lazy("Gespräch und Austausch"),
    "language": gettext_lazy("Sprache"),
    "course": gettext_lazy("Kurs und Lernen"),
    "homework": gettext_lazy("Hausaufgabenhilfe"),
    "school": gettext_lazy("Schule"),
    "counselling": gettext_lazy("Beratung"),
    "legal": gettext_lazy("Recht und Aufenthalt"),
    "debt": gettext_lazy("Geld und Schulden"),
    "trauma": gettext_lazy("seelische Gesundheit"),
    "health": gettext_lazy("Gesundheit"),
    "job": gettext_lazy("Arbeit und Ausbildung"),
    "digital": gettext_lazy("Digitales"),
    "sport": gettext_lazy("Sport und Bewegung"),
    "youth_room": gettext_lazy("Jugendtreff"),
    "music": gettext_lazy("Musik"),
    "culture": gettext_lazy("Kultur"),
    "meeting": gettext_lazy("Treffpunkt und Begegnung"),
    "mentoring": gettext_lazy("Patenschaft und Begleitung"),
    "reading": gettext_lazy("Lesen"),
    "childcare": gettext_lazy("Kinderbetreuung"),
    "kita": gettext_lazy("Kita"),
    "translation": gettext_lazy("Übersetzen und Dolmetschen"),
    "sewing": gettext_lazy("Nähen"),
    "cooking": gettext_lazy("Kochen"),
    "garden": gettext_lazy("Garten"),
    "evening": gettext_lazy("Abendangebot"),
    "girls": gettext_lazy("Mädchen"),
    "fathers": gettext_lazy("Väter"),
    "mothers": gettext_lazy("Mütter"),
}


def reason_text(reason: dict, categories: dict[str, str], spell=None) -> str | None:
    """One reason in words, or None for a reason that has nothing to show.

    `categories` maps category slugs to names; `spell(words)` turns the folded words of "shared_words" back into
    words as written (the requester's page has the texts at hand; without it the folded words are shown).
    """
    kind = reason.get("kind")
    if kind == "shared_words":
        words = spell(reason["words"]) if spell is not None else reason["words"]
        return _("gemeinsame Wörter: %(words)s") % {"words": ", ".join(words)}
    if kind == "same_topic":
        topics = [str(TOPICS[t]) for t in reason["topics"] if t in TOPICS]
        return _("gleiches Thema: %(topics)s") % {"topics": ", ".join(topics)} if topics else None
    if kind == "same_target_group":
        labels = dict(TargetGroup.choices)
        groups = [str(labels.get(g, g)) for g in reason["target_groups"]]
        return _("gleiche Zielgruppe: %(groups)s") % {"groups": ", ".join(groups)}
    if kind == "same_category":
        name = categories.get(reason["category"], reason["category"])
        return _("gleiche Kategorie: %(category)s") % {"category": name}
    if kind == "same_language":
        names = [language_name(code) for code in reason["languages"]]
        return _("gleiche Sprache: %(languages)s") % {"languages": ", ".join(names)}
    return None


def reason_texts(reasons: list[dict], categories: dict[str, str], spell=None) -> list[str]:
    """The reasons of one match in words, in their order."""
    texts = (reason_text(r, categories, spell) for r in reasons)
    return [t for t in texts if t]
