import functools

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.backends.base.operations import BaseDatabaseOperations

from tests.coursebuilder import write_course
from tests.factories import UserFactory


@pytest.fixture(autouse=True, scope="session")
def flush_passes_the_audit_log_guard():
    """Transactional tests (transactional_db, live_server) end with Django's flush, which empties
    every table, the append-only audit log included. Only that flush gets the permit the
    log's triggers honour (audit.guard); `manage.py flush` outside the tests stays refused."""
    from audit.guard import purge_permitted

    original = BaseDatabaseOperations.execute_sql_flush

    @functools.wraps(original)
    def execute_sql_flush(self, sql_list):
        with purge_permitted(using=self.connection.alias):
            original(self, sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: ids and frozen clocks repeat between tests, and a
    module page cached by one test must not be served to the next."""
    cache.clear()


@pytest.fixture
def course_dir(tmp_path):
    return write_course(tmp_path / "content")


@pytest.fixture
def imported_course(db, course_dir):
    call_command("import_content", str(course_dir.parent))
    from courses.models import Course

    return Course.objects.get(slug="test-course")


@pytest.fixture
def learner(db):
    return UserFactory(email="learner@example.com", roles=["learner"])


@pytest.fixture
def trainer(db):
    return UserFactory(email="trainer@example.com", roles=["learner", "trainer"])


@pytest.fixture
def hr_user(db):
    return UserFactory(email="hr@example.com", roles=["learner", "hr"])


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client
