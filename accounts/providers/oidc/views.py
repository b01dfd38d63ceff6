import hmac

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _


class CompanyOIDCAdapter(OpenIDConnectOAuth2Adapter):
    expected_nonce = ""

    def get_access_token_data(self, request, app, client, pkce_code_verifier=None):
        if not pkce_code_verifier:
            raise OAuth2Error("the sign-in attempt has no PKCE verifier")
        from .provider import nonce_for

        self.expected_nonce = nonce_for(pkce_code_verifier)
        return super().get_access_token_data(request, app, client, pkce_code_verifier=pkce_code_verifier)

    def _decode_id_token(self, app, id_token: str) -> dict:
        claims = jwtkit.verify_and_decode(
            credential=id_token, keys_url=self.openid_config["jwks_uri"], issuer=self.openid_config["issuer"],
            audience=app.client_id, lookup_kid=jwtkit.lookup_kid_jwk, verify_signature=True)
        if not self.expected_nonce or not hmac.compare_digest(str(claims.get("nonce", "")), self.expected_nonce):
            raise OAuth2Error("ID token nonce does not match this sign-in attempt")
        return claims

    def complete_login(self, request, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("the token response has no ID token")
        login = super().complete_login(request, app, token, **kwargs)
        domains = settings.OIDC_ALLOWED_EMAIL_DOMAINS
        email = (login.user.email or "").lower()
        if domains and email.rpartition("@")[2] not in domains:
            raise PermissionDenied(_("Sign in with your company account."))
        return login


def _view(view_class):
    @login_not_required
    def view(request, provider_id):
        try:
            return view_class.adapter_view(CompanyOIDCAdapter(request, provider_id))(request)
        except SocialApp.DoesNotExist as exc:
            raise Http404 from exc

    return view


login = _view(OAuth2LoginView)
callback = _view(OAuth2CallbackView)
