"""Company OIDC sign-in against a real OpenID Connect provider (django-oidc-provider in its own
process on loopback): discovery, code flow with PKCE, the ID token's signature, the nonce, and
expired or forged tokens refused; linking by verified email only."""

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import time_machine
from allauth.socialaccount.models import SocialApp
from django.contrib.sites.models import Site

from accounts.models import User
from accounts.providers.oidc.views import CompanyOIDCAdapter
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, SECRET = "ops-academy", "idp-client-secret"
CALLBACK = "http://testserver/accounts/oidc/login/callback/"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    db = tmp_path_factory.mktemp("idp") / "idp.sqlite3"
    process = subprocess.Popen([sys.executable, "-m", "tests.oidc_idp.serve", str(db), CLIENT_ID, SECRET, CALLBACK],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        port = process.stdout.readline().strip()  # printed once it is listening
        assert port.isdigit(), "the test OpenID provider did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oidc_app(db, issuer, settings):
    settings.OIDC_EMPLOYEE_NO_CLAIM = "employee_number"
    app = SocialApp.objects.create(provider="openid_connect", provider_id="oidc", name="Corp SSO",
                                   client_id=CLIENT_ID, secret=SECRET, settings={"server_url": issuer})
    app.sites.add(Site.objects.get_current())
    return app


def idp_sign_in(client, username: str = "alice") -> tuple[str, dict]:
    """Start at our login, sign in at the IdP, come back: (callback path, callback query)."""
    start = client.post("/accounts/oidc/login/")
    assert start.status_code == 302, start.content[:300]
    with httpx.Client(follow_redirects=False) as idp:
        to_login = idp.get(start["Location"])
        login_url = httpx.URL(start["Location"]).join(to_login.headers["Location"])
        signed_in = idp.post(login_url, data={"username": username, "password": "idp-pass",
                                              "next": login_url.params["next"]})
        back = idp.get(login_url.join(signed_in.headers["Location"]))
    location = httpx.URL(back.headers["Location"])
    return location.path, dict(location.params)


def signed_in(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_code_flow_with_pkce_and_nonce_creates_the_account(client, oidc_app, issuer):
    start = client.post("/accounts/oidc/login/")
    params = httpx.URL(start["Location"]).params
    assert str(httpx.URL(start["Location"]).copy_with(query=None)) == f"{issuer}/authorize"  # from discovery
    assert params["code_challenge_method"] == "S256" and params["nonce"] and params["code_challenge"]
    path, query = idp_sign_in(client)
    response = client.get(path, query)
    assert response.status_code == 302 and response["Location"] == "/me/"
    user = signed_in(client)
    assert (user.email, user.employee_no) == ("alice@corp.example", "A100")


def test_a_verified_email_links_the_existing_account(client, oidc_app):
    existing = UserFactory(email="alice@corp.example")
    path, query = idp_sign_in(client)
    client.get(path, query)
    assert signed_in(client) == existing


def test_an_unverified_email_never_links(client, oidc_app):
    boss = UserFactory(email="boss@corp.example", is_staff=True)
    path, query = idp_sign_in(client, "mallory")  # claims boss@corp.example, email_verified false
    client.get(path, query)
    user = signed_in(client)
    assert user is not None and user != boss and user.email.endswith("@directory.invalid")


def test_an_expired_id_token_is_refused(client, oidc_app, caplog):
    path, query = idp_sign_in(client)
    with time_machine.travel(time.time() + 120, tick=True):  # the ID token lives 60 s, the state 600 s
        response = client.get(path, query)
    assert response.status_code == 401 and signed_in(client) is None
    assert "Invalid id_token" in caplog.text


def test_a_forged_id_token_is_refused(client, oidc_app, monkeypatch, caplog):
    real = CompanyOIDCAdapter.get_access_token_data

    def tampered(self, *args, **kwargs):
        data = real(self, *args, **kwargs)
        header, payload, signature = data["id_token"].split(".")
        data["id_token"] = ".".join([header, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"),
                                     signature])
        return data

    monkeypatch.setattr(CompanyOIDCAdapter, "get_access_token_data", tampered)
    path, query = idp_sign_in(client)
    assert client.get(path, query).status_code == 401 and signed_in(client) is None
    assert "Invalid id_token" in caplog.text


def test_an_id_token_from_another_sign_in_attempt_is_refused(client, oidc_app, monkeypatch, caplog):
    """A genuine, validly signed token replayed into another attempt: its nonce is not ours."""
    captured = {}
    real = CompanyOIDCAdapter.get_access_token_data

    def capture(self, *args, **kwargs):
        captured.update(real(self, *args, **kwargs))
        return captured

    monkeypatch.setattr(CompanyOIDCAdapter, "get_access_token_data", capture)
    path, query = idp_sign_in(client)
    client.get(path, query)
    client.logout()
    first_token = dict(captured)

    def replay(self, request, app, client_, pkce_code_verifier=None):
        real(self, request, app, client_, pkce_code_verifier=pkce_code_verifier)  # sets this attempt's nonce
        return first_token

    monkeypatch.setattr(CompanyOIDCAdapter, "get_access_token_data", replay)
    path, query = idp_sign_in(client)
    assert client.get(path, query).status_code == 401 and signed_in(client) is None
    assert "nonce does not match" in caplog.text


def test_pkce_binds_the_code_to_the_attempt(client, oidc_app, caplog):
    """A code from one attempt, presented with another attempt's state (and so its verifier),
    is refused by the provider's PKCE check."""
    path, first = idp_sign_in(client)
    _, second = idp_sign_in(client)
    response = client.get(path, {"code": first["code"], "state": second["state"]})
    assert response.status_code == 401 and signed_in(client) is None
    assert "invalid_grant" in caplog.text
