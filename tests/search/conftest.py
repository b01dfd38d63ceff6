import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from courses.models import Course


@pytest.fixture
def reimport(django_capture_on_commit_callbacks):
    """import_content with its after-commit work run, as it runs outside a test transaction."""

    def run(root: Path) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("import_content", str(root))

    return run


@pytest.fixture
def indexed_course(db, course_dir, reimport) -> Course:
    reimport(course_dir.parent)
    return Course.objects.get(slug="test-course")


@pytest.fixture(scope="module")
def real_course_index(django_db_setup, django_db_blocker):
    """The real course imported and indexed once for a test module, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("import_content", str(settings.CONTENT_DIR))
        yield Course.objects.get(slug="ops-manager")
        transaction.set_rollback(True)


def result_links(markup: str) -> list[str]:
    """The links of the results, in order."""
    return re.findall(r'<h2 class="search-hit-title">\s*<a href="([^"]+)"', markup)
