"""Per-platform settings as plain dataclasses, read from Django settings (which read the
environment: see the README's configuration table)."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class WeComConfig:
    base_url: str
    corp_id: str
    agent_id: str
    secret: str
    callback_token: str = ""
    callback_aes_key: str = ""
    account_limit: int = 0  # seats bought; 0 leaves the daily per-app cap unenforced
    employee_no_attr: str = "工号"  # WeCom has no employee-number field: read this extattr

    @classmethod
    def for_contacts(cls) -> "WeComConfig":
        """The contacts-sync secret reads the whole directory; the app secret only its scope."""
        return cls.from_settings(secret=settings.WECOM_CONTACTS_SECRET or settings.WECOM_SECRET)

    @classmethod
    def from_settings(cls, *, secret: str | None = None) -> "WeComConfig":
        return cls(
            base_url=settings.WECOM_BASE_URL, corp_id=settings.WECOM_CORP_ID, agent_id=settings.WECOM_AGENT_ID,
            secret=settings.WECOM_SECRET if secret is None else secret,
            callback_token=settings.WECOM_CALLBACK_TOKEN, callback_aes_key=settings.WECOM_CALLBACK_AES_KEY,
            account_limit=settings.WECOM_ACCOUNT_LIMIT,
        )


@dataclass(frozen=True)
class DingTalkConfig:
    api_base_url: str  # new-style API (api.dingtalk.com)
    oapi_base_url: str  # classic topapi (oapi.dingtalk.com)
    app_key: str
    app_secret: str
    agent_id: str
    corp_id: str = ""
    callback_token: str = ""
    callback_aes_key: str = ""

    @classmethod
    def from_settings(cls) -> "DingTalkConfig":
        return cls(
            api_base_url=settings.DINGTALK_API_BASE_URL, oapi_base_url=settings.DINGTALK_OAPI_BASE_URL,
            app_key=settings.DINGTALK_APP_KEY, app_secret=settings.DINGTALK_APP_SECRET,
            agent_id=settings.DINGTALK_AGENT_ID, corp_id=settings.DINGTALK_CORP_ID,
            callback_token=settings.DINGTALK_CALLBACK_TOKEN, callback_aes_key=settings.DINGTALK_CALLBACK_AES_KEY,
        )


@dataclass(frozen=True)
class FeishuConfig:
    base_url: str
    app_id: str
    app_secret: str
    verification_token: str = ""
    encrypt_key: str = ""

    @classmethod
    def from_settings(cls) -> "FeishuConfig":
        return cls(
            base_url=settings.FEISHU_BASE_URL, app_id=settings.FEISHU_APP_ID, app_secret=settings.FEISHU_APP_SECRET,
            verification_token=settings.FEISHU_VERIFICATION_TOKEN, encrypt_key=settings.FEISHU_ENCRYPT_KEY,
        )
