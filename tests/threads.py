"""Running the same thing on two threads at once (their own database
connections, committed data): the concurrency tests on PostgreSQL."""

import threading

from django.db import connections


def twice_at_once(target) -> None:
    """Start ``target`` on two threads released together; fail on any error."""
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            target()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
