"""Demo: the steward is the generated datasets' walidata, and the tables are built from the demo cases."""

from __future__ import annotations

from typing import Any

from simpul.accounts.models import Role, User
from simpul.opendata.models import Dataset
from simpul.opendata.services import datasets_refresh_generated


def load(*, stdout: Any) -> None:
    steward = User.objects.filter(role=Role.DATA_STEWARD, is_active=True).order_by("pk").first()
    if steward is not None:
        Dataset.objects.exclude(generator="").filter(walidata__isnull=True).update(walidata=steward)
    done = datasets_refresh_generated()
    stdout.write(f"opendata: {len(done)} generated datasets refreshed")
