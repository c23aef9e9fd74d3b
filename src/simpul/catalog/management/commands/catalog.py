"""`simpul catalog export CODE` and `simpul catalog import FILE.yaml`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from simpul.catalog.models import Service
from simpul.catalog.services import CatalogImportError, service_export_yaml, service_import_yaml


class Command(BaseCommand):
    help = "Export a service (all versions) to YAML, or import one from YAML (all-or-nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="Print a service with its versions as YAML.")
        exp.add_argument("code", help="service code, e.g. ktp-el-penggantian")
        exp.add_argument("--output", "-o", default="", help="write to this file instead of standard output")
        imp = sub.add_parser("import", help="Create or update a service from a YAML file.")
        imp.add_argument("files", nargs="+", help="YAML file(s)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            service = Service.objects.filter(code=options["code"]).first()
            if service is None:
                raise CommandError(_("No service with code {code}.").format(code=options["code"]))
            text = service_export_yaml(service=service)
            if options["output"]:
                Path(options["output"]).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
            return
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(_("File not found: {path}").format(path=path))
            try:
                service = service_import_yaml(text=path.read_text(encoding="utf-8"), actor=None)
            except CatalogImportError as failed:
                for message in failed.messages:
                    self.stderr.write(f"{path}: {message}")
                raise CommandError(
                    _("{count} problem(s) found in {path}; nothing was imported.").format(
                        count=len(failed.messages), path=path)
                ) from None
            self.stdout.write(_("Imported service {code}.").format(code=service.code))
