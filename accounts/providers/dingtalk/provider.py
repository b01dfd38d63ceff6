"""allauth's 钉钉 provider, swapped in through SOCIALACCOUNT_PROVIDERS["dingtalk"]["provider_class"]:
same id, login page and callback URL, but the code is exchanged through integrations' client
(base URL from settings) and the person must belong to our corp: the token's corpId must be
DINGTALK_CORP_ID and the unionId must resolve to a userid in our directory. The uid is that
userid (allauth's is the app-scoped openId, which directory sync cannot know)."""

from allauth.socialaccount.providers.dingtalk.provider import DingTalkProvider
from django.utils.translation import gettext_lazy as _

from ..corp import CorpProviderMixin
from .views import CorpDingTalkAdapter


class CorpDingTalkProvider(CorpProviderMixin, DingTalkProvider):
    name = _("DingTalk")
    oauth2_adapter_class = CorpDingTalkAdapter

    def get_auth_params(self):
        # "prompt=consent" is required by login.dingtalk.com/oauth2/auth.
        return {"prompt": "consent", **super().get_auth_params()}


provider_classes = [CorpDingTalkProvider]
