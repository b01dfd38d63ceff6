"""What the three IM providers (企业微信, 钉钉, 飞书) share: the member's profile read from the
company's own directory with our app's token, so every field of it is verified by the company;
platform errors shown as sign-in errors; the provider methods that turn that profile into an
allauth SocialLogin. The member's corp userid is the uid, the same id directory sync links."""

from dataclasses import asdict, dataclass

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from integrations.entities import Person
from integrations.errors import PlatformError


@dataclass(frozen=True)
class CorpProfile:
    """A member of the configured company, as its directory describes them."""

    userid: str
    tenant: str
    name: str = ""
    email: str = ""
    mobile: str = ""
    employee_no: str = ""
    job_title: str = ""
    directory_verified: bool = True  # read from the corp directory, not claimed by the person

    @classmethod
    def from_person(cls, person: Person, *, tenant: str) -> "CorpProfile":
        return cls(userid=person.userid, tenant=tenant, name=person.name, email=person.email.strip().lower(),
                   mobile=person.mobile, employee_no=person.employee_no, job_title=person.job_title)

    def as_token_data(self) -> dict:
        # allauth wants an access token; these platforms' codes give none we keep.
        return {"access_token": "-", "profile": asdict(self)}


def not_a_member() -> PermissionDenied:
    return PermissionDenied(_("You are not a member of this company's directory."))


class CorpClient(OAuth2Client):
    """Exchanges the authorization code through integrations' client (base URL from settings,
    shared token cache) instead of allauth's requests-based exchange."""

    def __init__(self, *args, exchange, **kwargs):
        super().__init__(*args, **kwargs)
        self.exchange = exchange

    def get_access_token(self, code, pkce_code_verifier=None, extra_data=None):
        if not code:
            raise OAuth2Error("no authorization code")
        try:
            profile = self.exchange(code)
        except PlatformError as exc:
            raise OAuth2Error(f"{exc.platform} refused the sign-in: {exc.code} {exc.message}") from exc
        if not profile.userid:
            raise not_a_member()
        return profile.as_token_data()


class CorpProviderMixin:
    """The corp userid as the uid; the directory's email as a verified address."""

    def extract_uid(self, data):
        return str(data["userid"])

    def extract_extra_data(self, data):
        return data

    def extract_common_fields(self, data):
        return {"email": data.get("email") or None, "name": data.get("name", "")}

    def extract_email_addresses(self, data):
        email = data.get("email")
        return [EmailAddress(email=email, verified=True, primary=True)] if email else []


def complete_corp_login(adapter, request, response):
    return adapter.get_provider().sociallogin_from_response(request, response["profile"])
