"""Transactional tests end with Django's flush: it gets through the audit log's guard (the
suite's conftest hands it the permit); the same flush without the permit is refused whole."""

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import IntegrityError, connection
from django.db.backends.base.operations import BaseDatabaseOperations

from accounts.models import User
from audit.models import AuditEntry
from tests.factories import UserFactory

from .conftest import run_sql


def test_the_test_flush_empties_the_audit_log_and_leaves_it_guarded(transactional_db):
    UserFactory()  # its role grant is in the log
    assert AuditEntry.objects.exists()
    call_command("flush", verbosity=0, interactive=False)
    assert not AuditEntry.objects.exists() and not User.objects.exists()
    AuditEntry.objects.create(action="role.grant")
    with pytest.raises(IntegrityError, match="append-only"):
        run_sql("DELETE FROM {table}")


def test_a_flush_without_the_permit_is_refused_and_deletes_nothing(transactional_db):
    # Given the flush as `manage.py flush` runs it outside the test suite
    unguarded_flush = BaseDatabaseOperations.execute_sql_flush.__wrapped__
    UserFactory(email="kept@example.com")
    sql = connection.ops.sql_flush(no_style(), connection.introspection.django_table_names(only_existing=True))
    # When it runs, then the audit log refuses it, and no table lost its rows
    with pytest.raises(IntegrityError, match="append-only"):
        unguarded_flush(connection.ops, sql)
    assert AuditEntry.objects.exists() and User.objects.filter(email="kept@example.com").exists()

