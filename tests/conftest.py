import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.coursebuilder import write_course
from tests.factories import UserFactory


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
