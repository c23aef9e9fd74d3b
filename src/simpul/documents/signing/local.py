"""The local default: PAdES signatures with the regency's own CA (`simpul.documents.ca`), made by pyHanko.

Each signature is PAdES baseline with its validation data in the same revision (B-LT): the signer's certificate,
the CA certificate and the CA's CRL go into the document security store (DSS) written together with the signature,
so the signature covers the whole file and a verifier needs nothing from the network. Not a certified electronic
signature (TTE): the visible block says so, as does the letter itself.
"""

from __future__ import annotations

import functools
import io
import logging
from pathlib import Path

from asn1crypto import pem, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from simpul.documents.ca import CaFiles, ca_ensure
from simpul.documents.signing.base import SignatureBox, SignerIdentity, SigningBackend, SigningError, registry

logger = logging.getLogger(__name__)
# pyHanko warns on every signature that it may not fetch revocation data: by design here (the CA's CRL is given).
logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)

FIELD_NAME = "TandaTangan"


def stamp_style() -> TextStampStyle:
    """The widget of the visible signature: a frame around the signature block the letter itself prints (who
    signed, NIP, and that it is not a certified TTE: in the letter's own embedded fonts, so the signed letter
    stays PDF/A). Its text stays empty: pyHanko's stamp font would not be embedded."""
    return TextStampStyle(stamp_text="", border_width=0, background=None)


def pades_sign(pdf: bytes, *, cms_signer: signers.Signer, validation: ValidationContext | None,
               signer: SignerIdentity, box: SignatureBox | None, reason: str, location: str,
               certified: bool) -> bytes:
    """`pdf` signed by `cms_signer` as PAdES; with `validation`, its data in the DSS of the same revision (B-LT)."""
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location, name=signer.name,
        embed_validation_info=validation is not None, validation_context=validation,
        dss_settings=DSSContentSettings(placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
                                        include_vri=False),
    )
    spec = fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=box.page if box else 0,
                               box=box.box if box else None)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    pdf_signer = signers.PdfSigner(meta, signer=cms_signer, stamp_style=stamp_style(),
                                   new_field_spec=spec)
    out = pdf_signer.sign_pdf(writer)
    return out.getvalue()


@registry.register
class LocalBackend(SigningBackend):
    """Signs with the key under `var/documents-ca/` (or the administrator's own, `SIMPUL_SIGNING_KEY`)."""

    name = "local"
    certified = False

    def sign(self, pdf: bytes, *, signer: SignerIdentity, box: SignatureBox | None, reason: str,
             location: str) -> bytes:
        files = ca_ensure()
        if not files.present():
            raise SigningError(_("The signing key is not set up yet. Ask the administrator to run "
                                 "\"simpul documents_ca init\" or to set the signing key files."))
        try:
            cms_signer = _signer(str(files.key), str(files.cert), str(files.ca_cert), _mtimes(files))
        except (OSError, ValueError) as exc:
            logger.error("signing key could not be loaded: %s", type(exc).__name__)
            cms_signer = None
        if cms_signer is None:
            raise SigningError(_("The signing key could not be read. Ask the administrator to check it."))
        validation = ValidationContext(trust_roots=[load_certificate(files.ca_cert)],
                                       crls=[files.crl.read_bytes()], allow_fetching=False)
        try:
            return pades_sign(pdf, cms_signer=cms_signer, validation=validation, signer=signer, box=box,
                              reason=reason, location=location, certified=self.certified)
        except Exception as exc:  # pyHanko raises many kinds; the officer gets one sentence, the log the kind
            logger.exception("local signing failed: %s", type(exc).__name__)
            raise SigningError(_("The signing program stopped with an error (details in the server log).")) from exc


class KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, with the private key parsed once per process instead of at every signature (parsing
    and checking an RSA key costs about as much as rendering a letter)."""

    _parsed: RSAPrivateKey | None = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism != "rsassa_pkcs1v15":
            return bytes(super().sign_raw(data, digest_algorithm))
        if self._parsed is None:
            key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            if not isinstance(key, RSAPrivateKey):
                return bytes(super().sign_raw(data, digest_algorithm))
            self._parsed = key
        return self._parsed.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


def _mtimes(files: CaFiles) -> tuple[float, ...]:
    return tuple(path.stat().st_mtime for path in (files.key, files.cert, files.ca_cert))


@functools.lru_cache(maxsize=4)
def _signer(key: str, cert: str, ca_cert: str, mtimes: tuple[float, ...]) -> signers.SimpleSigner:
    """The signer of these files as they are now (a changed file, by its modification time, is read again)."""
    loaded = signers.SimpleSigner.load(key, cert, ca_chain_files=(ca_cert,), key_passphrase=_passphrase())
    if loaded is None or loaded.signing_cert is None:
        raise ValueError("the signing key could not be loaded")
    return KeptKeySigner(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                         cert_registry=loaded.cert_registry)


def _passphrase() -> bytes | None:
    path = settings.DOCUMENTS_SIGNING_KEY_PASSPHRASE_FILE
    return Path(path).read_bytes().strip() if path else None


def load_certificate(path: Path) -> x509.Certificate:
    """A certificate from a PEM or DER file, as pyHanko takes it."""
    data = path.read_bytes()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)
