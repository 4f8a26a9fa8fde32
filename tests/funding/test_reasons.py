"""The comparison's reasons in words come from one label table (funding.reasons): every concept of the thesaurus
has its label, and the requester's page and the coordinators' page word the same match the same way."""

from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from quartier.funding import comparison, reasons, thesaurus
from quartier.funding.views import public, workspace

from .conftest import file_request

MATCH = {
    "kind": "offer",
    "id": 1,
    "title": "Dolmetschen im Stadtteilbüro",
    "url": "/de/angebote/dolmetschen/",
    "score": 0.9,
    "reasons": [
        {"kind": "same_topic", "topics": ["translation", "legal", "evening"]},
        {"kind": "same_target_group", "target_groups": ["women"]},
        {"kind": "same_language", "languages": ["ar"]},
    ],
}


def test_every_concept_has_one_label():
    assert set(reasons.TOPICS) == set(thesaurus.CONCEPTS)


def test_topic_labels_are_the_clearer_ones():
    text = reasons.reason_text({"kind": "same_topic", "topics": ["translation", "job", "trauma"]}, {})
    assert text == "gleiches Thema: Übersetzen und Dolmetschen, Arbeit und Ausbildung, seelische Gesundheit"
    assert reasons.reason_text({"kind": "same_topic", "topics": ["unknown"]}, {}) is None


@pytest.fixture
def fixed_match(monkeypatch):
    monkeypatch.setattr(comparison, "compare", lambda *args, **kwargs: {"items": [MATCH], "gaps": []})


def test_both_pages_word_the_same_match_alike(essen, fixed_match):
    consultation = file_request(essen)[0]
    request = RequestFactory().get("/")
    request.city = essen
    neighbourhoods = list(consultation.neighbourhoods.all())
    form = SimpleNamespace(
        cleaned_data={
            "title": consultation.title,
            "description": consultation.description,
            "neighbourhoods": neighbourhoods,
            "target_groups": [],
        }
    )
    requester = public._comparison(request, essen, form)["items"][0]["reasons"]
    coordinator = workspace._comparison(request, consultation, neighbourhoods)["items"][0]["reason_texts"]
    assert requester == coordinator
    assert requester[0] == "gleiches Thema: Übersetzen und Dolmetschen, Recht und Aufenthalt, Abendangebot"
    assert requester[1] == "gleiche Zielgruppe: Frauen" and requester[2].startswith("gleiche Sprache: ")
