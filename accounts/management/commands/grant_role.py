from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from accounts.roles import role_grant, role_revoke

ACTOR_LABEL = "manage.py grant_role"  # who the audit log names: a shell has no signed-in user


class Command(BaseCommand):
    help = "Grant (or with --revoke, take away) a role: learner, trainer or hr."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args, email: str, role: str, revoke: bool, **options):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"no user with email {email}")
        if revoke:
            role_revoke(user=user, role=role, actor_label=ACTOR_LABEL)
            self.stdout.write(f"{email}: role {role} revoked")
        else:
            role_grant(user=user, role=role, actor_label=ACTOR_LABEL)
            self.stdout.write(f"{email}: role {role} granted")
