"""Concurrent writers on PostgreSQL, each in its own connection (its writes commit outside the test's
transaction; everything is removed afterwards): the same submission key twice at once makes one suggestion;
two coordinators changing the same version at once: one wins, the other gets a conflict, nothing is
overwritten; one Idempotency-Key sent five times at once runs the write once."""

import threading

import pytest
from django.db import connection

from quartier.accounts.models import Role, User
from quartier.core import idempotency
from quartier.core.models import AuditEntry, IdempotencyRecord
from quartier.places.models import City
from quartier.suggestions import services
from quartier.suggestions.models import Suggestion
from tests.conftest import make_user

from .conftest import submit

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real concurrent connections (the SQLite test database is in memory with a shared cache)",
)
COORDINATOR = "nebenlaeufig-demo@example.org"


def in_own_connection(fn):
    outcome = {}

    def run():
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the calling thread
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def run_together(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), [None] * len(functions)

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


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
        User.objects.filter(email=COORDINATOR).delete()

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


def test_two_coordinators_change_the_same_version_one_gets_a_conflict(committed):
    def prepare():
        coordinator = make_user(COORDINATOR, roles=[(Role.COORDINATOR, "III")], city=_essen())
        return coordinator, _submit()[0]

    coordinator, s = in_own_connection(prepare)

    def close():
        return services.suggestion_transition(
            actor=coordinator,
            suggestion=s,
            to_status="closed",
            expected_version=1,
            outcome="implemented",
            public_answer="Erledigt.",
        )

    def forward():
        return services.suggestion_transition(
            actor=coordinator,
            suggestion=s,
            to_status="forwarded",
            expected_version=1,
            forwarded_to="Amt (Demo)",
            forwarded_email="amt-demo@example.org",
        )

    results, errors = run_together([close, forward])
    assert sum(e is None for e in errors) == 1, errors
    assert sum(isinstance(e, services.Conflict) for e in errors) == 1
    stored = in_own_connection(
        lambda: (Suggestion.objects.get(pk=s.pk).version, Suggestion.objects.get(pk=s.pk).steps.count())
    )
    assert stored == (2, 2)


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
