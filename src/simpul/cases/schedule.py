"""Periodic jobs of the cases app (run by `simpul worker` through `simpul.core.schedule`)."""

from __future__ import annotations

from datetime import timedelta

from simpul.cases.drafts import drafts_protect
from simpul.cases.drafts import drafts_purge as purge
from simpul.cases.privacy import retention_run
from simpul.core.schedule import periodic


@periodic(name="cases.retention", every=timedelta(hours=24))
def retention() -> None:
    """Delete documents and anonymise personal fields of closed cases past their service's retention period."""
    retention_run()


@periodic(name="cases.drafts_purge", every=timedelta(hours=24))
def drafts_purge() -> None:
    """Remove application drafts left untouched for `settings.DRAFT_RETENTION_DAYS` (and their uploaded files), and
    encrypt the NIK and KK answers that drafts saved before this rule still hold in clear."""

    purge()
    drafts_protect()
