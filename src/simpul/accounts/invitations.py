"""Staff invitations: a one-time, expiring link that lets an invited person choose their password.

The token is signed (Django's signing, salted for this purpose only) and names the user and a fingerprint of
their account state (password, last log-in, active flag). Choosing the password changes that state, so a used
link no longer works; so does a deactivated account's. Nothing is stored: an unused link simply expires after
`settings.STAFF_INVITATION_DAYS` days (env `SIMPUL_STAFF_INVITATION_DAYS`, default 3).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import signing

from simpul.accounts.models import User

SALT = "simpul.accounts.invitation"


def invitation_days() -> int:
    return int(settings.STAFF_INVITATION_DAYS)


def _state(user: User) -> str:
    last = user.last_login.isoformat() if user.last_login else ""
    raw = f"{user.pk}:{user.password}:{last}:{user.is_active}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def invitation_token(user: User) -> str:
    """The token of `user`'s invitation link (valid until used, deactivated, or `invitation_days()` old)."""
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=SALT, compress=True)


def invitation_user(token: str) -> User | None:
    """The invited user whose link this is, or None for a link that is forged, used, expired or deactivated."""
    try:
        data = signing.loads(token, salt=SALT, max_age=invitation_days() * 86400)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    pk = data.get("u") if isinstance(data, dict) else None
    user = User.objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None
    if user is None or user.has_usable_password() or _state(user) != data["s"]:
        return None
    return user
