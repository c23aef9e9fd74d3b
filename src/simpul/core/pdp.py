"""Personal-data protection helpers (UU 27/2022): encryption at rest, keyed look-up hashes, masking.

Encryption
    `encrypt_text(value)` / `decrypt_text(token)` use Fernet (AES-128-CBC + HMAC-SHA256, authenticated).
    Keys come from `settings.PDP_ENCRYPTION_KEY` (env `SIMPUL_PDP_KEY`): one key or a comma-separated list,
    newest first. The newest key encrypts; every key in the list decrypts, so a key is rotated by putting a new
    one in front, re-encrypting (`reencrypt_text`, or `simpul pdp_rekey`), then dropping the old one. Apps that
    keep tokens outside an `EncryptedTextField` register a re-encryption job with `register_rekey`.
    Each entry may be a Fernet key (urlsafe base64 of 32 bytes) or any passphrase, which is stretched with
    HKDF-SHA256. When the setting is empty, a key is derived from `SECRET_KEY` with HKDF (fine for a first run;
    production sets its own key, kept apart from SECRET_KEY and backed up with the database).

Look-up hashes
    `keyed_hash(value)` is HMAC-SHA256 (hex) with its own key, so a column such as `nik_hash` can be unique
    and searched without storing the value in clear. The hash key must never change with the encryption
    keys: it is `settings.PDP_HASH_KEY` (env `SIMPUL_PDP_HASH_KEY`) when set, otherwise derived with HKDF
    from the *oldest* encryption key (the last in the list) or from SECRET_KEY when no key is set.

Masking
    `mask_nik`, `mask_phone`, `mask_email` for screens, audit entries and logs.

Model field
    `EncryptedTextField` stores ciphertext and gives back clear text in Python. It cannot be filtered on
    (only `isnull`); keep a `keyed_hash` of the value beside it for look-ups::

        nik = EncryptedTextField(_("NIK"))
        nik_hash = models.CharField(max_length=64, unique=True, editable=False)
        ...
        obj.nik = value
        obj.nik_hash = nik_hash(value)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

from simpul.core.registry import Registry

__all__ = [
    "EncryptedTextField",
    "InvalidToken",
    "decrypt_text",
    "encrypt_text",
    "keyed_hash",
    "mask_email",
    "mask_nik",
    "mask_phone",
    "nik_hash",
    "reencrypt_text",
    "register_rekey",
]

_ENCRYPTION_INFO = b"simpul.pdp.encryption.v1"
_HASH_INFO = b"simpul.pdp.lookup-hash.v1"


def _hkdf(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"simpul-pdp", info=info).derive(material)


def _split_keys(raw: Any) -> list[str]:
    items = [str(item) for item in raw] if isinstance(raw, list | tuple) else str(raw or "").split(",")
    return [item.strip() for item in items if item.strip()]


def _fernet_key(entry: str) -> bytes:
    """A Fernet key as given, or one stretched from a passphrase."""
    try:
        decoded = base64.urlsafe_b64decode(entry.encode("ascii"))
        if len(decoded) == 32:
            return entry.encode("ascii")
    except (ValueError, UnicodeEncodeError):
        pass
    return base64.urlsafe_b64encode(_hkdf(entry.encode("utf-8"), _ENCRYPTION_INFO))


@lru_cache(maxsize=8)
def _keys_for(raw_keys: tuple[str, ...], secret_key: str, hash_key: str) -> tuple[MultiFernet, bytes]:
    if raw_keys:
        fernet = MultiFernet([Fernet(_fernet_key(entry)) for entry in raw_keys])
        hash_material = hash_key.encode("utf-8") if hash_key else raw_keys[-1].encode("utf-8")
    else:
        derived = base64.urlsafe_b64encode(_hkdf(secret_key.encode("utf-8"), _ENCRYPTION_INFO))
        fernet = MultiFernet([Fernet(derived)])
        hash_material = hash_key.encode("utf-8") if hash_key else secret_key.encode("utf-8")
    return fernet, _hkdf(hash_material, _HASH_INFO)


def _keys() -> tuple[MultiFernet, bytes]:
    return _keys_for(
        tuple(_split_keys(settings.PDP_ENCRYPTION_KEY)),
        str(settings.SECRET_KEY),
        settings.PDP_HASH_KEY,
    )


def encrypt_text(value: str) -> str:
    """Encrypt `value` with the newest key; the token is ASCII and different on every call."""
    return _keys()[0].encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    """Decrypt a token made with any configured key; raises `InvalidToken` when none fits."""
    return _keys()[0].decrypt(token.encode("ascii")).decode("utf-8")


def reencrypt_text(token: str) -> str:
    """Re-encrypt a token under the newest key (for key rotation)."""
    return _keys()[0].rotate(token.encode("ascii")).decode("ascii")


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 (64 hex characters) of `value`, for unique columns and look-ups."""
    return hmac.new(_keys()[1], value.encode("utf-8"), hashlib.sha256).hexdigest()


def normalise_digits(value: str) -> str:
    """Drop spaces, dots and dashes people type inside NIK, KK or NIB numbers."""
    return "".join(ch for ch in str(value) if ch not in " .-\t")


def nik_hash(nik: str) -> str:
    """The look-up hash of a NIK (spaces and dots ignored)."""
    return keyed_hash("nik:" + normalise_digits(nik))


def mask_nik(value: str | None) -> str:
    """`1606014107950001` → `1606********0001` (first 4 and last 4 shown)."""
    if not value:
        return ""
    value = normalise_digits(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """`+6281234567890` → `+6281******890`: the operator prefix and the last 3 digits stay."""
    if not value:
        return ""
    value = str(value).strip()
    keep_start = 5 if value.startswith("+") else 4
    if len(value) <= keep_start + 3:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - 3) + value[-3:]


def mask_email(value: str | None) -> str:
    """`siti.warga@simpul.test` → `s********a@simpul.test`."""
    if not value:
        return ""
    local, sep, domain = str(value).partition("@")
    if not sep:
        return mask_phone(local)
    masked = "*" * len(local) if len(local) <= 2 else local[0] + "*" * (len(local) - 2) + local[-1]
    return f"{masked}@{domain}"


RekeyJob = Callable[[], int]
rekey_registry: Registry[RekeyJob] = Registry("re-encryption job")


def register_rekey(name: str) -> Callable[[RekeyJob], RekeyJob]:
    """Register a function that re-encrypts an app's own stored tokens (`reencrypt_text`) and returns a count.

    `simpul pdp_rekey` re-encrypts every `EncryptedTextField` by itself; apps that keep tokens elsewhere (a
    TextField, inside JSON) register a job, e.g. in `AppConfig.ready()`. A name is registered once.
    """

    def decorate(func: RekeyJob) -> RekeyJob:
        return rekey_registry.register(func, name=name)

    return decorate


def rekey_jobs() -> list[tuple[str, RekeyJob]]:
    """The registered jobs as (name, job), sorted by name."""
    return rekey_registry.items()


class EncryptedTextField(models.TextField):
    """Text kept encrypted at rest (Fernet); Python code sees clear text.

    Only `isnull` look-ups work: ciphertext differs on every write, so search with a keyed hash column.
    """

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def to_python(self, value: Any) -> str | None:
        if value is None:
            return value
        return str(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
