"""What courses announces to the apps above it (ARCHITECTURE.md: courses never imports them)."""

from functools import partial

from django.db import transaction
from django.dispatch import Signal

from .models import Module

# A module's published text, its newest draft or its archived state changed. Sent with
# ``module_id`` once the transaction that changed it has committed (never for a rolled-back save);
# receivers read the module again, so a repeated signal is harmless.
module_changed = Signal()


def module_changed_announce(*, module_id: int) -> None:
    # robust: a listener's failure (say, the search index) must not turn a committed publish into
    # an error page; it is logged, and `search_reindex` repairs the index.
    transaction.on_commit(partial(module_changed.send, sender=Module, module_id=module_id), robust=True)


# A trainer published a material change (courses.changes). Sent with ``revision_id`` after commit;
# progress assigns retraining when the course says `retrain: auto`. A listener that fails is logged
# and HR can still assign the retraining from the report (the affected people are computed there).
material_change = Signal()


def material_change_announce(*, revision_id: int) -> None:
    transaction.on_commit(partial(material_change.send, sender=Module, revision_id=revision_id), robust=True)
