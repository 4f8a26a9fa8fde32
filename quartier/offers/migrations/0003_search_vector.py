"""PostgreSQL: store each offer's text search vector (a generated column) so that ranking does not parse every
matching document again; the GIN index moves to the column. Nothing changes on SQLite (its FTS5 table already
stores the terms)."""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE offers_offer ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('quartier_german'::regconfig, search_document)) STORED",
    "CREATE INDEX IF NOT EXISTS offer_search_vector ON offers_offer USING gin (search_vector)",
    "DROP INDEX IF EXISTS offer_search_document",
]
PG_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS offer_search_document ON offers_offer "
    "USING gin (to_tsvector('quartier_german'::regconfig, search_document))",
    "DROP INDEX IF EXISTS offer_search_vector",
    "ALTER TABLE offers_offer DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("offers", "0002_search_engines")]

    operations = [migrations.RunPython(_run(PG_FORWARD), _run(PG_BACKWARD))]
