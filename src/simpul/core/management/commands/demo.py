from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from simpul.core.loaders import DEMO_KABUPATEN_CODE, demo_hook, loaders


class Command(BaseCommand):
    help = (
        "Load the demo (accounts per persona, catalog, sample data), idempotently. "
        "`simpul demo totp EMAIL` prints a demo staff account's current TOTP code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", default="load", choices=["load", "totp"])
        parser.add_argument("email", nargs="?")
        parser.add_argument(
            "--force", action="store_true",
            help=f"Load the demo (Musi Banyuasin's, {DEMO_KABUPATEN_CODE}) even when SIMPUL_KABUPATEN_CODE names "
                 "another kabupaten: Musi Banyuasin's regions and offices come along.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("The demo needs demo mode: set SIMPUL_DEMO_MODE=true (never in production).")
        if options["action"] == "totp":
            totp_code = demo_hook("totp_code")
            if totp_code is None:
                raise CommandError("No app's demo makes staff accounts with TOTP devices.")
            if not options["email"]:
                raise CommandError("usage: simpul demo totp EMAIL")
            self.stdout.write(totp_code(email=options["email"]))
            return
        home = settings.SIMPUL_KABUPATEN_CODE
        if home != DEMO_KABUPATEN_CODE and not options["force"]:
            self.stdout.write(
                f"demo: the demo is Musi Banyuasin's ({DEMO_KABUPATEN_CODE}), not loaded for {home}; "
                "`simpul demo --force` loads it anyway"
            )
            return
        for app, load in loaders("demo"):
            with transaction.atomic():
                load(stdout=self.stdout)
            self.stdout.write(f"demo loaded: {app}")
        # the marker that keeps `.venv/bin/simpul ...` in demo mode on this out-of-the-box installation
        # (settings.DEMO_MODE: honoured only without SIMPUL_SECRET_KEY and DATABASE_URL)
        (Path(settings.VAR_DIR) / "demo-mode").touch()
