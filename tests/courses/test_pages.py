"""Catalogue, outline and module pages as a learner meets them."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.coursebuilder import write_course


def test_catalogue_lists_the_course_with_counts(client, imported_course):
    page = client.get("/").content.decode()
    assert "测试课程" in page and "一门用于测试的课程" in page
    assert "3 个模块" in page
    assert 'href="/courses/test-course/"' in page


def test_outline_shows_parts_modules_minutes_and_objectives(client, imported_course):
    page = client.get("/courses/test-course/").content.decode()
    assert "第1部分" in page
    for n in (1, 2, 3):
        assert f'href="/courses/test-course/m-1-{n}/"' in page
    assert "目标甲" in page and "10 分钟" in page and "及格线 80%" in page


def test_unknown_course_and_module_are_404(learner_client, imported_course):
    assert learner_client.get("/courses/nope/").status_code == 404
    assert learner_client.get("/courses/test-course/nope/").status_code == 404


def test_module_page_requires_login(client, imported_course):
    response = client.get("/courses/test-course/m-1-2/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/courses/test-course/m-1-2/")


def test_module_page_has_body_toc_breadcrumbs_and_neighbours(learner_client, imported_course):
    page = learner_client.get("/courses/test-course/m-1-2/").content.decode()
    assert "模块 m-1-2 的正文" in page
    assert 'href="#第一节"' in page
    assert 'aria-label="面包屑导航"' in page
    assert 'rel="prev" href="/courses/test-course/m-1-1/"' in page
    assert 'rel="next" href="/courses/test-course/m-1-3/"' in page
    assert "第 2 / 3 个模块" in page


def test_archived_module_is_hidden(learner_client, imported_course, course_dir):
    from tests.coursebuilder import module_file

    module_file(course_dir, 1, 3).unlink()
    call_command("import_content", str(course_dir.parent))
    assert learner_client.get("/courses/test-course/m-1-3/").status_code == 404
    page = learner_client.get("/courses/test-course/").content.decode()
    assert "m-1-3" not in page


def queries_for(client, url: str) -> list[dict]:
    """Queries for the page once a first visit has created the learner's rows."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return context.captured_queries


@pytest.mark.parametrize("url", ["/", "/courses/test-course/", "/courses/test-course/m-1-1/"])
def test_pages_use_the_same_number_of_queries_for_3_or_40_modules(db, tmp_path, learner_client, url):
    small = write_course(tmp_path / "small", slug="test-course", parts=1, modules_per_part=3)
    call_command("import_content", str(small))
    few = len(queries_for(learner_client, url))
    big = write_course(tmp_path / "big", slug="test-course", parts=4, modules_per_part=10)
    call_command("import_content", str(big))
    many = len(queries_for(learner_client, url))
    assert few == many, f"{url}: {few} queries with 3 modules, {many} with 40"
