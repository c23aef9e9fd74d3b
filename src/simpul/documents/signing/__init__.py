"""Signing backends: one base class (`base.SigningBackend`), one module per way of signing, chosen by
`settings.DOCUMENTS_SIGNING_BACKEND` (`local`: the regency CA, the default; `bsre`: BSrE's Esign Client Service)."""

from simpul.documents.signing import bsre, local  # noqa: F401  (register the backends)
from simpul.documents.signing.base import (
    SignatureBox,
    SignerIdentity,
    SigningBackend,
    SigningError,
    backend,
    registry,
)

__all__ = ["SignatureBox", "SignerIdentity", "SigningBackend", "SigningError", "backend", "registry"]
