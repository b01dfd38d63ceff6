"""Company sign-in in a real browser: the sign-in page's 企业微信 button, the platform's QR page
(the stand-in, where the member "scans"), back to us and onto 我的学习."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.contrib.sites.models import Site

from tests.standins.pytest_fixtures import wecom_standin  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def wecom_app(transactional_db, wecom_standin, settings):  # noqa: F811
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives,
                                                       "form-action": ["'self'", wecom_standin.base_url]}}
    app = SocialApp.objects.create(provider="wecom", name="企业微信", client_id=wecom_standin.corp_id,
                                   secret=wecom_standin.secret, key=wecom_standin.agent_id)
    app.sites.add(Site.objects.get_current())
    return wecom_standin


def test_qr_sign_in_lands_on_my_learning(page, live_server, wecom_app, shoot):
    wecom_app.scanning_user = "lina"
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="企业微信").click()
    page.get_by_role("button", name="继续").click()
    page.wait_for_url(f"{live_server.url}/me/")
    assert page.get_by_role("heading", name="我的学习").is_visible()
    assert "李娜" in page.locator("header").inner_text()
    shoot(page, "company-signin-my-learning")
    assert page.js_errors == []
