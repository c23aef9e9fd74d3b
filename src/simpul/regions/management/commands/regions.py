from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from simpul.regions.services import RegionImportFailed, region_import


class Command(BaseCommand):
    help = "Manage the region table. `simpul regions import FILE.csv` loads a Kemendagri region file (all-or-nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a region CSV file (columns code,name,level,kind).")
        imp.add_argument("file", help="path of the CSV file")
        imp.add_argument("--source", default="", help="where the data comes from (defaults to the file name)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("File not found: {path}").format(path=path))
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                result = region_import(file=handle, source=options["source"] or path.name)
        except RegionImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("{count} problem(s) found; nothing was imported.").format(count=len(failed.errors))
            ) from None
        except UnicodeDecodeError:
            raise CommandError(_("The file is not UTF-8 text; nothing was imported.")) from None
        self.stdout.write(
            _("Regions imported: {created} new, {updated} updated, {unchanged} unchanged.").format(
                created=result.created, updated=result.updated, unchanged=result.unchanged
            )
        )
