"""The regency's own certificate authority: the local signing backend's key material.

`ca_init(directory)` (the command `simpul documents_ca init`) makes, in `directory` (default
`settings.DOCUMENTS_CA_DIR`, under `var/`):

- `ca.key`, `ca.pem`: the root CA of the regency (RSA 3072, 10 years), which signs the signer's certificate and the CRL;
- `signer.key`, `signer.pem`: the document-signing certificate (RSA 3072, 3 years, key usage non-repudiation);
- `ca.crl`: the CA's certificate revocation list (empty at first, valid 1 year), embedded in every signed document
  as its validation data.

Key files are written with mode 0600 and never logged. In production the administrator gives their own key
material instead (`SIMPUL_SIGNING_KEY`, `SIMPUL_SIGNING_CERT`, `SIMPUL_SIGNING_CA_CERT`, `SIMPUL_SIGNING_CRL`); in
demo mode and under test the files are made on first use (`ca_ensure`).

This CA is not a certified electronic signature (TTE) of BSrE: every document it signs says so.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

_lock = threading.Lock()


@dataclass(frozen=True)
class CaFiles:
    """Where the key material of the local backend is."""

    key: Path
    cert: Path
    ca_cert: Path
    crl: Path
    ca_key: Path | None = None  # only for a CA made by `ca_init` (needed to reissue the CRL)

    def present(self) -> bool:
        return all(p.exists() for p in (self.key, self.cert, self.ca_cert, self.crl))


def ca_files() -> CaFiles:
    """The configured files: the administrator's paths when given, else those `ca_init` writes."""
    directory = Path(settings.DOCUMENTS_CA_DIR)
    return CaFiles(
        key=Path(settings.DOCUMENTS_SIGNING_KEY_FILE or directory / "signer.key"),
        cert=Path(settings.DOCUMENTS_SIGNING_CERT_FILE or directory / "signer.pem"),
        ca_cert=Path(settings.DOCUMENTS_SIGNING_CA_CERT_FILE or directory / "ca.pem"),
        crl=Path(settings.DOCUMENTS_SIGNING_CRL_FILE or directory / "ca.crl"),
        ca_key=None if settings.DOCUMENTS_SIGNING_KEY_FILE else directory / "ca.key",
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.DOCUMENTS_CA_ORGANIZATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _write(path: Path, data: bytes, *, secret: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(path, flags, 0o600 if secret else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    if secret:
        path.chmod(0o600)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=settings.DOCUMENTS_CA_KEY_SIZE)


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def crl_issue(*, ca_cert: x509.Certificate, ca_key: rsa.RSAPrivateKey, revoked_serials: tuple[int, ...] = ()) -> bytes:
    """A CRL of the CA (DER), valid one year from now, listing `revoked_serials`."""
    now = datetime.now(UTC)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
               .last_update(now - timedelta(minutes=5)).next_update(now + timedelta(days=365))
               .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build())
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def ca_init(directory: Path | None = None, *, force: bool = False) -> Path:
    """Make the regency CA, the signing certificate and the CRL in `directory`; refuses to overwrite unless
    `force` (rotating: documents signed before stay valid only while the old `ca.pem` is kept as a trust root)."""
    target = Path(directory or settings.DOCUMENTS_CA_DIR)
    if (target / "ca.pem").exists() and not force:
        raise FileExistsError(f"{target / 'ca.pem'} exists")
    now = datetime.now(UTC)
    ca_key = _key()
    ca_name = _name(f"{settings.DOCUMENTS_CA_ORGANIZATION} Root CA (not BSrE)")
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    signer_key = _key()
    signer_cert = (
        x509.CertificateBuilder().subject_name(_name(f"{settings.DOCUMENTS_CA_ORGANIZATION} document signing"))
        .issuer_name(ca_name).public_key(signer_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(target / "ca.key", _pem_key(ca_key), secret=True)
    _write(target / "signer.key", _pem_key(signer_key), secret=True)
    _write(target / "ca.pem", ca_cert.public_bytes(serialization.Encoding.PEM), secret=False)
    _write(target / "signer.pem", signer_cert.public_bytes(serialization.Encoding.PEM), secret=False)
    _write(target / "ca.crl", crl_issue(ca_cert=ca_cert, ca_key=ca_key), secret=False)
    return target


def ca_ensure() -> CaFiles:
    """The configured files; in demo mode, debug and under test, made first when missing (quietly). Made in a
    temporary directory renamed into place, so processes starting together end up with one CA."""
    files = ca_files()
    if files.present() or settings.DOCUMENTS_SIGNING_KEY_FILE or not (settings.DEMO_MODE or settings.TESTING or settings.DEBUG):
        return files
    with _lock:
        target = Path(settings.DOCUMENTS_CA_DIR)
        if not (target / "ca.pem").exists():
            scratch = Path(tempfile.mkdtemp(prefix=".ca-", dir=target.parent))
            ca_init(scratch, force=True)
            try:
                scratch.rename(target)
            except OSError:  # another process was first; keep its CA
                shutil.rmtree(scratch, ignore_errors=True)
    return ca_files()


def ca_certificate() -> x509.Certificate:
    """The trust root documents are checked against."""
    return x509.load_pem_x509_certificate(ca_ensure().ca_cert.read_bytes())
