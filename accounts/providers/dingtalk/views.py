import logging
from dataclasses import replace

from allauth.socialaccount.providers.dingtalk.views import DingTalkOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings

from integrations.conf import DingTalkConfig
from integrations.dingtalk import DingTalkClient

from ..corp import CorpClient, CorpProfile, complete_corp_login, not_a_member

log = logging.getLogger(__name__)


def dingtalk_config(app) -> DingTalkConfig:
    corp_id = app.settings.get("corp_id") or settings.DINGTALK_CORP_ID
    return replace(DingTalkConfig.from_settings(), app_key=app.client_id, app_secret=app.secret, corp_id=corp_id)


class CorpDingTalkAdapter(DingTalkOAuth2Adapter):
    @property
    def authorize_url(self) -> str:
        return f"{settings.DINGTALK_LOGIN_BASE_URL.rstrip('/')}/oauth2/auth"

    def get_client(self, request, app):
        config = dingtalk_config(app)
        client = DingTalkClient(config)

        def exchange(code: str) -> CorpProfile:
            identity = client.oauth_identity(code)
            if not config.corp_id or identity.tenant != config.corp_id:
                log.warning("DingTalk sign-in from corp %r refused (DINGTALK_CORP_ID is %r)", identity.tenant,
                            config.corp_id)
                raise not_a_member()  # another organisation's DingTalk account
            if not identity.userid:
                return CorpProfile(userid="", tenant=identity.tenant)
            return CorpProfile.from_person(client.user(identity.userid), tenant=identity.tenant)

        return CorpClient(request, app.client_id, app.secret, "POST", "", self.get_callback_url(request, app),
                          exchange=exchange)

    def complete_login(self, request, app, token, **kwargs):
        return complete_corp_login(self, request, kwargs["response"])


oauth2_login = OAuth2LoginView.adapter_view(CorpDingTalkAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(CorpDingTalkAdapter)
