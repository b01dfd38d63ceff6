"""Every allauth email we send has our own subject and body, in the reader's language, with the
product's name from settings (the Sites row a migration writes), never example.com."""

import re
from datetime import UTC, datetime

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.test import RequestFactory
from django.utils import translation

from tests.factories import UserFactory

LINK = "http://127.0.0.1:8000/accounts/confirm-email/MQ:abc/"
NOTIFICATION = {"ip": "10.1.2.3", "user_agent": "Chromium", "timestamp": datetime(2026, 12, 1, 9, 30, tzinfo=UTC)}
EMAILS = {
    "email_confirmation": {"activate_url": LINK},
    "email_confirmation_signup": {"activate_url": LINK},
    "password_reset_key": {"password_reset_url": LINK},
    "account_already_exists": {"password_reset_url": LINK},
    "unknown_account": {"signup_url": LINK},
    "password_changed": NOTIFICATION,
    "password_set": NOTIFICATION,
    "password_reset": NOTIFICATION,
    "email_changed": {**NOTIFICATION, "from_email": "old@ops.test", "to_email": "new@ops.test"},
    "email_deleted": {**NOTIFICATION, "deleted_email": "old@ops.test"},
    "email_confirm": NOTIFICATION,
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def rendered(prefix: str, values: dict, language: str):
    request = RequestFactory().get("/")
    user = UserFactory(email=f"{prefix}-{language}@ops.test")
    with translation.override(language), allauth_context.request_context(request):
        return get_adapter().render_mail(f"account/email/{prefix}", user.email, {
            "user": user, "email": user.email, "current_site": Site.objects.get_current(), **values})


def without_data(text: str) -> str:
    """What is left once the links, addresses, times, the browser and the product name are gone
    (and "IP", which Chinese writes as it is: IP 地址)."""
    text = text.replace(settings.SITE_NAME, "")
    return re.sub(r"https?://\S+|\S+@\S+|\d[\d.:\- ]*|Chromium|[AP]M|UTC|\bIP\b", " ", text)


@pytest.mark.django_db
def test_the_site_row_comes_from_settings():
    site = Site.objects.get_current()
    assert site.name == settings.SITE_NAME and site.domain == "127.0.0.1:8000"


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", EMAILS)
def test_chinese_email_has_no_english_and_no_example_com(prefix):
    message = rendered(prefix, EMAILS[prefix], "zh-hans")
    subject, body = message.subject, message.body
    assert subject.startswith(f"[{settings.SITE_NAME}] ") and CJK.search(subject)
    assert "example.com" not in subject + body and settings.SITE_NAME in body
    assert not re.search(r"[A-Za-z]{2,}", without_data(subject + body)), without_data(subject + body)


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", EMAILS)
def test_english_email_is_english(prefix):
    message = rendered(prefix, EMAILS[prefix], "en")
    assert "example.com" not in message.subject + message.body
    assert not CJK.search(without_data(message.subject + message.body))
    assert message.body.startswith("Hello,")


def test_signup_sends_our_confirmation_with_the_link(client, db):
    client.post("/accounts/signup/", {"email": "li@ops.test", "password1": "a-long-pass-2026",
                                      "password2": "a-long-pass-2026", "display_name": "小李"})
    (message,) = mail.outbox
    assert message.subject == f"[{settings.SITE_NAME}] 请确认你的邮箱地址"
    assert "请打开下面的链接完成确认" in message.body and "/accounts/confirm-email/" in message.body
    assert "example.com" not in message.body and "Hello" not in message.body
