"""`simpul audit verify`: check the hash-chained audit log and name the first broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simpul.core.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Audit log tools. `simpul audit verify` recomputes the hash chain; exits 1 at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute every entry's hash and link; exit 1 when the chain is broken.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify()
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN at seq {result.seq} ({result.problem}): {result.detail}; "
                f"{result.count} entries before it are intact",
                returncode=1,
            )
        self.stdout.write(f"audit chain intact: {result.count} entries verified")
