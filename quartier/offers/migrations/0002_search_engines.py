"""Each database's own full-text engine for offers (search.py).

PostgreSQL: the extensions `unaccent` and `pg_trgm` (creating them needs the CREATE privilege on the database,
or a superuser once; README, "Database"), the text search configuration `quartier_german` (unaccent, then the
German Snowball stemmer), a GIN index on the offers' documents and a trigram index on the search terms.
SQLite: an FTS5 table with its vocabulary view. Other databases: nothing (search would fail loudly).
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'quartier_german') THEN
           CREATE TEXT SEARCH CONFIGURATION quartier_german (COPY = german);
           ALTER TEXT SEARCH CONFIGURATION quartier_german
             ALTER MAPPING FOR hword, hword_part, word WITH unaccent, german_stem;
         END IF;
       END $$""",
    "CREATE INDEX IF NOT EXISTS offer_search_document ON offers_offer "
    "USING gin (to_tsvector('quartier_german'::regconfig, search_document))",
    "CREATE INDEX IF NOT EXISTS offer_search_term_trgm ON offers_searchterm USING gin (term gin_trgm_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS offer_search_term_trgm",
    "DROP INDEX IF EXISTS offer_search_document",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS quartier_german",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS offers_offer_fts USING fts5(document, tokenize = 'unicode61')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS offers_offer_fts_vocab USING fts5vocab(offers_offer_fts, row)",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS offers_offer_fts_vocab", "DROP TABLE IF EXISTS offers_offer_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("offers", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
