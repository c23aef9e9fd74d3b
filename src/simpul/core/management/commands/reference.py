from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from simpul.core.loaders import loaders


class Command(BaseCommand):
    help = "Load the reference data every installation needs (regions, agencies, frameworks...). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        for app, load in loaders("reference"):
            with transaction.atomic():
                load(stdout=self.stdout)
            self.stdout.write(f"reference data loaded: {app}")
