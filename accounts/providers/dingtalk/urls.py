from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from .provider import CorpDingTalkProvider

urlpatterns = default_urlpatterns(CorpDingTalkProvider)
