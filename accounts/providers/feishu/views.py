import logging
from dataclasses import replace

from allauth.socialaccount.providers.feishu.client import FeishuOAuth2Client
from allauth.socialaccount.providers.feishu.views import FeishuOAuth2Adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings

from integrations.conf import FeishuConfig
from integrations.feishu import FeishuClient

from ..corp import CorpClient, CorpProfile, complete_corp_login, not_a_member

log = logging.getLogger(__name__)


class FeishuLoginClient(CorpClient, FeishuOAuth2Client):
    """allauth's redirect URL (app_id, redirect_uri, state); our code exchange."""


class CorpFeishuAdapter(FeishuOAuth2Adapter):
    @property
    def authorize_url(self) -> str:
        return f"{settings.FEISHU_BASE_URL.rstrip('/')}/open-apis/authen/v1/index"

    def get_client(self, request, app):
        tenant = app.settings.get("tenant_key") or settings.FEISHU_TENANT_KEY
        client = FeishuClient(replace(FeishuConfig.from_settings(), app_id=app.client_id, app_secret=app.secret))

        def exchange(code: str) -> CorpProfile:
            identity = client.login_identity(code)
            if not tenant or identity.tenant != tenant:
                log.warning("Feishu sign-in from tenant %r refused (FEISHU_TENANT_KEY is %r)", identity.tenant, tenant)
                raise not_a_member()  # signed in to another company's Feishu
            if not identity.userid:
                return CorpProfile(userid="", tenant=identity.tenant)
            return CorpProfile.from_person(client.user(identity.userid), tenant=identity.tenant)

        return FeishuLoginClient(request, app.client_id, app.secret, "POST", "", self.get_callback_url(request, app),
                                 exchange=exchange)

    def complete_login(self, request, app, token, **kwargs):
        return complete_corp_login(self, request, kwargs["response"])


oauth2_login = OAuth2LoginView.adapter_view(CorpFeishuAdapter)
oauth2_callback = OAuth2CallbackView.adapter_view(CorpFeishuAdapter)
