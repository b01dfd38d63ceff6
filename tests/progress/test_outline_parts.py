"""The outline folds by part: the part to read next is open, each heading shows its progress."""

import re

import pytest
from django.core.management import call_command

from tests.coursebuilder import write_course
from tests.quizhelpers import submit


@pytest.fixture
def two_part_course(db, tmp_path):
    call_command("import_content", str(write_course(tmp_path, parts=2, modules_per_part=2)))


PART = re.compile(r'<details class="outline-part-details"( open)?>\s*<summary><h2>(.*?)</h2>', re.S)


def parts_on(page: str) -> list[tuple[bool, str]]:
    return [(" open" in attrs, re.sub(r"\s+", " ", heading)) for attrs, heading in PART.findall(page)]


def test_a_visitor_sees_the_first_part_open(client, two_part_course):
    parts = parts_on(client.get("/courses/test-course/").content.decode())
    assert [open_ for open_, _ in parts] == [True, False]
    assert "已完成 0/2" in parts[0][1]


def test_the_part_to_read_next_is_open_with_each_parts_progress(learner_client, learner, two_part_course):
    for n in (1, 2):
        url = f"/courses/test-course/m-1-{n}/"
        submit(learner_client, learner, right=True, url=url + "quiz/")
        learner_client.post(url + "read/")
    parts = parts_on(learner_client.get("/courses/test-course/").content.decode())
    assert [open_ for open_, _ in parts] == [False, True]
    assert "已完成 2/2" in parts[0][1] and "已完成 0/2" in parts[1][1]
