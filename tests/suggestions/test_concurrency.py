"""Concurrent writers on PostgreSQL, each in its own connection (its writes commit outside the test's
transaction; everything is removed afterwards): the same submission key twice at once makes one suggestion;
one Idempotency-Key sent five times at once runs the write once. Two coordinators changing the same version at
once is tested for every request with personal data in tests/core/test_personal_version_race.py."""

import pytest
from django.db import connection

from quartier.core import idempotency
from quartier.core.models import AuditEntry, IdempotencyRecord
from quartier.places.models import City
from quartier.suggestions.models import Suggestion
from tests.concurrency import in_own_connection, run_together

from .conftest import submit

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real concurrent connections (the SQLite test database is in memory with a shared cache)",
)


def _essen():
    return City.objects.get(slug="essen")


@pytest.fixture
def committed(db):
    """Removes what the threads committed, in a connection of its own, after the test."""
    yield
    marker = "Nebenläufig (Demo):"

    def clean():
        ids = list(Suggestion.objects.filter(text__startswith=marker).values_list("pk", flat=True))
        AuditEntry.objects.filter(
            target_type="suggestions.suggestion", target_id__in=[str(i) for i in ids]
        ).delete()
        Suggestion.objects.filter(pk__in=ids).delete()
        IdempotencyRecord.objects.filter(scope="test-concurrency").delete()

    in_own_connection(clean)


def _submit(**overrides):
    return submit(_essen(), text="Nebenläufig (Demo): ein Sprachcafé am Samstag.", **overrides)


def test_same_submission_key_at_once_makes_one_suggestion(committed):
    results, errors = run_together([lambda: _submit(submission_key="same-key-0123456789") for _ in range(6)])
    assert errors == [None] * 6
    assert (
        in_own_connection(lambda: Suggestion.objects.filter(submission_key="same-key-0123456789").count())
        == 1
    )
    assert len({r[0].pk for r in results}) == 1 and sum(r[2] for r in results) == 1
    assert len({r[1] for r in results}) == 1  # everyone is shown the same status link


def test_many_different_submissions_at_once_all_arrive(committed):
    results, errors = run_together([_submit for _ in range(8)])
    assert errors == [None] * 8
    assert in_own_connection(lambda: Suggestion.objects.filter(text__startswith="Nebenläufig").count()) == 8


def test_idempotency_key_at_once_runs_the_write_once(committed):
    def action():
        _submit()
        return 201, {"ok": True}

    results, errors = run_together(
        [
            lambda: idempotency.run_once(scope="test-concurrency", key="k-1", digest="d", action=action)
            for _ in range(5)
        ]
    )
    assert errors == [None] * 5
    assert in_own_connection(lambda: Suggestion.objects.filter(text__startswith="Nebenläufig").count()) == 1
    assert sorted(r[2] for r in results) == [False, True, True, True, True]
