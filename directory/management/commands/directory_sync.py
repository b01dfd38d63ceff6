from django.core.management.base import BaseCommand, CommandError

from integrations.errors import PlatformError

from ...services import SyncHeld, directory_sync


class Command(BaseCommand):
    help = "Reconcile accounts with a company directory (WeCom, DingTalk or Feishu); --dry-run prints the changes."

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, choices=["wecom", "dingtalk", "feishu"])
        parser.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
        parser.add_argument("--confirm", action="store_true",
                            help="apply even when more than DIRECTORY_MAX_DEACTIVATE_SHARE would be deactivated")

    def handle(self, *args, source, dry_run, confirm, **options):
        try:
            result = directory_sync(source=source, dry_run=dry_run, confirm=confirm)
        except SyncHeld as held:
            self._print(held.plan)
            raise CommandError(f"{held} (run again with --confirm)") from held
        except PlatformError as exc:
            raise CommandError(f"{source} refused the directory read: {exc}") from exc
        self._print(result.plan)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{source}: {verb} {result.plan.changes} records")

    def _print(self, plan):
        s = plan.summary()
        self.stdout.write(
            f"departments: {s['departments_upsert']} new or changed, {s['departments_remove']} removed\n"
            f"people: {s['create']} new, {s['update']} changed, {s['deactivate']} to deactivate "
            f"({s['deactivate_share']:.1%} of {s['active_before']} active), {s['reactivate']} to reactivate")
        for row in plan.create[:20]:
            self.stdout.write(f"  + {row.external_id} {row.name} <{row.email or '-'}> {row.employee_no}")
        for user_id, row in plan.update[:20]:
            self.stdout.write(f"  ~ {row.external_id} {row.name} (user {user_id})")
        for user_id in plan.deactivate[:20]:
            self.stdout.write(f"  - user {user_id} leaves")
        for user_id in plan.reactivate[:20]:
            self.stdout.write(f"  ^ user {user_id} returns")
