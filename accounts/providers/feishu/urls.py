from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from .provider import CorpFeishuProvider

urlpatterns = default_urlpatterns(CorpFeishuProvider)
