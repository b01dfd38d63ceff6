"""allauth's OpenID Connect provider for the company's issuer, swapped in through
SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"], made strict: PKCE always, a nonce
bound to the login attempt, the ID token's signature always checked against the issuer's keys
(allauth skips it when the token came straight from the token endpoint), and the email counted
as verified only when the issuer says `email_verified`."""

import hashlib
import hmac

from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings

from .views import CompanyOIDCAdapter


def nonce_for(code_verifier: str) -> str:
    """The nonce is derived from the attempt's PKCE verifier, which only this browser's session
    holds: an ID token minted for another attempt (or replayed) carries a different nonce."""
    return hmac.new(settings.SECRET_KEY.encode(), f"oidc-nonce:{code_verifier}".encode(), hashlib.sha256).hexdigest()


class CompanyOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = CompanyOIDCAdapter
    pkce_enabled_default = True

    def get_pkce_params(self) -> dict:
        params = super().get_pkce_params()
        if not params:  # an admin turned PKCE off for this app: keep it on, the nonce needs it
            from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge

            params = generate_code_challenge()
        return {**params, "nonce": nonce_for(params["code_verifier"])}

    def get_oauth2_adapter(self, request):
        return self.oauth2_adapter_class(request, self.app.provider_id)


provider_classes = [CompanyOIDCProvider]
