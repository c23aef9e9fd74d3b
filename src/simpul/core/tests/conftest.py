"""Core test fixtures: users without a password (no slow password hashing; tests log in with force_login)."""

from __future__ import annotations

from typing import Any

import pytest

from simpul.accounts.models import Role, User


@pytest.fixture
def admin_user(db: Any) -> User:
    return User.objects.create_user(
        email="admin@core.test", password=None, role=Role.PLATFORM_ADMIN, is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff_user(db: Any) -> User:
    """Staff who may open the admin site but is not a platform admin."""
    return User.objects.create_user(email="officer@core.test", password=None, role=Role.OFFICER, is_staff=True)
