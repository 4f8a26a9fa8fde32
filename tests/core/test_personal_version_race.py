"""Two staff members change the same request against the same version at the same moment, each in a thread with
its own database connection (transactional: the writes really commit), on SQLite and PostgreSQL alike: exactly
one wins, the other gets the "changed meanwhile" conflict (core.personal.Conflict), and nothing of the winner's
change is lost. The check runs inside the service under the row lock (core.personal.lock), for suggestions and
for funding consultations, whose slot confirmation used to compare the version in the view before the service.

On SQLite the threads work on a file copy of the test database: the in-memory test database is shared between
connections with table locks that fail at once instead of waiting, which is not how SQLite runs in production
(a file in WAL mode, transactions begun IMMEDIATE, a busy timeout)."""

import io
import sqlite3
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from quartier.accounts.models import Role
from quartier.core import personal
from quartier.core.models import AuditEntry
from quartier.funding import services as funding
from quartier.funding.models import ConsultationSlot, FundingConsultation
from quartier.places.models import City
from quartier.suggestions import services as suggestions
from quartier.suggestions.models import Suggestion
from tests.concurrency import in_own_connection, run_together
from tests.conftest import make_user
from tests.funding.conftest import file_request
from tests.suggestions.conftest import submit

pytestmark = pytest.mark.django_db(transaction=True)


def _load_essen():
    call_command("load_city", "essen", verbosity=0, stdout=io.StringIO())


@pytest.fixture(scope="module", autouse=True)
def _reference_data_back(django_db_blocker):
    """A transactional test empties every table afterwards; the tests after this module need Essen again."""
    yield
    with django_db_blocker.unblock():
        _load_essen()


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Essen's reference data, loaded again when an earlier test of this module emptied the tables."""
    if not City.objects.filter(slug="essen").exists():
        _load_essen()


@pytest.fixture
def own_connections(tmp_path):
    """New connections (the threads') open a file copy of the test database on SQLite; PostgreSQL needs none.
    Every database access of a test then happens in threads (`in_own_connection`), none in the test's own."""
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    # A new dict: the test's own connection keeps its settings (and so knows its database is in memory).
    in_memory = connections.settings["default"]
    connections.settings["default"] = {**in_memory, "NAME": str(path)}
    try:
        yield
    finally:
        connections.settings["default"] = in_memory


@pytest.fixture
def slow_writes(monkeypatch):
    """The winner holds the row lock a moment before it writes, so that the other change surely arrives while
    the first is still open (without the lock both would read the same version)."""
    original = personal.save_change

    def slow(request, fields):
        time.sleep(0.3)
        return original(request, fields)

    monkeypatch.setattr(personal, "save_change", slow)


def _essen():
    return City.objects.get(slug="essen")


def _two_coordinators():
    essen = _essen()
    return (
        make_user("race-a-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen),
        make_user("race-b-demo@example.org", roles=[(Role.COORDINATOR, "III")], city=essen),
    )


def test_suggestion_same_version_at_once_one_wins(own_connections, slow_writes):
    first, second = in_own_connection(_two_coordinators)
    suggestion = in_own_connection(lambda: submit(_essen())[0])

    def close():
        return suggestions.suggestion_transition(
            actor=first,
            suggestion=suggestion,
            to_status="closed",
            expected_version=1,
            outcome="implemented",
            public_answer="Erledigt.",
        )

    def forward():
        return suggestions.suggestion_transition(
            actor=second,
            suggestion=suggestion,
            to_status="forwarded",
            expected_version=1,
            forwarded_to="Amt (Demo)",
            forwarded_email="amt-demo@example.org",
        )

    results, errors = run_together([close, forward])
    assert sum(e is None for e in errors) == 1, errors
    loser = next(e for e in errors if e is not None)
    assert isinstance(loser, suggestions.Conflict) and isinstance(loser, personal.Conflict), loser
    assert loser.current.version == 2  # what is stored now, shown to the loser
    winner = next(r for r in results if r is not None)

    def stored():
        row = Suggestion.objects.get(pk=suggestion.pk)
        steps = list(row.steps.values_list("to_status", flat=True))
        audited = AuditEntry.objects.filter(
            target_id=str(row.pk), action=f"suggestion.{winner.status}"
        ).count()
        return row.version, row.status, steps, audited

    assert in_own_connection(stored) == (2, winner.status, ["received", winner.status], 1)
    assert loser.current.status == winner.status


def test_funding_slot_confirmation_same_version_at_once_one_wins(own_connections, slow_writes):
    first, second = in_own_connection(_two_coordinators)
    start = timezone.now() + timedelta(days=3)

    def prepare():
        consultation = file_request(_essen())[0]
        funding.consultation_slots_propose(
            actor=first,
            consultation=consultation,
            slots=[
                (start, start + timedelta(hours=1), "A"),
                (start + timedelta(days=1), start + timedelta(days=1, hours=1), "B"),
            ],
            expected_version=1,
        )
        slots = list(ConsultationSlot.objects.filter(consultation=consultation).order_by("starts_at"))
        return FundingConsultation.objects.get(pk=consultation.pk), slots

    consultation, (slot_a, slot_b) = in_own_connection(prepare)
    version = consultation.version

    def choose(actor, slot):
        return lambda: funding.consultation_slot_choose(
            consultation=consultation, slot_id=slot.pk, actor=actor, expected_version=version
        )

    results, errors = run_together([choose(first, slot_a), choose(second, slot_b)])
    assert sum(e is None for e in errors) == 1, errors
    loser = next(e for e in errors if e is not None)
    assert isinstance(loser, funding.Conflict) and isinstance(loser, personal.Conflict), loser
    winner_slot = slot_a if errors[0] is None else slot_b

    def stored():
        row = FundingConsultation.objects.get(pk=consultation.pk)
        chosen = list(row.slots.filter(is_chosen=True).values_list("pk", flat=True))
        confirmed = row.steps.filter(to_status=FundingConsultation.Status.APPOINTMENT_CONFIRMED).count()
        return row.version, row.status, chosen, confirmed

    assert in_own_connection(stored) == (
        version + 1,
        FundingConsultation.Status.APPOINTMENT_CONFIRMED,
        [winner_slot.pk],
        1,
    )
    assert loser.current.version == version + 1
