"""What already exists like a new project idea: offers and upcoming events in its Stadtteile, ranked, each with
the reasons, and the gaps the idea would fill.

The comparison is explainable on purpose, so that a coordinator can follow it:

- words: TF-IDF over the folded, stemmed words of title (counted twice) and description, plus the concepts of
  the thesaurus (thesaurus.py) the words carry, compared by cosine similarity; IDF from the candidates
  themselves, so words every offer in the Stadtteil uses count little;
- target group: the idea's (stated, else read from its text) against the candidate's;
- category: the categories the idea's concepts point to, against the candidate's category;
- language: languages the idea names (countries, nationalities) against the candidate's languages.

`rank()` works on plain `Candidate`s and is pure; `similar()` collects the candidates from the database.
Nothing is stored.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from quartier.offers import search
from quartier.offers.search import fold

from . import thesaurus

_WRITTEN = re.compile(r"\w+", re.UNICODE)
WEIGHT_TITLE = 2.0
WEIGHT_CONCEPT = 1.5
SCORE_TEXT = 1.0
SCORE_TARGET = 0.25
SCORE_CATEGORY = 0.35
SCORE_LANGUAGE = 0.15
MAX_RESULTS = 10
MIN_SCORE = 0.05
MAX_REASON_WORDS = 4


@dataclass
class Candidate:
    kind: str  # "offer" or "event"
    id: int
    title: str
    text: str  # description (and the category's name)
    url: str = ""
    category: str | None = None  # category slug (offers)
    category_name: str = ""
    target_groups: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


@dataclass
class Idea:
    title: str
    description: str
    target_groups: tuple[str, ...] = ()


@dataclass
class Match:
    candidate: Candidate
    score: float
    reasons: list[dict]


# --- reading a text --------------------------------------------------------------------------------------------


def _matches(part: str, word: str) -> bool:
    return word.startswith(part) if len(part) <= 4 else part in word


@lru_cache(maxsize=200_000)
def _word_keys(word: str) -> tuple[frozenset, frozenset, frozenset]:
    """The concepts, target groups and languages one folded word carries (cached: words repeat)."""
    concepts = frozenset(
        c for c, parts in thesaurus.CONCEPTS.items() if any(" " not in p and _matches(p, word) for p in parts)
    )
    targets = frozenset(
        t
        for t, parts in thesaurus.TARGET_OF.items()
        if any(" " not in p and _matches(p, word) for p in parts)
    )
    languages = frozenset(
        code
        for code, parts in thesaurus.LANGUAGE_OF.items()
        if any(" " not in p and _matches(p, word) for p in parts)
    )
    return concepts, targets, languages


def _phrases(table: dict[str, tuple[str, ...]], folded_text: str) -> set[str]:
    return {key for key, parts in table.items() if any(" " in p and p in folded_text for p in parts)}


@dataclass
class Reading:
    terms: Counter  # stems and "@concept" tokens with weights
    concepts: Counter
    targets: set[str]
    languages: set[str]
    surface: dict[str, str]  # stem → a word as written
    log_tf: dict[str, float] = field(default_factory=dict)  # term → 1 + log(weight), the TF part of TF-IDF
    keys: frozenset = frozenset()


@lru_cache(maxsize=100_000)
def read(title: str, text: str) -> Reading:
    """How a title and a text read (cached per process: candidates are read again for every idea)."""
    folded = fold(f"{title}\n{text}")
    words = {"".join(c for c in w if c.isalnum()) for w in folded.replace("-", " ").split()}
    words.discard("")
    terms: Counter = Counter()
    surface: dict[str, str] = {}
    for part, weight in ((title, WEIGHT_TITLE), (text, 1.0)):
        for written in _WRITTEN.findall(part or ""):
            for word in search.words(written):  # folded; "Online-Anträge" is two words
                if word in search.STOP_WORDS or len(word) < 3 or word.isdigit():
                    continue
                stem = search.stem(word)
                terms[stem] += weight
                surface.setdefault(stem, written)
    concepts: Counter = Counter(_phrases(thesaurus.CONCEPTS, folded))
    targets = _phrases(thesaurus.TARGET_OF, folded)
    languages = _phrases(thesaurus.LANGUAGE_OF, folded)
    for word in words:
        c, t, lang = _word_keys(word)
        concepts.update({k: 1 for k in c if k not in concepts})
        targets |= t
        languages |= lang
    for concept, n in concepts.items():
        terms[f"@{concept}"] += WEIGHT_CONCEPT * n
    log_tf = {t: 1 + math.log(n) for t, n in terms.items() if n > 0}
    return Reading(
        terms=terms,
        concepts=concepts,
        targets=targets,
        languages=languages,
        surface=surface,
        log_tf=log_tf,
        keys=frozenset(log_tf),
    )


# --- ranking ---------------------------------------------------------------------------------------------------


def _tfidf(terms: Counter, idf: dict[str, float]) -> dict[str, float]:
    vector = {t: (1 + math.log(n)) * idf.get(t, 0.0) for t, n in terms.items() if n > 0}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {t: v / norm for t, v in vector.items()}


def _category_profile(concepts: Counter) -> dict[str, float]:
    weights: Counter = Counter()
    for concept, n in concepts.items():
        slug = thesaurus.CATEGORY_OF.get(concept)
        if slug:
            weights[slug] += n
    total = sum(weights.values())
    return {slug: n / total for slug, n in weights.items()} if total else {}


def rank(idea: Idea, candidates: list[Candidate], *, limit: int = MAX_RESULTS) -> list[Match]:
    """The candidates most like the idea, best first, each with its reasons.

    Every candidate is scored; only the best `limit` get their reasons written. A candidate's reading is cached
    (read() above), so a panel costs one pass of arithmetic over the candidates' terms."""
    if not candidates:
        return []
    mine = read(idea.title, idea.description)
    theirs = [read(c.title, f"{c.category_name}\n{c.text}") for c in candidates]
    documents = len(theirs) + 1
    frequency: Counter = Counter(mine.keys)
    for reading in theirs:
        frequency.update(reading.keys)
    idf = {t: math.log((documents + 1) / (n + 0.5)) for t, n in frequency.items()}
    idea_vector = _tfidf(mine.terms, idf)
    idea_keys = frozenset(idea_vector)
    idea_targets = set(idea.target_groups) or mine.targets
    categories = _category_profile(mine.concepts)
    scored = []
    for position, (candidate, reading) in enumerate(zip(candidates, theirs, strict=True)):
        common = idea_keys & reading.keys
        text_score = 0.0
        if common:
            norm = math.sqrt(sum((w * idf[t]) ** 2 for t, w in reading.log_tf.items())) or 1.0
            text_score = sum(idea_vector[t] * reading.log_tf[t] * idf[t] for t in common) / norm
        their_targets = set(candidate.target_groups) - {"everyone"}
        common_targets = idea_targets & their_targets
        target_score = len(common_targets) / len(idea_targets | their_targets) if common_targets else 0.0
        category_score = categories.get(candidate.category or "", 0.0)
        language_score = 1.0 if (mine.languages & set(candidate.languages)) - {"de"} else 0.0
        score = (
            SCORE_TEXT * text_score
            + SCORE_TARGET * target_score
            + SCORE_CATEGORY * category_score
            + SCORE_LANGUAGE * language_score
        )
        if score >= MIN_SCORE:
            scored.append((round(score, 4), position))
    best = sorted(
        scored, key=lambda s: (-s[0], candidates[s[1]].kind, candidates[s[1]].title, candidates[s[1]].id)
    )[:limit]
    return [
        Match(
            candidates[position],
            score,
            _reasons(
                mine, idea_vector, idea_targets, categories, candidates[position], theirs[position], idf
            ),
        )
        for score, position in best
    ]


def _reasons(
    mine, idea_vector, idea_targets, categories, candidate: Candidate, reading: Reading, idf
) -> list[dict]:
    shared = {t: idea_vector[t] * reading.log_tf[t] * idf[t] for t in idea_vector.keys() & reading.keys}
    reasons = []
    words = [
        reading.surface.get(t) or mine.surface.get(t)
        for t, _w in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
        if not t.startswith("@")
    ][:MAX_REASON_WORDS]
    if words:
        reasons.append({"kind": "shared_words", "words": words})
    concepts = sorted(t[1:] for t in shared if t.startswith("@"))
    if concepts:
        reasons.append({"kind": "same_topic", "topics": concepts})
    common_targets = idea_targets & (set(candidate.target_groups) - {"everyone"})
    if common_targets:
        reasons.append({"kind": "same_target_group", "target_groups": sorted(common_targets)})
    if categories.get(candidate.category or "", 0.0) > 0:
        reasons.append({"kind": "same_category", "category": candidate.category})
    common_languages = (mine.languages & set(candidate.languages)) - {"de"}
    if common_languages:
        reasons.append({"kind": "same_language", "languages": sorted(common_languages)})
    return reasons


def idea_categories(idea: Idea) -> dict[str, float]:
    """The offer categories an idea's words point to, with their shares (for the gaps)."""
    return _category_profile(read(idea.title, idea.description).concepts)
