from dataclasses import replace

from allauth.socialaccount.providers.oauth2.views import OAuth2Adapter, OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.utils.http import urlencode

from integrations.conf import WeComConfig
from integrations.wecom import WeComClient

from ..corp import CorpClient, CorpProfile, complete_corp_login


def in_wecom_client(request) -> bool:
    """WeCom's in-app browser says so in its User-Agent ("wxwork/4.x")."""
    return "wxwork" in request.headers.get("User-Agent", "").lower()


def wecom_config(app) -> WeComConfig:
    """The app's corp id, agent id and secret from the SocialApp (env or admin); the rest from settings."""
    return replace(WeComConfig.from_settings(), corp_id=app.client_id, secret=app.secret,
                   agent_id=app.key or settings.WECOM_AGENT_ID)


class WeComLoginClient(CorpClient):
    def __init__(self, *args, agent_id: str, in_client: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.agent_id, self.in_client = agent_id, in_client

    def get_redirect_url(self, authorization_url, scope, extra_params) -> str:
        if self.in_client:
            # https://developer.work.weixin.qq.com/document/path/91022 (构造网页授权链接)
            params = {"appid": self.consumer_key, "redirect_uri": self.callback_url, "response_type": "code",
                      "scope": "snsapi_base", "state": self.state, "agentid": self.agent_id}
            return f"{authorization_url}?{urlencode(params)}#wechat_redirect"
        # https://developer.work.weixin.qq.com/document/path/98152 (企业微信Web登录)
        params = {"login_type": "CorpApp", "appid": self.consumer_key, "agentid": self.agent_id,
                  "redirect_uri": self.callback_url, "state": self.state}
        return f"{authorization_url}?{urlencode(params)}"


class WeComOAuth2Adapter(OAuth2Adapter):
    provider_id = "wecom"
    access_token_url = ""  # no token exchange: the code goes to auth/getuserinfo

    @property
    def authorize_url(self) -> str:
        if in_wecom_client(self.request):
            return f"{settings.WECOM_OAUTH_BASE_URL.rstrip('/')}/connect/oauth2/authorize"
        return f"{settings.WECOM_LOGIN_BASE_URL.rstrip('/')}/wwlogin/sso/login"

    def get_client(self, request, app):
        client = WeComClient(wecom_config(app))

        def exchange(code: str) -> CorpProfile:
            identity = client.login_identity(code)
            if not identity.userid:  # an openid only: not a member of this corp
                return CorpProfile(userid="", tenant=identity.tenant)
            return CorpProfile.from_person(client.user(identity.userid), tenant=identity.tenant)

        return WeComLoginClient(request, app.client_id, app.secret, "GET", "", self.get_callback_url(request, app),
                                exchange=exchange, agent_id=wecom_config(app).agent_id,
                                in_client=in_wecom_client(request))

    def complete_login(self, request, app, token, **kwargs):
        return complete_corp_login(self, request, kwargs["response"])


oauth2_login = OAuth2LoginView.adapter_view(WeComOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WeComOAuth2Adapter)
