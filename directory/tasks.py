import logging

from celery import shared_task
from django.conf import settings

from integrations.errors import PlatformUnavailable, RateLimited

from .services import SyncHeld, directory_sync

log = logging.getLogger(__name__)


@shared_task(name="directory.sync", autoretry_for=(PlatformUnavailable, RateLimited), retry_backoff=60,
             max_retries=5)
def directory_sync_task(source: str, confirm: bool = False) -> dict:
    """One source's full reconcile; a held run waits for a person (the held-runs page)."""
    try:
        return directory_sync(source=source, confirm=confirm).plan.summary()
    except SyncHeld as held:
        log.warning("%s", held)
        return {"held": held.run.pk}


def configured_sources() -> list[str]:
    return [s for s in settings.DIRECTORY_SOURCES if s in ("wecom", "dingtalk", "feishu")]


@shared_task(name="directory.person_refresh", autoretry_for=(PlatformUnavailable, RateLimited), retry_backoff=30,
             max_retries=5)
def directory_person_refresh_task(source: str, userid: str) -> None:
    from .services import person_apply
    from .sources import person_fetch

    person_apply(source=source, person=person_fetch(source, userid))


@shared_task(name="directory.person_left")
def directory_person_left_task(source: str, userid: str) -> None:
    from .services import person_left

    person_left(source=source, external_id=userid)
