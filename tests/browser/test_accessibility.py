"""axe-core on the main pages: no serious or critical violation."""

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PHONE
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"] if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("path", ["/", "/courses/ops-manager/", "/accounts/login/", "/accounts/signup/",
                                  "/no-such-page/"])
def test_public_pages_have_no_serious_violations(page, live_server, real_course, path):
    page.goto(f"{live_server.url}{path}")
    assert blocking_violations(page) == []


@pytest.mark.parametrize("path", ["/courses/ops-manager/roi/", "/courses/ops-manager/community-media/",
                                  "/accounts/profile/", "/", "/courses/ops-manager/", "/me/", "/me/mistakes/",
                                  "/trainer/", "/hr/"])
def test_learner_pages_have_no_serious_violations(page, live_server, real_course, sign_in, path):
    user = UserFactory(email="axe@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    sign_in(page, "axe@example.com")
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert blocking_violations(page) == []
    page.set_viewport_size(PHONE)
    assert blocking_violations(page) == []
