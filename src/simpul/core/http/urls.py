"""Absolute URLs, all from one setting: SITE_URL (SIMPUL_SITE_URL, else http://127.0.0.1:$PORT).

Links that leave the page (SMS, WhatsApp, e-mail, the DCAT catalogue's identifiers and downloads, Open311
answers) are built here, never from the request's Host header, which a client chooses.
"""

from __future__ import annotations

from django.conf import settings


def site_base() -> str:
    """The site's address without a trailing slash, e.g. `https://simpul.mubakab.go.id`."""
    return str(settings.SITE_URL).rstrip("/")


def absolute_url(path: str = "/") -> str:
    """`path` (from `reverse`, starting with /) on the site's public address."""
    return site_base() + (path if path.startswith("/") else "/" + path)
