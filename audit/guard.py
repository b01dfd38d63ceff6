"""The one way through the audit log's DELETE/TRUNCATE triggers (migration 0002).

Only two callers may use it: audit.services.audit_purge (retention) and the test suite's
flush between transactional tests (tests/conftest.py). It is no setting and no flag in
Python: the permit is SQL state that lives inside one transaction, so a connection that did
not ask for it in its own transaction is refused. UPDATE is never let through."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

# PostgreSQL: a transaction-local custom setting read by the trigger function.
# SQLite: a row in a one-column table the triggers look for (SQLite triggers cannot read
# session state), inserted and deleted inside the transaction, so it is never committed.
_GRANT = {
    "postgresql": "SELECT set_config('audit.allow_purge', 'on', true)",
    "sqlite": 'INSERT INTO "audit_purge_permit" ("granted") VALUES (1)',
}
_REVOKE = {
    "postgresql": "SELECT set_config('audit.allow_purge', 'off', true)",
    "sqlite": 'DELETE FROM "audit_purge_permit"',
}


@contextmanager
def purge_permitted(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside this block (one transaction, or a savepoint of the caller's) the audit log's
    triggers let DELETE and TRUNCATE through. The permit is revoked explicitly on the way out
    so it does not outlive the block inside a longer transaction; if the block fails, rolling
    back the savepoint takes the permit with it."""
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(_GRANT[connection.vendor])
        yield
        with connection.cursor() as cursor:
            cursor.execute(_REVOKE[connection.vendor])
