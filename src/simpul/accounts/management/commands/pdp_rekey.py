"""`simpul pdp_rekey`: re-encrypt stored personal data under the newest key of SIMPUL_PDP_KEY (key rotation)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from simpul.core.pdp import EncryptedTextField, rekey_jobs


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data under the newest SIMPUL_PDP_KEY: every EncryptedTextField of every model, then "
        "the jobs apps registered with simpul.core.pdp.register_rekey. Rotate a key by putting a new key first in "
        "SIMPUL_PDP_KEY (comma-separated, newest first), running this command, then removing the old key. "
        "Look-up hashes do not change (they use SIMPUL_PDP_HASH_KEY)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        for model in apps.get_models():
            names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if names:
                count = self._rekey_model(model, names, options["batch_size"])
                self.stdout.write(f"{model._meta.label}: re-encrypted {count} row(s)")
        for name, job in rekey_jobs():
            with transaction.atomic():
                count = job()
            self.stdout.write(f"{name}: re-encrypted {count} value(s)")

    @staticmethod
    def _rekey_model(model: Any, names: list[str], size: int) -> int:
        total, last_pk = 0, None
        while True:
            with transaction.atomic():
                rows = model._default_manager.select_for_update().order_by("pk").only("pk", *names)
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(rows[:size])
                if not batch:
                    return total
                for obj in batch:
                    # read: decrypted with whichever key fits; write: encrypted with the newest key
                    model._default_manager.filter(pk=obj.pk).update(
                        **{name: getattr(obj, name) for name in names}
                    )
                total += len(batch)
                last_pk = batch[-1].pk
