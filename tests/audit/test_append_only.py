"""The audit log can be written and read, never changed or deleted: by the ORM (a readable
error) and by the database itself (triggers), on PostgreSQL and on SQLite."""

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AppendOnlyError, AuditEntry
from tests.factories import UserFactory

from .conftest import TABLE, run_sql

REFUSED = "audit log is append-only"


def test_an_insert_works_and_the_database_stamps_the_time(db):
    entry = AuditEntry.objects.create(action="export.create", actor_label="hr@example.com")
    assert entry.recorded_at is not None and entry.recorded_at.tzinfo is not None
    assert AuditEntry.objects.get().action == "export.create"
    run_sql("INSERT INTO {table} (action, actor_label, target_id, target_label, reason, request_id) "
            "VALUES ('content.publish', '', '', '', '', '')")
    assert AuditEntry.objects.count() == 2


def test_raw_sql_update_is_refused(entry):
    with pytest.raises(IntegrityError, match=REFUSED):
        run_sql("UPDATE {table} SET reason = 'rewritten'")
    with pytest.raises(IntegrityError, match=REFUSED):
        run_sql("UPDATE {table} SET reason = reason")  # even a change that changes nothing
    entry.refresh_from_db()
    assert entry.reason == "new HR partner"


def test_raw_sql_delete_is_refused(entry):
    with pytest.raises(IntegrityError, match=REFUSED):
        run_sql("DELETE FROM {table}")
    with pytest.raises(IntegrityError, match=REFUSED):
        run_sql("DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql(entry):
    run_sql("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no pending FK checks of the insert
    with pytest.raises(IntegrityError, match=REFUSED):
        run_sql("TRUNCATE {table}")
    assert AuditEntry.objects.count() == 1


def test_the_orm_refuses_with_a_readable_error_before_the_database(entry):
    entry.reason = "rewritten"
    with pytest.raises(AppendOnlyError, match="append-only"):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["reason"])
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update_or_create(pk=entry.pk, defaults={"reason": "rewritten"})
    assert AuditEntry.objects.get(pk=entry.pk).reason == "new HR partner"


def test_a_new_entry_with_a_preset_id_is_inserted_never_updates_an_old_one(entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry(pk=entry.pk, action="role.revoke").save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "role.grant"


def test_deleting_an_account_keeps_its_entries_and_their_label(db):
    # Given an entry made by an account
    admin = UserFactory(email="admin@example.com", display_name="管理员")
    made = AuditEntry.objects.create(actor=admin, actor_label="管理员 (admin@example.com)", action="role.grant")
    # When the account is deleted (SET_NULL: the one UPDATE the triggers allow)
    admin.delete()
    # Then the entry is still there and still says who it was
    entry = AuditEntry.objects.get(pk=made.pk)
    assert entry.actor_id is None and entry.actor_label == "管理员 (admin@example.com)"


def test_clearing_the_actor_cannot_smuggle_in_another_change(db):
    admin = UserFactory()
    entry = AuditEntry.objects.create(actor=admin, actor_label="admin", action="role.grant")
    with pytest.raises(IntegrityError, match=REFUSED):
        run_sql("UPDATE {table} SET actor_id = NULL, actor_label = 'nobody'")
    with pytest.raises(IntegrityError, match=REFUSED):
        run_sql("UPDATE {table} SET actor_id = %s", [UserFactory().pk])  # nor pin it on someone else
    entry.refresh_from_db()
    assert entry.actor_id == admin.pk and entry.actor_label == "admin"


def test_the_sqlite_update_trigger_covers_every_column(db):
    """A tripwire: a column added without extending the trigger (migration 0002) could be
    rewritten on SQLite; a later migration that rebuilds the table drops the triggers."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            triggers = dict(cursor.fetchall())
        update_trigger = triggers["audit_auditentry_refuse_update"]
        for field in AuditEntry._meta.concrete_fields:
            assert f'NEW."{field.column}"' in update_trigger, field.column
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE])
            triggers = {name for (name,) in cursor.fetchall()}
    assert {"audit_auditentry_refuse_update", "audit_auditentry_refuse_delete"} <= set(triggers)
