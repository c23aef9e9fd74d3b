"""Checks made when Simpul starts serving (WSGI, ASGI, `simpul run`), not on every management command."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_secret_key() -> None:
    """Refuse to serve with the published development key unless this is a debug, demo or test run."""
    if settings.SECRET_KEY != settings.INSECURE_DEV_KEY:
        return
    if settings.DEBUG or settings.DEMO_MODE or settings.TESTING:
        return
    raise ImproperlyConfigured(
        "SIMPUL_SECRET_KEY is not set, and the built-in development key is public. Set SIMPUL_SECRET_KEY to a "
        "random value of 50 or more characters (for example the output of "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set SIMPUL_DEMO_MODE=true "
        "for a demo. See .env.example."
    )
