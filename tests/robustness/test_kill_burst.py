"""No suggestion is lost or stored twice when a worker dies in the middle of a burst of submissions.

gunicorn serves three threaded workers on their own database (PostgreSQL when DATABASE_URL is PostgreSQL,
otherwise SQLite in WAL mode). A thread pool sends a few hundred suggestions through the API, each with its
own Idempotency-Key and a unique marker in its text, while the test kills a worker with SIGKILL twice
(gunicorn starts a new one). Every request that fails on the way (connection reset, no answer, a 5xx) is sent
again with the same key and body until it is answered. Afterwards every accepted key has exactly one stored
suggestion, retries answered the first answer, and the table holds as many burst suggestions as there are
accepted keys. QUARTIER_BURST_SUBMISSIONS sets the number of submissions (docs/testing-robustness.md).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import requests

from tests import liveserver

from .conftest import REQUEST_TIMEOUT

SUBMISSIONS = int(os.environ.get("QUARTIER_BURST_SUBMISSIONS", "300"))
CLIENT_THREADS = 12
WORKERS = 3
KILLS = 2
MAX_ATTEMPTS = 30
RESPAWN_TIMEOUT = 60
TOPICS = ["housing", "education", "work", "language", "neighbourhood", "other"]
NEIGHBOURHOODS = [None, "Frohnhausen", "Kray", 3, "Altenessen-Süd"]


@dataclass
class Submission:
    key: str
    marker: str
    body: dict
    answers: list[tuple[int, dict | None]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> list[dict]:
        return [body for status, body in self.answers if status in (200, 201) and body is not None]


@pytest.fixture(scope="module")
def burst_site(robustness_prerequisites):
    limits = {
        # Every submission comes from one address; the test is about crashes, not about the limit.
        "QUARTIER_SUGGESTION_RATE_LIMIT": str(SUBMISSIONS * 10),
        "QUARTIER_SUGGESTION_ATTEMPT_LIMIT": str(SUBMISSIONS * 100),
    }
    with liveserver.live_server("burst", workers=WORKERS, threads=2, env_overrides=limits) as server:
        yield server


def _submission(run: str, index: int) -> Submission:
    marker = f"burst-{run}-{index:04d}"
    body = {
        "text": f"Mehr Sitzbänke und Schatten auf dem Spielplatz, bitte. Kennung {marker}",
        "topic": TOPICS[index % len(TOPICS)],
        "neighbourhood": NEIGHBOURHOODS[index % len(NEIGHBOURHOODS)],
        "consent": True,
    }
    return Submission(key=f"{run}-{index}-{uuid.uuid4().hex}", marker=marker, body=body)


def _send(url: str, item: Submission) -> None:
    """Send until answered with a client status; the same key and body every time."""
    session = requests.Session()
    for attempt in range(MAX_ATTEMPTS):
        try:
            answer = session.post(
                url, json=item.body, headers={"Idempotency-Key": item.key}, timeout=REQUEST_TIMEOUT
            )
        except requests.RequestException as exc:
            item.failures.append(type(exc).__name__)
            session.close()
            session = requests.Session()  # a fresh connection: the old one may belong to the dead worker
            time.sleep(min(0.05 * (attempt + 1), 1))
            continue
        if answer.status_code >= 500:
            item.failures.append(f"HTTP {answer.status_code}")
            time.sleep(min(0.05 * (attempt + 1), 1))
            continue
        try:
            payload = answer.json()
        except ValueError:
            payload = None
        item.answers.append((answer.status_code, payload))
        break
    session.close()


def _kill_workers(server: liveserver.LiveServer, progress, total: int, killed: list[int], errors: list[str]):
    """Kill a worker with SIGKILL at a third and at two thirds of the burst, and wait for its replacement."""
    for n in range(1, KILLS + 1):
        while progress() < total * n / (KILLS + 1):
            time.sleep(0.005)
        before = server.worker_pids()
        if not before:
            errors.append("no gunicorn worker found to kill")
            return
        victim = before[n % len(before)]
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)
        deadline = time.monotonic() + RESPAWN_TIMEOUT
        while time.monotonic() < deadline:
            now = server.worker_pids()
            if victim not in now and len(now) == WORKERS:
                break
            time.sleep(0.05)
        else:
            errors.append(f"gunicorn did not replace worker {victim} within {RESPAWN_TIMEOUT} s")
            return


def _stored(server: liveserver.LiveServer, run: str) -> dict:
    """What the server's database holds for this run: suggestions by marker, idempotency records by key."""
    code = f"""
import json
from quartier.core.models import IdempotencyRecord
from quartier.suggestions.models import Suggestion
rows = list(Suggestion.objects.filter(text__contains="burst-{run}-").values_list("id", "text"))
keys = list(IdempotencyRecord.objects.filter(key__startswith="{run}-").values_list("key", "status", "response"))
print(json.dumps({{"rows": rows, "keys": keys}}))
"""
    return json.loads(liveserver.run_python(server.env, code).strip().splitlines()[-1])


def test_no_submission_is_lost_or_duplicated_when_workers_are_killed(burst_site):
    run = uuid.uuid4().hex[:10]
    url = f"{burst_site.base_url}/api/v1/cities/essen/suggestions"
    items = [_submission(run, i) for i in range(SUBMISSIONS)]
    done = []
    lock = threading.Lock()

    def send(item):
        _send(url, item)
        with lock:
            done.append(item.key)

    killed: list[int] = []
    kill_errors: list[str] = []
    killer = threading.Thread(
        target=_kill_workers, args=(burst_site, lambda: len(done), SUBMISSIONS, killed, kill_errors)
    )
    killer.start()
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        list(pool.map(send, items))
    killer.join(timeout=RESPAWN_TIMEOUT * KILLS)

    assert not kill_errors, kill_errors
    assert len(killed) == KILLS, f"{len(killed)} of {KILLS} workers killed"
    server_errors = [(i.marker, f) for i in items for f in i.failures if f.startswith("HTTP")]
    assert not server_errors, f"server errors during the burst: {server_errors[:10]}"
    unanswered = [i.marker for i in items if not i.answers]
    assert not unanswered, f"{len(unanswered)} submission(s) never answered: {unanswered[:10]}"
    refused = [(i.marker, i.answers[-1]) for i in items if not i.accepted]
    assert not refused, f"{len(refused)} submission(s) refused: {refused[:5]}"
    assert all(i.answers[0][0] == 201 or i.failures for i in items), "a first send answered as a repeat"

    stored = _stored(burst_site, run)
    by_marker: dict[str, list[int]] = {}
    for pk, text in stored["rows"]:
        marker = text.rsplit(" ", 1)[-1]
        by_marker.setdefault(marker, []).append(pk)
    duplicates = {m: ids for m, ids in by_marker.items() if len(ids) > 1}
    assert not duplicates, f"stored more than once: {duplicates}"
    missing = [i.marker for i in items if i.marker not in by_marker]
    assert not missing, f"accepted but not stored: {missing[:10]}"
    for item in items:
        assert {body["id"] for body in item.accepted} == set(by_marker[item.marker]), item.marker
    accepted_keys = {i.key for i in items if i.accepted}
    assert len(stored["rows"]) == len(accepted_keys) == SUBMISSIONS
    records = {key: (status, response) for key, status, response in stored["keys"]}
    assert set(records) == accepted_keys
    for item in items:
        status, response = records[item.key]
        assert status == 201 and response["id"] == by_marker[item.marker][0], item.marker

    retried = sum(1 for i in items if i.failures)
    print(
        f"burst: {SUBMISSIONS} submissions, workers {killed} killed, {retried} retried after a failure, "
        f"{sum(len(i.answers) for i in items)} answers"
    )
