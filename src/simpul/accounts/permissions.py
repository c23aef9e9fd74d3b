"""Who may do what in accounts, and the staff-MFA rule other apps rely on.

Staff roles (village operator, officer, agency head, platform admin, evaluator, data steward) and anyone with
`is_staff` must verify a TOTP device after their password before they use a staff page. Other apps protect
their staff views with::

    from simpul.accounts.permissions import require_staff_mfa

    @require_staff_mfa                                   # any staff role
    def worklist(request): ...

    @require_staff_mfa(roles={Role.OFFICER, Role.AGENCY_HEAD})   # only these roles (403 for others)
    def approve(request, pk): ...

Anonymous visitors go to the log-in page; a non-staff user gets 403; a staff user whose session has not
passed the TOTP step goes to it (or to the device set-up page when they have no device yet) and comes back.
Class-based views use `StaffMFARequiredMixin`; DRF views use `StaffMFAPermission`.

Underneath every one of them, `simpul.accounts.middleware.StaffMFAMiddleware` makes a staff session that has
not passed the TOTP step anonymous on every page but the TOTP step, the device set-up and log-out: a view
without any decorator still never acts for, or shows personal data to, a password-only staff session. The
real user waits on `request.mfa_pending_user` (`MFA_PENDING_ATTR`), which only the log-in redirects read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from simpul.accounts.models import Role, User
from simpul.core.actors import Actor

NIK_REVEAL_ROLES = frozenset({Role.OFFICER, Role.AGENCY_HEAD, Role.PLATFORM_ADMIN})
# The request attribute holding a staff user whose session has not passed the TOTP step (request.user is
# anonymous meanwhile): set by StaffMFAMiddleware, read only to send them to the TOTP step.
MFA_PENDING_ATTR = "mfa_pending_user"


def needs_mfa(user: Any) -> bool:
    """Staff roles and admin-site users must pass a TOTP step."""
    return bool(
        Actor.of(user).is_person
        and (getattr(user, "is_staff_role", False) or getattr(user, "is_staff", False))
    )


def is_mfa_verified(user: Any) -> bool:
    """True when the session has passed the TOTP step (django-otp's OTPMiddleware sets `is_verified`)."""
    verified = getattr(user, "is_verified", None)
    return bool(verified()) if callable(verified) else False


def has_confirmed_device(user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_redirect(request: HttpRequest, *, user: Any = None, next_url: str | None = None) -> HttpResponseRedirect:
    """Send a staff user to the TOTP step (or device set-up) and back to where they were going."""
    user = user if user is not None else getattr(request, MFA_PENDING_ATTR, None) or request.user
    name = "accounts:otp_verify" if has_confirmed_device(user) else "accounts:otp_setup"
    target = next_url if next_url is not None else request.get_full_path()
    return HttpResponseRedirect(reverse(name) + "?" + urlencode({"next": target}))


def login_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """For a visitor who is not logged in: the log-in page, or the TOTP step for a password-only staff session."""
    if getattr(request, MFA_PENDING_ATTR, None) is not None:
        return mfa_redirect(request)
    return redirect_to_login(request.get_full_path())


def may_reveal_nik(user: Any) -> bool:
    """Officers, agency heads and platform admins may see a NIK in clear (each reveal is audited)."""
    return bool(
        Actor.of(user).is_person
        and getattr(user, "is_active", False)
        and (getattr(user, "role", None) in NIK_REVEAL_ROLES or getattr(user, "is_superuser", False))
    )


def village_scope(user: Any) -> str | None:
    """The desa code a village operator may act for (None for every other role)."""
    if getattr(user, "role", None) == Role.VILLAGE_OPERATOR:
        return getattr(user, "village_id", None)
    return None


def staff_check(request: HttpRequest, roles: Iterable[str] | None = None) -> HttpResponse | None:
    """None when the request may go on; otherwise the redirect to take. Raises PermissionDenied for non-staff."""
    user = request.user
    if not user.is_authenticated:
        return login_redirect(request)
    if not needs_mfa(user):
        raise PermissionDenied
    if roles is not None and user.role not in set(roles) and not user.is_superuser:  # type: ignore[union-attr]
        raise PermissionDenied
    if not is_mfa_verified(user):
        return mfa_redirect(request)
    return None


def require_staff_mfa(
    view: Callable[..., HttpResponse] | None = None, *, roles: Iterable[str] | None = None
) -> Any:
    """Decorator for staff views: logged in, staff role (optionally one of `roles`), TOTP verified."""
    allowed = frozenset(roles) if roles is not None else None

    def decorate(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = staff_check(request, allowed)
            if response is not None:
                return response
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


staff_required = require_staff_mfa


def mfa_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorator for pages any logged-in user may open, where a staff user must also have passed TOTP."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return login_redirect(request)
        if needs_mfa(request.user) and not is_mfa_verified(request.user):
            return mfa_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper


class StaffMFARequiredMixin:
    """Class-based-view version of `require_staff_mfa`; set `staff_roles` to restrict further."""

    staff_roles: Iterable[str] | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = staff_check(request, self.staff_roles)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


try:
    from rest_framework.permissions import BasePermission

    class StaffMFAPermission(BasePermission):
        """DRF: a staff role whose session passed TOTP (API clients with keys are handled by the api app)."""

        message = "Staff access with a verified second factor (TOTP) is required."

        def has_permission(self, request: Any, view: Any) -> bool:
            user = request.user
            return needs_mfa(user) and is_mfa_verified(user)

except ImportError:  # pragma: no cover - DRF is a hard dependency
    pass
