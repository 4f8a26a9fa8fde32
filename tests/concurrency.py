"""Concurrent writers for the tests, each thread with its own database connection: what it writes commits,
outside the test's transaction (PostgreSQL only; the SQLite test database is one in-memory connection)."""

import threading

from django.db import connection


def in_own_connection(fn, *args):
    """`fn(*args)` in a thread of its own; its result is returned and its exception raised here."""
    outcome = {}

    def run():
        try:
            outcome["value"] = fn(*args)
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


def run_together(functions, *, timeout: float = 60):
    """Start every function at the same moment (a barrier), each in its own connection; returns the results and
    the exceptions, in the order of `functions`."""
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
        t.join(timeout=timeout)
    return results, errors
