"""allauth's 飞书 provider, swapped in through SOCIALACCOUNT_PROVIDERS["feishu"]["provider_class"]:
same id and URLs; the code is exchanged through integrations' client (Feishu's documented JSON
token request — allauth's client posts a form — and the OIDC access-token endpoint), and the
person must be in our tenant (FEISHU_TENANT_KEY) and readable in our directory. uid = user_id."""

from allauth.socialaccount.providers.feishu.provider import FeishuProvider
from django.utils.translation import gettext_lazy as _

from ..corp import CorpProviderMixin
from .views import CorpFeishuAdapter


class CorpFeishuProvider(CorpProviderMixin, FeishuProvider):
    name = _("Feishu")
    oauth2_adapter_class = CorpFeishuAdapter


provider_classes = [CorpFeishuProvider]
