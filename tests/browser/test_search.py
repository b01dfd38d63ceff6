"""Search in a real browser: the header box, the results page (axe, 1280 px and 390 px), the jump
to the heading."""

from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress

from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import blocking_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(page, live_server, real_course, sign_in):
    user = UserFactory(email="searcher@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    sign_in(page, "searcher@example.com")
    return page


def test_header_search_finds_the_module_and_opens_it_at_the_heading(signed_in, live_server, shoot):
    page = signed_in
    page.goto(f"{live_server.url}/")
    page.get_by_role("searchbox", name="搜索课程内容").fill("留存率")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    first = page.locator(".search-hit-title a").first
    assert "典型运营指标(下)" in first.inner_text()
    assert page.locator(".search-hit mark").count() > 0
    assert blocking_violations(page) == []
    shoot(page, "search-results")
    first.click()
    page.wait_for_load_state()
    assert unquote(page.url).endswith("/courses/ops-manager/metrics-retention/#留存率怎么算")
    assert page.locator("h2#留存率怎么算").is_visible()
    assert page.js_errors == []


def test_results_and_the_header_box_fit_a_phone(signed_in, live_server, shoot):
    page = signed_in
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/search/?q=A%2FB+%E6%B5%8B%E8%AF%95&page=2")
    assert page.locator(".search-hit").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    box = page.get_by_role("searchbox", name="搜索课程内容").bounding_box()
    assert box["width"] >= 120 and box["height"] >= 24  # beside the brand, still roomy
    assert blocking_violations(page) == []
    shoot(page, "search-results-phone")


def test_empty_and_no_result_pages_are_accessible(signed_in, live_server):
    page = signed_in
    for q in ("", "量子纠缠"):
        page.goto(f"{live_server.url}/search/?q={q}")
        assert page.locator("h1").count() == 1
        assert blocking_violations(page) == []
