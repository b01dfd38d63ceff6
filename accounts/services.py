from django.db import transaction

from .models import Role, User
from .roles import role_grant

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ACCOUNTS = [
    ("learner@demo.local", "演示学员", "运营部", [Role.LEARNER]),
    ("trainer@demo.local", "演示讲师", "培训部", [Role.LEARNER, Role.TRAINER]),
    ("hr@demo.local", "演示HR", "人力资源部", [Role.LEARNER, Role.HR]),
]


@transaction.atomic
def demo_accounts_ensure() -> list[User]:
    """Create the demo accounts, or reset their password and roles; never touches other users."""
    from allauth.account.models import EmailAddress

    users = []
    for email, name, department, roles in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            email=email, defaults={"display_name": name, "department": department}
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        for role in roles:
            role_grant(user=user, role=role)
        users.append(user)
    return users
