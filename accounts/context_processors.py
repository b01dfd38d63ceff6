from django.conf import settings

from .models import Role


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_trainer": False, "is_hr": False, "is_manager": False, "sso_only": settings.SSO_ONLY}
    return {"is_trainer": user.has_role(Role.TRAINER), "is_hr": user.has_role(Role.HR),
            "is_manager": user.manages_anyone}
