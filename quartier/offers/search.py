"""Full-text search of offers behind one interface, each database with its own engine.

- SQLite: an FTS5 table (`offers_offer_fts`, rowid = offer id) holding each offer's words folded (accents and
  umlauts) and reduced by the German Snowball stemmer, ranked by bm25; typos are corrected against the table's
  own vocabulary (`fts5vocab`) with rapidfuzz.
- PostgreSQL: `german` text search with `unaccent` (the configuration `quartier_german`, created by the
  migration) over `Offer.search_document`, stored as the generated column `search_vector` with a GIN index
  (migration 0003, so that ranking does not parse every match again), ranked by `ts_rank_cd`; typos are
  corrected against the lexemes in `SearchTerm` with `pg_trgm`.

Both read a query the same way: every word must match (in any form: "Kindern" finds "Kinder", "Mutter" finds
"Mütter"), a word that matches nothing is replaced by its nearest known words, and a word may be the start of a
longer one ("Sprach" finds "Sprachcafé").

`apply(queryset, query)` filters a queryset of offers and annotates `search_rank` (higher is better);
`index(offer)` and `unindex(ids)` keep the engine in step and are called by the services.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import snowballstemmer
from django.db import connection
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from rapidfuzz import fuzz, process

MAX_WORDS = 8
MIN_TYPO_LENGTH = 4  # shorter words are not corrected: too many near neighbours
TYPO_SCORE = 80  # rapidfuzz ratio on SQLite
TYPO_SIMILARITY = 0.45  # pg_trgm similarity on PostgreSQL
TYPO_ALTERNATIVES = 3
PG_CONFIG = "quartier_german"
FTS_TABLE = "offers_offer_fts"

_WORD = re.compile(r"\w+", re.UNICODE)
_STEMMER = snowballstemmer.stemmer("german")
STOP_WORDS = _STOP = frozenset(
    [
        "und",
        "oder",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "einem",
        "einen",
        "für",
        "fur",
        "mit",
        "von",
        "im",
        "in",
        "am",
        "an",
        "auf",
        "zu",
        "zum",
        "zur",
        "bei",
        "aus",
        "ist",
        "sind",
        "wir",
        "ihr",
        "sie",
        "es",
        "als",
        "auch",
        "nicht",
        "nur",
        "wie",
        "was",
        "wer",
    ]
)


def fold(text: str) -> str:
    """Lower case without accents or umlauts ("Café" → "cafe", "Mütter" → "mutter", "Straße" → "strasse")."""
    text = (text or "").casefold().replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def stems(text: str) -> list[str]:
    """The folded, stemmed words of a text: what the SQLite engine indexes and looks up."""
    return [_STEMMER.stemWord(w) for w in words(text) if w not in _STOP]


def document(*parts: str) -> str:
    """The text an offer is found by (title first), as stored in `Offer.search_document`."""
    return "\n".join(p.strip() for p in parts if p and p.strip())


_TRANSCRIBED = re.compile(r"(?<![aeiouq])(ae|oe|ue)")


def variants(word: str) -> list[str]:
    """The word, and where it has a transcribed umlaut ("muetter", "schoen") the plain vowel too: documents are
    folded ("Mütter" → "mutter"), and not every stemmer undoes the transcription."""
    plain = _TRANSCRIBED.sub(lambda m: m.group(1)[0], word)
    return [word] if plain == word else [word, plain]


def query_words(query: str) -> list[str]:
    return [w for w in words(query) if w not in _STOP and len(w) > 1][:MAX_WORDS]


# --- the interface ---------------------------------------------------------------------------------------------


def apply(qs: QuerySet, query: str) -> QuerySet:
    """`qs` restricted to the offers matching `query`, annotated with `search_rank`; unchanged for no words."""
    terms = query_words(query)
    if not terms:
        return qs.annotate(search_rank=RawSQL("0.0", [], output_field=FloatField()))
    if connection.vendor == "postgresql":
        return _pg_apply(qs, terms)
    return _sqlite_apply(qs, terms)


def index(offers: Iterable) -> None:
    """Bring the engine in step with these offers (their `search_document` is already saved)."""
    offers = list(offers)
    if not offers:
        return
    if connection.vendor == "postgresql":
        _pg_learn_terms([o.search_document for o in offers])
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR REPLACE INTO {FTS_TABLE} (rowid, document) VALUES (%s, %s)",
                [(o.pk, " ".join(stems(o.search_document))) for o in offers],
            )


def unindex(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in ids])


# --- SQLite: FTS5 ----------------------------------------------------------------------------------------------


def _sqlite_alternatives(stem: str) -> list[str]:
    """Known stems near a stem that is not in the index, best first (the typo correction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {FTS_TABLE}_vocab WHERE term >= %s AND term < %s LIMIT 1", [stem, stem + "\uffff"]
        )
        if cursor.fetchone() is not None or len(stem) < MIN_TYPO_LENGTH:
            return []
        # Candidates share the first letter (typos rarely hit it) and are of similar length.
        cursor.execute(
            f"SELECT term FROM {FTS_TABLE}_vocab WHERE term >= %s AND term < %s AND length(term) BETWEEN %s AND %s",
            [stem[0], stem[0] + "\uffff", len(stem) - 2, len(stem) + 3],
        )
        vocabulary = [row[0] for row in cursor.fetchall()]
    found = process.extract(
        stem, vocabulary, scorer=fuzz.ratio, limit=TYPO_ALTERNATIVES, score_cutoff=TYPO_SCORE
    )
    return [term for term, _score, _i in found]


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


def _sqlite_match(terms: list[str]) -> str:
    groups = []
    for word in terms:
        options: list[str] = []
        for variant in variants(word):
            stem = _STEMMER.stemWord(variant)
            options += [f"{_fts_quote(stem)}*", *(_fts_quote(t) for t in _sqlite_alternatives(stem))]
        groups.append("(" + " OR ".join(dict.fromkeys(options)) + ")")
    return " AND ".join(groups)


def _sqlite_apply(qs: QuerySet, terms: list[str]) -> QuerySet:
    match = _sqlite_match(terms)
    table = qs.model._meta.db_table
    ranked = RawSQL(
        f"SELECT -bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid = {table}.id",
        [match],
        output_field=FloatField(),
    )
    return qs.filter(
        pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
    ).annotate(search_rank=ranked)


# --- PostgreSQL: german text search, unaccent, pg_trgm ----------------------------------------------------------


def _pg_lexemes(words_: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, (SELECT array_agg(lexeme) FROM unnest(to_tsvector(%s::regconfig, w))) FROM unnest(%s::text[]) AS w",
            [PG_CONFIG, words_],
        )
        return [(row[1] or [""])[0] for row in cursor.fetchall()]


def _pg_alternatives(lexeme: str) -> list[str]:
    if len(lexeme) < MIN_TYPO_LENGTH:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM offers_searchterm WHERE term LIKE %s LIMIT 1", [lexeme.replace("%", "") + "%"]
        )
        if cursor.fetchone() is not None:
            return []
        cursor.execute(
            "SELECT term FROM offers_searchterm WHERE term %% %s AND similarity(term, %s) >= %s "
            "ORDER BY similarity(term, %s) DESC, term LIMIT %s",
            [lexeme, lexeme, TYPO_SIMILARITY, lexeme, TYPO_ALTERNATIVES],
        )
        return [row[0] for row in cursor.fetchall()]


def _tsquote(lexeme: str) -> str:
    return "'" + lexeme.replace("'", "").replace("\\", "") + "'"


def _pg_apply(qs: QuerySet, terms: list[str]) -> QuerySet:
    groups = []
    for word in terms:
        options: list[str] = []
        for lexeme in _pg_lexemes(variants(word)):
            if lexeme:
                options += [f"{_tsquote(lexeme)}:*", *(_tsquote(t) for t in _pg_alternatives(lexeme))]
        if options:
            groups.append("(" + " | ".join(dict.fromkeys(options)) + ")")
    if not groups:
        return qs.annotate(search_rank=RawSQL("0.0", [], output_field=FloatField()))
    tsquery = " & ".join(groups)
    table = qs.model._meta.db_table
    vector = f"{table}.search_vector"  # generated from search_document (migration 0003)
    return qs.extra(
        where=[f"{vector} @@ to_tsquery('{PG_CONFIG}'::regconfig, %s)"], params=[tsquery]
    ).annotate(
        search_rank=RawSQL(
            f"ts_rank_cd({vector}, to_tsquery('{PG_CONFIG}'::regconfig, %s))",
            [tsquery],
            output_field=FloatField(),
        )
    )


def _pg_learn_terms(documents: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO offers_searchterm (term) "
            "SELECT DISTINCT lexeme FROM unnest(%s::text[]) AS d, unnest(to_tsvector(%s::regconfig, d)) "
            "WHERE length(lexeme) BETWEEN 3 AND 60 ON CONFLICT (term) DO NOTHING",
            [documents, PG_CONFIG],
        )


def order_by_rank(qs: QuerySet) -> QuerySet:
    return qs.order_by(F("search_rank").desc(nulls_last=True), "title", "id")
