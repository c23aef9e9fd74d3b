"""`simpul audit verify [--anchors FILE]`: check the keyed audit chain and name the first broken link.
`simpul audit chain`: link the pending entries now (the worker does it on every pass).
`simpul audit anchor`: write the signed chain head to the log and append it to the anchor file."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from simpul.core.checkups import audit_verify_and_record
from simpul.core.services import audit_anchor, audit_chain


def _read_anchors(path: str) -> list[dict[str, Any]]:
    anchors = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CommandError(f"cannot read the anchor file {path}: {exc.strerror}", returncode=2) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            anchor = json.loads(line)
            anchors.append({"seq": int(anchor["seq"]), "hash": str(anchor["hash"]), "at": str(anchor["at"]),
                            "hmac": str(anchor["hmac"])})
        except (ValueError, KeyError, TypeError):
            raise CommandError(f"line {number} of {path} is not an audit anchor", returncode=2) from None
    return anchors


class Command(BaseCommand):
    help = ("Audit log tools. `simpul audit verify [--anchors FILE]` recomputes the keyed chain (and checks it "
            "still holds every anchored head); exits 1 at the first broken link. `simpul audit chain` links the "
            "pending entries. `simpul audit anchor` writes "
            "the signed chain head to the log and appends it to the anchor file.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute every entry's HMAC and link; exit 1 when the chain is "
                                               "broken.")
        verify.add_argument("--anchors", metavar="FILE", default="",
                            help="an anchor file written by `simpul audit anchor`: every head in it must still "
                                 "be in the chain")
        sub.add_parser("chain", help="Link the entries written since the last pass of the worker into the chain.")
        anchor = sub.add_parser("anchor", help="Write the signed chain head to the log and the anchor file.")
        anchor.add_argument("--file", default="", help=f"default: {settings.AUDIT_ANCHOR_FILE}")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "anchor":
            path = Path(options["file"]) if options["file"] else None
            anchor = audit_anchor(path=path)
            self.stdout.write(f"audit chain anchored: head {anchor['seq']} {anchor['hash']} at {anchor['at']} "
                              f"(appended to {path or settings.AUDIT_ANCHOR_FILE})")
            return
        if options["action"] == "chain":
            linked = total = audit_chain()
            while linked:
                linked = audit_chain()
                total += linked
            self.stdout.write(f"audit chain: {total} pending entries linked")
            return
        anchors = _read_anchors(options["anchors"]) if options["anchors"] else None
        result = audit_verify_and_record(anchors=anchors)  # recorded: the admin home shows the last check
        if not result.ok:
            raise CommandError(
                "audit chain BROKEN at "
                + (f"seq {result.seq}" if result.seq is not None else "a pending entry")
                + f" ({result.problem}): {result.detail}; "
                f"{result.count} entries before it are intact",
                returncode=1,
            )
        suffix = f"; {result.anchors} anchored heads found" if anchors is not None else ""
        if result.pending:
            suffix += f"; {result.pending} newer entries intact, waiting for the chainer"
        self.stdout.write(f"audit chain intact: {result.count} entries verified{suffix}")
