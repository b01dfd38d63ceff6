import pytest
from django.db import connection, transaction

from audit.models import AuditEntry

TABLE = AuditEntry._meta.db_table


def run_sql(sql: str, params: list | None = None) -> int:
    """Raw SQL on the test connection, in a savepoint so a refused statement leaves the test's
    transaction usable. Returns the row count."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", connection.ops.quote_name(TABLE)), params)
        return cursor.rowcount


@pytest.fixture
def entry(db):
    return AuditEntry.objects.create(action="role.grant", actor_label="someone", target_label="学员甲",
                                     after={"roles": ["hr"]}, reason="new HR partner")
