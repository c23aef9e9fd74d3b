"""`simpul documents_ca init [--force]`: make the regency CA and signing key (docs/documents.md);
`simpul documents_ca status`: where the key material is and until when the certificates hold; `simpul documents_ca
crl`: reissue the CRL (yearly, from the schedule or by hand). Never prints a key."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand, CommandError, CommandParser

from simpul.documents.ca import ca_files, ca_init, crl_issue


class Command(BaseCommand):
    help = "Manage the regency's own signing CA (local signing backend)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["init", "status", "crl"])
        parser.add_argument("--force", action="store_true", help="init: replace an existing CA (rotation)")

    def handle(self, *args: Any, **options: Any) -> None:
        files = ca_files()
        if options["what"] == "init":
            try:
                target = ca_init(force=options["force"])
            except FileExistsError as exc:
                raise CommandError(f"{exc}; use --force to rotate (keep the old ca.pem as a trust root)") from None
            self.stdout.write(f"CA and signing key written to {target} (keys mode 0600)")
        elif options["what"] == "status":
            if not files.present():
                raise CommandError("no signing key material (run `simpul documents_ca init`)")
            for label, path in (("signing certificate", files.cert), ("CA certificate", files.ca_cert)):
                cert = x509.load_pem_x509_certificate(path.read_bytes())
                self.stdout.write(f"{label}: {path} ({cert.subject.rfc4514_string()}, "
                                  f"valid until {cert.not_valid_after_utc:%Y-%m-%d})")
            crl = x509.load_der_x509_crl(files.crl.read_bytes())
            self.stdout.write(f"CRL: {files.crl} (next update {crl.next_update_utc:%Y-%m-%d})")
        else:
            if files.ca_key is None or not files.ca_key.exists():
                raise CommandError("the CA key is not here: reissue the CRL where the CA key is kept")
            ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
            ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
            old = x509.load_der_x509_crl(files.crl.read_bytes())
            files.crl.write_bytes(crl_issue(ca_cert=ca_cert, ca_key=ca_key,  # type: ignore[arg-type]
                                            revoked_serials=tuple(r.serial_number for r in old)))
            self.stdout.write(f"CRL reissued: {files.crl}")
