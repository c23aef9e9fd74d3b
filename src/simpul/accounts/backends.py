"""Log in with an email address or a phone number."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from simpul.core.text import normalise_phone


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or not password:
            return None
        username = username.strip()
        user_model = get_user_model()
        query = Q(email__iexact=username)
        phone = normalise_phone(username)
        if phone and "@" not in username:
            query |= Q(phone=phone)
        user = user_model.objects.filter(query).first()
        if user is None:
            user_model().set_password(password)  # same cost whether or not the user exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The key django-axes counts failures under: one per account, however the email or phone was typed."""
    raw = ""
    if credentials:
        raw = str(credentials.get("username") or "")
    elif request is not None:
        raw = str(request.POST.get("username", ""))
    raw = raw.strip()
    if "@" in raw:
        return raw.lower()
    phone = normalise_phone(raw)
    return phone or raw.lower()
