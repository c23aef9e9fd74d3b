"""`simpul backup_record DIR`: note in the audit log that a backup was written to DIR (`scripts/backup.sh` calls
it after a successful backup; the admin home shows the last one)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from simpul.core.checkups import backup_record


class Command(BaseCommand):
    help = "Record in the audit log that a backup was written (scripts/backup.sh runs it after each backup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", help="the folder the backup was written to")

    def handle(self, *args: Any, **options: Any) -> None:
        backup_record(destination=str(options["destination"]))
        self.stdout.write(f"backup recorded: {options['destination']}")
