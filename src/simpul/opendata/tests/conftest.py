from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def generated(personas):
    """The generated datasets' rows, as the reference loader creates them."""
    import io

    from simpul.opendata import reference

    reference.load(stdout=io.StringIO())
    from simpul.opendata.models import Dataset

    return Dataset.objects.exclude(generator="")
