"""What every signing backend offers: `sign(pdf, ...) -> signed pdf`, or `SigningError` with a message the officer
can read (translated, never the passphrase or a key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings

from simpul.core.registry import NotRegistered, Registry


class SigningError(Exception):
    """The document could not be signed; `str(error)` is a translated sentence for the officer."""


@dataclass(frozen=True)
class SignerIdentity:
    """Who signs: shown in the visible signature block and, for BSrE, the NIK and passphrase of the certificate
    holder (given at signing time, never stored)."""

    name: str
    jabatan: str = ""
    nip: str = ""
    nik: str = ""
    passphrase: str = ""

    def __repr__(self) -> str:  # never the NIK or the passphrase in a log line or a traceback
        return f"SignerIdentity(name={self.name!r}, jabatan={self.jabatan!r})"


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: page index (0-based) and the box in PDF points (x1, y1, x2, y2)."""

    page: int
    box: tuple[int, int, int, int]


class SigningBackend:
    """Base class. Subclass, set `name` (and `certified`), implement `sign`, decorate with `@registry.register`."""

    name: ClassVar[str] = ""
    # A certified electronic signature (TTE) under PP 71/2019: only a backend of a certified provider (BSrE).
    certified: ClassVar[bool] = False

    def sign(self, pdf: bytes, *, signer: SignerIdentity, box: SignatureBox | None, reason: str,
             location: str) -> bytes:
        """`pdf` signed as PAdES; a visible block in `box` (None: invisible)."""
        raise SigningError(f"signing backend {self.name!r} cannot sign")


registry: Registry[type[SigningBackend]] = Registry("signing backend")


def backend(name: str | None = None) -> SigningBackend:
    """The configured backend (`settings.DOCUMENTS_SIGNING_BACKEND`), or the one named."""
    chosen = name or settings.DOCUMENTS_SIGNING_BACKEND
    try:
        return registry.get(chosen)()
    except NotRegistered:
        raise NotRegistered(f"no signing backend named {chosen!r} (SIMPUL_SIGNING_BACKEND)") from None
