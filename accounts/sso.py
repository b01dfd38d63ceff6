"""Company sign-in rules: who may still use a password, which existing account a first company
sign-in belongs to, and the profile fields it brings. Reads only; allauth does the writes."""

from dataclasses import dataclass

from django.conf import settings

from .models import User

PLACEHOLDER_DOMAIN = "directory.invalid"  # RFC 2606: never deliverable, never someone's address


def placeholder_email(source: str, uid: str) -> str:
    """People without a work email in the directory still need a unique login address."""
    return f"{source}.{uid}@{PLACEHOLDER_DOMAIN}".lower()


def is_placeholder(email: str) -> bool:
    return email.lower().endswith("@" + PLACEHOLDER_DOMAIN)


def password_login_allowed(user: User) -> bool:
    """With SSO_ONLY, only break-glass admins (superusers or SSO_BREAK_GLASS_EMAILS) use passwords."""
    if not settings.SSO_ONLY:
        return True
    return user.is_superuser or user.email.lower() in settings.SSO_BREAK_GLASS_EMAILS


@dataclass(frozen=True)
class Identity:
    provider: str
    uid: str
    name: str = ""
    verified_email: str = ""  # empty unless the directory or the issuer vouches for it
    employee_no: str = ""  # only from the directory, or an issuer claim named in OIDC_EMPLOYEE_NO_CLAIM
    job_title: str = ""


def identity_of(sociallogin) -> Identity:
    account = sociallogin.account
    verified = [e.email.lower() for e in sociallogin.email_addresses if e.verified and e.email]
    data = account.extra_data or {}
    if account.provider == "openid_connect" or "id_token" in data or "userinfo" in data:
        claims = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
        claim = settings.OIDC_EMPLOYEE_NO_CLAIM
        return Identity(provider=account.provider, uid=account.uid, name=str(claims.get("name", "")),
                        verified_email=verified[0] if verified else "",
                        employee_no=str(claims.get(claim, "")) if claim else "")
    return Identity(provider=account.provider, uid=account.uid, name=data.get("name", ""),
                    verified_email=verified[0] if verified else "", employee_no=data.get("employee_no", ""),
                    job_title=data.get("job_title", ""))


def linkable_user(identity: Identity) -> User | None:
    """The existing account this first sign-in belongs to: same verified email, else same
    employee number. Never by a name or an unverified address."""
    if identity.verified_email:
        user = User.objects.filter(email__iexact=identity.verified_email).first()
        if user is not None:
            return user
    if identity.employee_no:
        return User.objects.filter(employee_no=identity.employee_no).first()
    return None


def profile_fill(*, user: User, identity: Identity) -> None:
    """A new account's fields from the IdP (allauth saves it)."""
    user.email = identity.verified_email or user.email or placeholder_email(identity.provider, identity.uid)
    if not identity.verified_email and not is_placeholder(user.email):
        user.email = placeholder_email(identity.provider, identity.uid)  # an unverified address is not kept
    user.display_name = (identity.name or user.display_name)[:100]
    if identity.employee_no and not User.objects.filter(employee_no=identity.employee_no).exists():
        user.employee_no = identity.employee_no[:40]
    user.job_title = identity.job_title[:100]
