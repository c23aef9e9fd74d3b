"""Signing throughput: decision letters rendered (PDF/A-3a) and signed (PAdES, local backend) per second, against the
baseline of rendering alone in the same run; and the time to validate one signed letter (the verification page's
upload check). No database: the letter's context is built from plain objects.

    .venv/bin/python bench/bench_documents.py [--letters 20]

Absolute times are indicative only on a shared machine; the ratio is the comparable figure. One office issues
one letter at a time (its counter row is locked while rendering and signing), so letters/s is also the most one
office can issue.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpul.settings")
os.environ.setdefault("SIMPUL_DEBUG", "true")
os.environ.setdefault("SIMPUL_DOCUMENTS_CA_DIR", str(Path(tempfile.mkdtemp(prefix="bench-ca-")) / "ca"))

import django

django.setup()

from django.utils import translation  # noqa: E402

from simpul.core.pdf import PdfMetadata, pdf_render  # noqa: E402
from simpul.documents.letters import letter_context, signature_box  # noqa: E402
from simpul.documents.signing import SignerIdentity, backend  # noqa: E402
from simpul.documents.verification import signature_ok, signature_status  # noqa: E402


def _context(number: int) -> dict:
    agency = SimpleNamespace(name="Dinas Kependudukan dan Pencatatan Sipil", address="Jl. Kolonel Wahid Udin")
    case = SimpleNamespace(agency=agency, applicant_name="Siti Aminah", reference=f"MUBA-26-BENCH{number}",
                           submitted_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
                           service_version=SimpleNamespace(name="Penggantian KTP-el"))
    head = SimpleNamespace(jabatan="Kepala Dinas", on_behalf_of=None, delegation="")
    signer = SimpleNamespace(jabatan="Sekretaris Dinas", delegation="an", on_behalf_of=head, nip="198503032010012003",
                             user=SimpleNamespace(full_name="Rina Petugas"))
    context = letter_context(case=case, letterhead=None, template=None, number=f"400.12/{number}/DISDUKCAPIL/2026",
                             code=f"BENCH{number:05d}", verify_url="https://simpul.example/verifikasi/BENCH/",
                             signer=signer, note="", certified=False)
    context["security"] = "Biasa"
    return context


def _render(number: int) -> bytes:
    return pdf_render(template="documents/letter_pdf.html", context=_context(number), archival=True,
                      metadata=PdfMetadata(title=f"Surat keputusan {number}", archive=(("klasifikasi", "400.12"),)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=20)
    args = parser.parse_args()
    signing = backend("local")
    with translation.override("id"):
        warm = _render(0)  # warm-up: fonts, templates, and the CA (made on first use here)
        signing.sign(warm, signer=SignerIdentity(name="Rina Petugas"), box=signature_box(warm), reason="", location="")
        started = time.perf_counter()
        for i in range(args.letters):
            _render(i)
        render_only = time.perf_counter() - started
        started = time.perf_counter()
        signed = b""
        for i in range(args.letters):
            pdf = _render(i)
            signed = signing.sign(pdf, signer=SignerIdentity(name="Rina Petugas"), box=signature_box(pdf),
                                  reason="Keputusan", location="Sekayu")
        full = time.perf_counter() - started
        started = time.perf_counter()
        ok = signature_ok(signature_status(signed))
        validate = time.perf_counter() - started
    print(f"letters: {args.letters}, {len(signed) / 1024:.1f} KB each")
    print(f"render only:      {args.letters / render_only:6.2f} letters/s")
    print(f"render + sign:    {args.letters / full:6.2f} letters/s  (ratio to render only {render_only / full:.2f}x)")
    print(f"validate one:     {validate * 1000:6.0f} ms (signature valid: {ok})")


if __name__ == "__main__":
    main()
