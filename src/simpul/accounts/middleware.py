"""Staff MFA for whole areas of the site (back office, admin) without decorating every view."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.accounts.permissions import is_mfa_verified, mfa_redirect, needs_mfa

DEFAULT_PREFIXES = ("/kantor/", "/admin/")


def _prefix_pattern() -> re.Pattern[str]:
    prefixes = getattr(settings, "MFA_REQUIRED_PATH_PREFIXES", DEFAULT_PREFIXES)
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    alternatives = "|".join(re.escape(prefix.strip("/")) for prefix in prefixes)
    return re.compile(rf"^/(?:(?:{languages})/)?(?:{alternatives})(?:/|$)")


class StaffMFAMiddleware:
    """A logged-in staff user who has not passed the TOTP step is sent to it from protected paths.

    The admin's own log-in page is replaced by Simpul's (`accounts:login`), so every staff login goes
    through the same password + TOTP steps and the same lockout. Village operators, who share the village-hall
    computer, get a sliding idle timeout (`settings.OPERATOR_IDLE_SECONDS`, env `SIMPUL_OPERATOR_IDLE_MINUTES`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.pattern = _prefix_pattern()
        self.admin_login = re.compile(r"^/(?:[a-z]{2}/)?admin/login/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        user = getattr(request, "user", None)
        if getattr(user, "role", None) == Role.VILLAGE_OPERATOR and hasattr(request, "session"):
            # shared devices at the village hall: a sliding idle timeout, refreshed by every request
            # (the session outlives the idle limit by a margin so that OperatorIdleLogoutMiddleware sees the
            # idle session, logs it out with a message and clears the browser's cache)
            request.session.set_expiry(getattr(settings, "OPERATOR_IDLE_SECONDS", 900) + 600)
        if self.pattern.match(path):
            if self.admin_login.match(path):
                next_url = request.GET.get("next", "/admin/")
                return HttpResponseRedirect(reverse("accounts:login") + "?" + urlencode({"next": next_url}))
            if user is not None and needs_mfa(user) and not is_mfa_verified(user):
                return mfa_redirect(request)
        return self.get_response(request)
