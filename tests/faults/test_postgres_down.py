"""PostgreSQL stopped and started under a running gunicorn (both this test's own): every request
gets the branded 503 "稍后再试" page with Retry-After while it is down (never the plain 500), and
the same worker serves pages again once it is back, without a restart."""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.faults.services import PostgresServer, accepts, free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-pass-2026"


class Site:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def sign_in(self, email: str) -> int:
        _, _, page = self.request("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _, _ = self.request("/accounts/login/", {"csrfmiddlewaretoken": token, "login": email,
                                                         "password": PASSWORD})
        return status


@pytest.fixture(scope="module")
def stack():
    database = PostgresServer()
    database.init()
    database.start()
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database.url,
           "ACCOUNT_EMAIL_VERIFICATION": "none", "REDIS_URL": ""}
    server = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=300)
        subprocess.run([sys.executable, "manage.py", "shell", "-c",
                        "from accounts.models import User; "
                        f"User.objects.create_user(email='learner@example.com', password='{PASSWORD}')"],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
                                   f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: accepts(port), "gunicorn")
        yield database, Site(f"http://127.0.0.1:{port}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        database.stop()
        database.remove()


def test_database_down_gives_the_branded_503_and_the_site_recovers_by_itself(stack):
    database, site = stack
    # Given a signed-in learner on a working site
    assert site.sign_in("learner@example.com") == 200
    assert site.request("/me/")[0] == 200
    # When PostgreSQL stops
    database.stop()
    try:
        # Then pages, sign-in and form posts get the site's 503 page in Chinese, with Retry-After
        for path, data in (("/me/", None), ("/", None), ("/accounts/login/", {"login": "x@example.com"})):
            status, headers, page = site.request(path, data)
            assert status == 503, (path, status, page[:300])
            assert headers.get("Retry-After") == "30"
            assert "稍后再试" in page and "运营学院" in page and "Server Error" not in page
    finally:
        # When it is back
        database.start()
    # Then the same gunicorn worker serves the learner's pages again
    status, _, page = site.request("/me/")
    assert status == 200 and "稍后再试" not in page
