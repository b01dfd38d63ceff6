"""The database itself refuses to change or delete audit entries (README, "Audit log").

PostgreSQL: one plpgsql function behind two triggers. Row-level BEFORE UPDATE lets exactly one
change through: actor_id becoming NULL while every other column stays the same, which is what
on_delete=SET_NULL does when an account is deleted. Statement-level BEFORE DELETE OR TRUNCATE
refuses unless the transaction set `audit.allow_purge` to 'on' (audit.guard.purge_permitted,
used by audit_purge and by the test suite's flush only).

SQLite: triggers cannot read session state or TEMP objects, so the permit is a row in
audit_purge_permit, inserted and deleted inside the purging transaction (SQLite has one writer
at a time, so no other connection can delete while it exists).

The SQL is written out here, not imported, so this migration stays what it was when applied.
SQLite rebuilds a table (and drops its triggers) when a later migration alters it: such a
migration must create these triggers again; tests/audit checks that they exist.
"""

from django.db import migrations

POSTGRESQL_FORWARD = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
           AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
            RETURN NEW;
        END IF;
    ELSIF current_setting('audit.allow_purge', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'old entries are removed only by audit.services.audit_purge';
END;
$$;
CREATE TRIGGER audit_auditentry_refuse_update
    BEFORE UPDATE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_auditentry_refuse_delete
    BEFORE DELETE OR TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
"""

POSTGRESQL_BACKWARD = """
DROP TRIGGER audit_auditentry_refuse_delete ON audit_auditentry;
DROP TRIGGER audit_auditentry_refuse_update ON audit_auditentry;
DROP FUNCTION audit_entry_append_only();
"""

SQLITE_FORWARD = [
    'CREATE TABLE "audit_purge_permit" ("granted" integer NOT NULL)',
    """
    CREATE TRIGGER "audit_auditentry_refuse_delete" BEFORE DELETE ON "audit_auditentry"
    WHEN NOT EXISTS (SELECT 1 FROM "audit_purge_permit")
    BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only: DELETE on audit_auditentry refused');
    END
    """,
    """
    CREATE TRIGGER "audit_auditentry_refuse_update" BEFORE UPDATE ON "audit_auditentry"
    WHEN NOT (
        OLD."actor_id" IS NOT NULL AND NEW."actor_id" IS NULL
        AND NEW."id" IS OLD."id"
        AND NEW."recorded_at" IS OLD."recorded_at"
        AND NEW."actor_label" IS OLD."actor_label"
        AND NEW."action" IS OLD."action"
        AND NEW."target_type_id" IS OLD."target_type_id"
        AND NEW."target_id" IS OLD."target_id"
        AND NEW."target_label" IS OLD."target_label"
        AND NEW."before" IS OLD."before"
        AND NEW."after" IS OLD."after"
        AND NEW."reason" IS OLD."reason"
        AND NEW."ip_address" IS OLD."ip_address"
        AND NEW."request_id" IS OLD."request_id"
    )
    BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only: UPDATE on audit_auditentry refused');
    END
    """,
]

SQLITE_BACKWARD = [
    'DROP TRIGGER "audit_auditentry_refuse_update"',
    'DROP TRIGGER "audit_auditentry_refuse_delete"',
    'DROP TABLE "audit_purge_permit"',
]


def _statements(vendor: str, *, forward: bool) -> list[str]:
    if vendor == "postgresql":
        return [POSTGRESQL_FORWARD if forward else POSTGRESQL_BACKWARD]
    if vendor == "sqlite":
        return SQLITE_FORWARD if forward else SQLITE_BACKWARD
    raise NotImplementedError(f"the audit log's append-only triggers exist for PostgreSQL and SQLite, not {vendor}")


def install(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor, forward=True):
        schema_editor.execute(sql, params=None)


def uninstall(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
