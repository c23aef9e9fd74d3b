"""`simpul cases retention [--dry-run]`: apply (or list) the retention of closed cases."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from simpul.cases.privacy import retention_run


class Command(BaseCommand):
    help = "Case maintenance. `retention`: anonymise closed cases past their retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        retention = sub.add_parser("retention", help="Delete documents and anonymise closed cases past retention.")
        retention.add_argument("--dry-run", action="store_true", help="Only list what would be done.")
        retention.add_argument("--limit", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        references = retention_run(dry_run=dry_run, limit=options["limit"])
        verb = "would be anonymised" if dry_run else "anonymised"
        for reference in references:
            self.stdout.write(f"{reference}: {verb}")
        self.stdout.write(f"{len(references)} case(s) {verb}.")
