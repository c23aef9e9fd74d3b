"""Staff MFA everywhere: a staff session that has not passed its second factor counts as anonymous.

`StaffMFAMiddleware` runs after django-otp's `OTPMiddleware`. For a staff user (any staff role, or `is_staff`)
whose session has not passed the TOTP step it replaces `request.user` (and `request.auser`) with an anonymous
user on every page except an explicit allow-list of views (`MFA_PENDING_VIEWS`: the TOTP step, the device
set-up, log-out). Every page, API endpoint (session authentication reads the same `request.user`) and export
then treats the password-only session as a visitor who is not logged in: nothing is protected by URL prefix,
so a new page is safe without a decorator. The real user is kept on `request.mfa_pending_user` only so that
the log-in redirects can send them to the TOTP step instead of the password form.

The admin's own log-in page is replaced by Simpul's (`accounts:login`), so every staff login goes through the
same password + TOTP steps and the same lockout. Village operators, who share the village-hall computer, get a
sliding idle timeout (`settings.OPERATOR_IDLE_SECONDS`, env `SIMPUL_OPERATOR_IDLE_MINUTES`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from simpul.accounts.models import Role
from simpul.accounts.permissions import MFA_PENDING_ATTR, is_mfa_verified, mfa_redirect, needs_mfa

# The only views a password-only staff session reaches as itself (by URL name, whatever the language prefix).
MFA_PENDING_VIEWS = frozenset({"accounts:otp_verify", "accounts:otp_setup", "accounts:logout"})
# Log-in pages: a password-only staff session is sent on to its TOTP step instead.
LOGIN_VIEWS = frozenset({"accounts:login", "admin:login"})


def unverified_anonymous() -> AnonymousUser:
    """The anonymous user that stands in for a password-only staff session (with django-otp's attributes)."""
    anonymous = AnonymousUser()
    anonymous.otp_device = None  # type: ignore[attr-defined]
    anonymous.is_verified = lambda: False  # type: ignore[attr-defined]
    return anonymous


def _view_name(path: str, urlconf: Any = None) -> str:
    try:
        return resolve(path, urlconf).view_name
    except Resolver404:
        return ""


class StaffMFAMiddleware:
    """A logged-in staff user who has not passed the TOTP step is anonymous outside `MFA_PENDING_VIEWS`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_login = re.compile(r"^/(?:[a-z]{2}/)?admin/login/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if getattr(user, "role", None) == Role.VILLAGE_OPERATOR and hasattr(request, "session"):
            # shared devices at the village hall: a sliding idle timeout, refreshed by every request
            # (the session outlives the idle limit by a margin so that OperatorIdleLogoutMiddleware sees the
            # idle session, logs it out with a message and clears the browser's cache)
            request.session.set_expiry(settings.OPERATOR_IDLE_SECONDS + 600)
        if user is not None and needs_mfa(user) and not is_mfa_verified(user):
            name = _view_name(request.path_info, getattr(request, "urlconf", None))
            if name in LOGIN_VIEWS:
                next_url = request.GET.get("next") or reverse("accounts:my_account")
                return mfa_redirect(request, user=user, next_url=next_url)
            if name not in MFA_PENDING_VIEWS:
                self._make_anonymous(request, user)
                return self._login_to_totp(request, self.get_response(request), user)
        elif self.admin_login.match(request.path_info):
            next_url = request.GET.get("next", "/admin/")
            return HttpResponseRedirect(reverse("accounts:login") + "?" + urlencode({"next": next_url}))
        return self.get_response(request)

    @staticmethod
    def _login_to_totp(request: HttpRequest, response: HttpResponse, user: Any) -> HttpResponse:
        """A page that sends the (now anonymous) visitor to log in sends a password-only session to its TOTP
        step instead, in one hop."""
        location = response.get("Location", "") if response.status_code in (301, 302, 303, 307, 308) else ""
        if not location:
            return response
        target = urlsplit(location)
        if target.netloc or _view_name(target.path, getattr(request, "urlconf", None)) not in LOGIN_VIEWS:
            return response
        next_url = parse_qs(target.query).get("next", [""])[0] or reverse("accounts:my_account")
        return mfa_redirect(request, user=user, next_url=next_url)

    @staticmethod
    def _make_anonymous(request: HttpRequest, user: Any) -> None:
        anonymous = unverified_anonymous()
        setattr(request, MFA_PENDING_ATTR, user)
        request.user = anonymous

        async def auser() -> AnonymousUser:
            return anonymous

        request.auser = auser  # type: ignore[attr-defined]
