"""pytest fixtures that start a stand-in and point the settings at it. Import them into a
test package's conftest.py: `from tests.standins.pytest_fixtures import *  # noqa: F403`."""

import pytest

from integrations import ratelimit

from .dingtalk import DingTalkStandin
from .feishu import FeishuStandin
from .wecom import WeComStandin

__all__ = ["dingtalk_standin", "feishu_standin", "fresh_rate_limits", "wecom_standin"]


@pytest.fixture(autouse=True)
def fresh_rate_limits(monkeypatch):
    """Each test starts with empty in-process buckets (they are per process, like a worker's)."""
    monkeypatch.setattr(ratelimit, "_default", ratelimit.LocalBucket())


@pytest.fixture
def wecom_standin(settings):
    server = WeComStandin().start()
    settings.WECOM_BASE_URL = settings.WECOM_LOGIN_BASE_URL = settings.WECOM_OAUTH_BASE_URL = server.base_url
    settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID = server.corp_id, server.agent_id
    settings.WECOM_SECRET = server.secret
    settings.WECOM_CALLBACK_TOKEN, settings.WECOM_CALLBACK_AES_KEY = server.callback_token, server.callback_aes_key
    yield server
    server.stop()


@pytest.fixture
def dingtalk_standin(settings):
    server = DingTalkStandin().start()
    settings.DINGTALK_API_BASE_URL = settings.DINGTALK_OAPI_BASE_URL = server.base_url
    settings.DINGTALK_LOGIN_BASE_URL = server.base_url
    settings.DINGTALK_APP_KEY, settings.DINGTALK_APP_SECRET = server.app_key, server.app_secret
    settings.DINGTALK_AGENT_ID, settings.DINGTALK_CORP_ID = server.agent_id, server.corp_id
    settings.DINGTALK_CALLBACK_TOKEN = server.callback_token
    settings.DINGTALK_CALLBACK_AES_KEY = server.callback_aes_key
    yield server
    server.stop()


@pytest.fixture
def feishu_standin(settings):
    server = FeishuStandin().start()
    settings.FEISHU_BASE_URL = server.base_url
    settings.FEISHU_APP_ID, settings.FEISHU_APP_SECRET = server.app_id, server.app_secret
    settings.FEISHU_VERIFICATION_TOKEN, settings.FEISHU_ENCRYPT_KEY = server.verification_token, server.encrypt_key
    yield server
    server.stop()
