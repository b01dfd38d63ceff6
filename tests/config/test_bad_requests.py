"""Requests the site cannot read get a clear 400, and a database that is down a branded 503;
neither page needs the database or the request body."""

import pytest
from django.db import OperationalError
from django.test import Client

from tests.factories import UserFactory

FORMS = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/i18n/setlang/",
         "/hr/cohorts/new/", "/trainer/courses/test-course/m-1-1/edit/", "/no-such-page/"]


@pytest.fixture
def browser(db):
    """A client that checks CSRF like a browser's session does, with a valid token."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    return client, client.cookies["csrftoken"].value


@pytest.mark.parametrize("url", FORMS)
@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data; charset=latin-1; boundary=xyz",
])
def test_a_form_post_in_another_charset_is_a_clear_400(browser, url, content_type):
    client, token = browser
    body = f"csrfmiddlewaretoken={token}&login=a%40b.c&password=caf%E9".encode()
    response = client.generic("POST", url, body, content_type=content_type, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    assert "必须使用 UTF-8" in response.content.decode()


def test_utf8_form_posts_are_untouched(browser):
    client, token = browser
    UserFactory(email="a@b.c")
    response = client.post("/accounts/login/", {"login": "a@b.c", "password": "wrong"},
                           HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200  # the form, with its error


def test_database_down_is_a_branded_503_that_needs_no_database(learner_client, monkeypatch):
    # Given a database that refuses every connection
    def refuse(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", refuse)
    learner_client.raise_request_exception = False
    # When a signed-in learner opens a page (the session and user need the database)
    response = learner_client.get("/me/")
    monkeypatch.undo()
    # Then they get the site's 503 page in Chinese, with Retry-After
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "稍后再试" in page and "运营学院" in page


def test_database_down_page_follows_the_language_cookie(client, monkeypatch):
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
                        lambda self: (_ for _ in ()).throw(OperationalError("down")))
    client.raise_request_exception = False
    client.cookies["django_language"] = "en"
    response = client.get("/")
    monkeypatch.undo()
    assert response.status_code == 503
    assert "Please try again shortly" in response.content.decode()


def test_other_errors_get_the_branded_500_page(client, db, monkeypatch):
    monkeypatch.setattr("courses.selectors.course_list", lambda: 1 / 0)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "运营学院" in response.content.decode() and "Retry-After" not in response
