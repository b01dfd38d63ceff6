"""Retention: audit_purge is the one way entries leave the log, it records itself, and the
permit it uses lives only inside its own transaction."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.guard import purge_permitted
from audit.models import AuditEntry
from audit.services import audit_purge, audit_retention_purge
from audit.tasks import audit_retention_purge_task

from .conftest import run_sql

REFUSED = "audit log is append-only"


def make_entries(*ages_in_days: int) -> list[AuditEntry]:
    now = timezone.now()
    return [AuditEntry.objects.create(action="assignment.create", recorded_at=now - timedelta(days=age))
            for age in ages_in_days]


def permit_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute('SELECT count(*) FROM "audit_purge_permit"')
        return cursor.fetchone()[0]


def test_purge_deletes_only_old_entries_and_records_itself(db):
    # Given entries 10, 400 and 2000 days old
    young, _middle, _old = make_entries(10, 400, 2000)
    # When entries older than a year are purged
    deleted = audit_purge(older_than=timezone.now() - timedelta(days=365))
    # Then two are gone, the young one stays, and the purge is itself in the log
    assert deleted == 2
    purge = AuditEntry.objects.get(action="audit.purge")
    assert purge.actor is None and purge.actor_label == "retention purge"
    assert purge.after["deleted"] == 2 and purge.after["older_than"]
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {young.pk, purge.pk}


def test_after_a_purge_the_log_refuses_deletes_again_even_in_the_same_transaction(db):
    make_entries(2000, 1)
    with transaction.atomic():  # a caller's longer transaction (and the test's own around it)
        audit_purge(older_than=timezone.now() - timedelta(days=365))
        with pytest.raises(IntegrityError, match=REFUSED):
            run_sql("DELETE FROM {table}")
    assert AuditEntry.objects.filter(action="assignment.create").count() == 1
    if connection.vendor == "sqlite":
        assert permit_rows() == 0


def test_the_permit_never_lets_an_update_through(db):
    entry, = make_entries(1)
    with purge_permitted(), pytest.raises(IntegrityError, match=REFUSED):
        run_sql("UPDATE {table} SET reason = 'rewritten'")
    entry.refresh_from_db()
    assert entry.reason == ""


def test_a_failed_purge_block_takes_its_permit_with_it(db):
    make_entries(1)
    with pytest.raises(RuntimeError), purge_permitted():
        raise RuntimeError("boom")
    with pytest.raises(IntegrityError, match=REFUSED):
        run_sql("DELETE FROM {table}")


def test_purge_refuses_a_naive_or_future_cutoff(db):
    make_entries(1)
    with pytest.raises(ValueError, match="aware"):
        audit_purge(older_than=timezone.now().replace(tzinfo=None))
    with pytest.raises(ValueError, match="future"):
        audit_purge(older_than=timezone.now() + timedelta(days=1))
    assert AuditEntry.objects.count() == 1


def test_retention_follows_the_setting_and_zero_keeps_everything(db, settings):
    make_entries(10, 100)
    settings.AUDIT_RETENTION_DAYS = 0
    assert audit_retention_purge() == 0
    assert AuditEntry.objects.count() == 2
    settings.AUDIT_RETENTION_DAYS = 30
    assert audit_retention_purge_task() == 1
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["audit.purge", "assignment.create"]


def test_the_purge_command_reports_what_it_did(db, settings, capsys):
    make_entries(2000)
    call_command("audit_purge")
    assert "1 audit entries older than 1095 days purged" in capsys.readouterr().out
    settings.AUDIT_RETENTION_DAYS = 0
    call_command("audit_purge")
    assert "kept forever" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second PostgreSQL session")
def test_the_permit_is_one_sessions_and_ends_with_its_transaction(transactional_db):
    import psycopg2

    make_entries(2000)
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            # While this connection holds a permit, another session is still refused
            with purge_permitted(), pytest.raises(psycopg2.errors.RestrictViolation, match=REFUSED):
                cursor.execute('DELETE FROM "audit_auditentry"')
            other.rollback()
            # Only the explicit call lets a session through, and only until its transaction ends
            cursor.execute("SET LOCAL audit.allow_purge = 'on'")
            cursor.execute('DELETE FROM "audit_auditentry"')
            assert cursor.rowcount == 1
            other.rollback()
            with pytest.raises(psycopg2.errors.RestrictViolation, match=REFUSED):
                cursor.execute('DELETE FROM "audit_auditentry"')
            other.rollback()
    finally:
        other.close()
    assert AuditEntry.objects.count() == 1
