"""Periodic jobs of the portal (run by `simpul worker` through `simpul.core.schedule`)."""

from __future__ import annotations

from datetime import timedelta

from simpul.core.schedule import periodic
from simpul.portal.uploads import uploads_purge


@periodic(name="portal.uploads_purge", every=timedelta(hours=1))
def purge_abandoned_uploads() -> None:
    """Remove the parts of chunked uploads never finished within a day (a document's bytes, possibly a scan of an
    identity card), also when no new upload comes along to trigger the purge."""
    uploads_purge()
