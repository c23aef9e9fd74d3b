"""Case reference numbers and PINs.

A reference looks like ``MUBA-26-7K3QX-P``: the home kabupaten's prefix (``SIMPUL_REFERENCE_PREFIX``, else
derived from its name: ``MUBA`` for Musi Banyuasin; see `simpul.regions.national`), the two-digit year, five random characters and one check character.

Readable aloud: the random part and the check character use a 29-character alphabet without the
characters people confuse when reading, writing or hearing them: no 0, 1, I, L, O, U or Z (digits 2-9 and
21 letters).

Check character: a pure weighted check over the prime modulus 29 (the scheme of ISO/IEC 7064 pure systems,
with the alphabet size equal to the prime). Over the compact string ``YY`` + body + check, the symbol at
position i from the right (check = position 1) carries weight i; the weighted sum must be 0 mod 29.
Year digits count by their numeric value, other characters by their index in the alphabet.
- Any single substitution changes the sum by ``w * d`` with 0 < |d| < 29 and 0 < w < 29: never 0 mod 29
  because 29 is prime.
- Any swap of neighbours changes it by ``(w_i - w_{i+1}) * d`` = ``-d`` (or ``-(x - y)`` across the
  year/body boundary, where a digit's year value and alphabet index differ by the same offset 2): never 0.
The property tests in tests/test_reference.py check both claims exhaustively on generated references.
The prefix is constant for a deployment and is not part of the check; `normalise_reference` accepts the
reference with or without it.

PIN: six random digits, shown once. Stored as HMAC-SHA256 keyed with a key derived from SECRET_KEY over
(reference, PIN): a stolen database alone does not reveal PINs (the 10^6 space would fall to any fast
unkeyed hash, and a slow hash would make every tracking lookup a CPU cost on a 2-core server). Online
guessing is stopped by the tracking throttle (`simpul.cases.tracking`). When a submission carries an
idempotency key the PIN is derived from it with the same secret, so a retried submission shows the
same PIN without the clear PIN ever being stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date

from django.conf import settings

from simpul.regions.national import home_kabupaten

# 29 symbols (a prime): digits 2-9 first (so digit x has index x - 2), then 21 letters.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXY"
MODULUS = len(ALPHABET)
BODY_LENGTH = 5
assert MODULUS == 29  # noqa: S101 - the proof above needs a prime modulus equal to the alphabet size

_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_COMPACT = re.compile(r"^(\d{2})([" + ALPHABET + r"]{" + str(BODY_LENGTH) + r"})([" + ALPHABET + r"])$")


def reference_prefix() -> str:
    return home_kabupaten().reference_prefix


def _values(year: str, body: str) -> list[int]:
    return [int(ch) for ch in year] + [_INDEX[ch] for ch in body]


def check_character(year: str, body: str) -> str:
    """The check character for a two-digit year and a body over ALPHABET."""
    values = _values(year, body)
    n = len(values)
    # weights: the payload symbol at index k (0-based from the left) sits at position n - k + 1 from the right
    total = sum(v * (n - k + 1) for k, v in enumerate(values))
    return ALPHABET[(-total) % MODULUS]


def is_valid_compact(compact: str) -> bool:
    match = _COMPACT.match(compact)
    if not match:
        return False
    year, body, check = match.groups()
    return check_character(year, body) == check


def format_reference(year: str, body: str) -> str:
    return f"{reference_prefix()}-{year}-{body}-{check_character(year, body)}"


def reference_new(*, today: date | None = None) -> str:
    """A fresh random reference for the current year (uniqueness is enforced by the database)."""
    year = f"{(today or date.today()).year % 100:02d}"  # noqa: DTZ011 - calendar year label only
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_reference(year, body)


def normalise_reference(text: str) -> str | None:
    """Canonical form of a typed reference, or None when it is not a valid reference.

    Tolerates lowercase, spaces, dashes, dots and a missing prefix.
    """
    compact = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    prefix = reference_prefix()
    if compact.startswith(prefix):
        compact = compact[len(prefix):]
    if not is_valid_compact(compact):
        return None
    return f"{prefix}-{compact[:2]}-{compact[2:2 + BODY_LENGTH]}-{compact[-1]}"


def _pin_key() -> bytes:
    return hashlib.sha256(("simpul.cases.pin:" + settings.SECRET_KEY).encode()).digest()


def pin_new(*, idempotency_scope: str = "", idempotency_key: str = "") -> str:
    """Six digits; derived from the idempotency key (keyed) when there is one, else random."""
    if idempotency_key:
        digest = hmac.new(_pin_key(), f"derive|{idempotency_scope}|{idempotency_key}".encode(), hashlib.sha256)
        return f"{int.from_bytes(digest.digest()[:8], 'big') % 1_000_000:06d}"
    return f"{secrets.randbelow(1_000_000):06d}"


def pin_hash(reference: str, pin: str) -> str:
    return hmac.new(_pin_key(), f"{reference}|{pin}".encode(), hashlib.sha256).hexdigest()


def pin_matches(reference: str, pin: str, stored_hash: str) -> bool:
    pin = re.sub(r"\s", "", pin or "")
    if not re.fullmatch(r"\d{6}", pin) or not stored_hash:
        return False
    return hmac.compare_digest(pin_hash(reference, pin), stored_hash)
