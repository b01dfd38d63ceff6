import httpx
import pytest
from allauth.socialaccount.models import SocialApp
from django.contrib.sites.models import Site

from tests.standins.pytest_fixtures import *  # noqa: F403


@pytest.fixture
def social_app(db):
    """A provider configured in the admin (Social applications), as an operator would."""

    def make(provider: str, client_id: str, secret: str, **fields) -> SocialApp:
        app = SocialApp.objects.create(provider=provider, name=provider, client_id=client_id, secret=secret, **fields)
        app.sites.add(Site.objects.get_current())
        return app

    return make


def through_platform(client, response):
    """Follow our redirect to the platform's login page (the stand-in: the person scans or
    confirms there), and its redirect back to our callback; return our callback's response."""
    assert response.status_code == 302, response.content[:300]
    platform = httpx.get(response["Location"], follow_redirects=False)
    assert platform.status_code == 302, platform.text
    back = httpx.URL(platform.headers["Location"])
    return client.get(back.path, dict(back.params))
