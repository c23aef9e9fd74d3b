"""`simpul assessment score --framework spbe-2020 FILE.csv` and `simpul assessment validate FILE.yaml`.

`score` reads `indicator_no,level` rows and prints JSON with the index, the predicate and every section's score,
using the same code as the pages (`simpul.assessment.spbe`). Frameworks are taken from the database when
loaded there (`simpul reference`), otherwise from the shipped data files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from simpul.assessment.frameworks import FrameworkError, load_framework_file, shipped_framework
from simpul.assessment.selectors import framework_spec_by_slug
from simpul.assessment.spbe import ScoreInputError, compute_index, parse_levels, read_levels_csv


class Command(BaseCommand):
    help = "Assessment tools: score a CSV of indicator levels, or validate a framework file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        score = sub.add_parser("score", help="Print the index of a CSV of indicator_no,level as JSON.")
        score.add_argument("--framework", default="spbe-2020", help="framework code-version, e.g. spbe-2020")
        score.add_argument("--allow-missing", action="store_true",
                           help="score sections even when indicators are missing (the index stays empty)")
        score.add_argument("file", help="CSV file with indicator_no,level ('-' reads standard input)")
        validate = sub.add_parser("validate", help="Validate a framework file without saving anything.")
        validate.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "validate":
            try:
                spec = load_framework_file(Path(options["file"]))
            except FrameworkError as exc:
                raise CommandError("framework refused:\n- " + "\n- ".join(exc.problems)) from exc
            self.stdout.write(f"ok: {spec.slug}, {len(spec.sections)} sections, {len(spec.items)} items")
            return
        spec = self._framework(options["framework"])
        if options["file"] == "-":
            import sys

            text = sys.stdin.read()
        else:
            try:
                text = Path(options["file"]).read_text(encoding="utf-8-sig")
            except OSError as exc:
                raise CommandError(f"cannot read {options['file']}: {exc}") from exc
        try:
            levels = parse_levels(spec, read_levels_csv(text))
        except ScoreInputError as exc:
            raise CommandError("input refused:\n- " + "\n- ".join(exc.problems)) from exc
        result = compute_index(spec, levels)
        if result.missing and not options["allow_missing"]:
            raise CommandError(
                "missing levels for indicators: " + ", ".join(result.missing)
                + " (use --allow-missing to score the sections anyway)"
            )
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))

    def _framework(self, slug: str) -> Any:
        try:
            spec = framework_spec_by_slug(slug=slug)
        except Exception:  # no database yet (fresh checkout): fall back to the shipped files
            spec = None
        if spec is not None:
            return spec
        try:
            return shipped_framework(slug)
        except FrameworkError as exc:
            raise CommandError(str(exc)) from exc
