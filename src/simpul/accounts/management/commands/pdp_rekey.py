"""`simpul pdp_rekey`: re-encrypt every stored NIK under the newest key of SIMPUL_PDP_KEY (key rotation)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from simpul.accounts.models import CitizenProfile


class Command(BaseCommand):
    help = (
        "Re-encrypt personal data (citizen NIKs) under the newest SIMPUL_PDP_KEY. Rotate a key by putting a new "
        "key first in SIMPUL_PDP_KEY (comma-separated, newest first), running this command, then removing the old "
        "key. The look-up hashes do not change (they use SIMPUL_PDP_HASH_KEY)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        size = options["batch_size"]
        total = 0
        last_pk = 0
        while True:
            with transaction.atomic():
                batch = list(
                    CitizenProfile.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .order_by("pk")
                    .only("pk", "nik")[:size]
                )
                if not batch:
                    break
                for profile in batch:
                    # reading decrypted with whichever key fits; writing encrypts with the newest key
                    CitizenProfile.objects.filter(pk=profile.pk).update(nik=profile.nik)
                total += len(batch)
                last_pk = batch[-1].pk
        self.stdout.write(f"re-encrypted {total} NIK(s)")
