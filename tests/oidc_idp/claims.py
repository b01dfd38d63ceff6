"""The test users' claims: `last_name` holds the employee number, `first_name` says whether the
email counts as verified (a stand-in for the IdP's own verification)."""


def userinfo(claims, user):
    claims["name"] = user.get_full_name() or user.username
    claims["email"] = user.email
    claims["email_verified"] = user.first_name == "verified"
    return claims


def id_token_hook(id_token, user, **kwargs):
    id_token["employee_number"] = user.last_name
    return id_token
