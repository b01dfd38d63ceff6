"""企业微信 sign-in on allauth's OAuth2 base (allauth ships none). One flow, two doors: desktop
browsers get WeCom's web login page (QR scan, or one click in a WeCom desktop client that is
signed in); inside the WeCom client the in-app OAuth page answers silently (免登). Both end with a
code that auth/getuserinfo turns into the member's userid — only members of our corp get one."""

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.utils.translation import gettext_lazy as _

from ..corp import CorpProviderMixin
from .views import WeComOAuth2Adapter


class WeComAccount(ProviderAccount):
    def to_str(self):
        return self.account.extra_data.get("name") or super().to_str()


class WeComProvider(CorpProviderMixin, OAuth2Provider):
    id = "wecom"
    name = _("WeCom")
    account_class = WeComAccount
    oauth2_adapter_class = WeComOAuth2Adapter

    def get_default_scope(self):
        return ["snsapi_base"]


provider_classes = [WeComProvider]
