"""End to end: a learner signs in, opens the course and reads a module."""

import pytest
from allauth.account.models import EmailAddress

from tests.browser.conftest import PHONE
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def verified_learner(transactional_db):
    user = UserFactory(email="reader@example.com", display_name="读者")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_learner_signs_in_opens_the_course_and_reads_a_module(
        page, live_server, real_course, verified_learner, sign_in, shoot):
    sign_in(page, "reader@example.com")
    assert page.get_by_role("link", name="读者").is_visible()

    page.get_by_role("link", name="运营经理培训").first.click()
    page.wait_for_url("**/courses/ops-manager/")
    assert page.get_by_role("heading", name="运营经理培训", level=1).is_visible()
    shoot(page, "outline-desktop")

    page.get_by_role("link", name="运营管理基础理论").click()
    page.wait_for_url("**/courses/ops-manager/ops-theory/")
    assert page.get_by_role("heading", name="运营管理基础理论", level=1).is_visible()
    assert page.locator(".prose h2").count() >= 3
    assert page.locator("nav.toc a").count() >= 3
    shoot(page, "module-desktop")

    page.get_by_role("link", name="下一个").click()
    page.wait_for_url("**/courses/ops-manager/core-competencies/")
    assert page.js_errors == []

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/courses/ops-manager/ops-theory/")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, "the module page scrolls sideways on a phone"
    shoot(page, "module-phone")


def test_anonymous_visitor_is_sent_to_sign_in(page, live_server, real_course):
    page.goto(f"{live_server.url}/courses/ops-manager/ops-theory/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", name="登录").is_visible()


def test_language_switch_to_english(page, live_server, real_course):
    page.goto(f"{live_server.url}/")
    page.get_by_label("语言").select_option("en")
    with page.expect_navigation():
        page.locator(".language-form").get_by_role("button").click()
    assert page.get_by_role("heading", name="Course catalogue").is_visible()
