"""Pages under /akun/: registration, log-in (+ TOTP for staff), log-out, password reset, my account."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from simpul.accounts import selectors, services
from simpul.accounts.forms import (
    BusinessProfileForm,
    BusinessRegistrationForm,
    CitizenProfileForm,
    CitizenRegistrationForm,
    LoginForm,
    TokenForm,
)
from simpul.accounts.homes import home_url, workspace_url
from simpul.accounts.invitations import invitation_user
from simpul.accounts.permissions import has_confirmed_device, is_mfa_verified, mfa_required, needs_mfa
from simpul.core.clientip import client_ip

BACKEND = "simpul.accounts.backends.EmailOrPhoneBackend"


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _register(
    request: HttpRequest, form_class: type, service: Any, template: str, field_map: dict[str, str]
) -> HttpResponse:
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {
            field_map.get(key, key): value
            for key, value in form.cleaned_data.items()
            if key != "password_again"
        }
        try:
            user = service(**data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            auth_login(request, user, backend=BACKEND)
            messages.success(request, _("Your account is ready. Welcome to Simpul."))
            return redirect("accounts:my_account")
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def register_citizen(request: HttpRequest) -> HttpResponse:
    return _register(
        request, CitizenRegistrationForm, services.citizen_register, "accounts/register_citizen.html", {}
    )


@require_http_methods(["GET", "POST"])
def register_business(request: HttpRequest) -> HttpResponse:
    return _register(
        request, BusinessRegistrationForm, services.business_register, "accounts/register_business.html", {}
    )


def register_choice(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register.html")


class LoginView(auth_views.LoginView):
    """Password step; staff roles continue to the TOTP step before any staff page."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)
        target = self.get_success_url()
        if needs_mfa(user):
            target = self.get_redirect_url() or home_url(user)
            name = "accounts:otp_verify" if has_confirmed_device(user) else "accounts:otp_setup"
            return HttpResponseRedirect(reverse(name) + "?" + _query(next=target))
        return HttpResponseRedirect(target)

    def get_default_redirect_url(self) -> str:
        return home_url(self.request.user)


def _query(**params: str) -> str:
    return urlencode(params)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Second step for staff: a code from the TOTP device confirmed earlier."""
    user = request.user
    target = _next_url(request, home_url(user))
    if not needs_mfa(user) or is_mfa_verified(user):
        return HttpResponseRedirect(target)
    if not has_confirmed_device(user):  # type: ignore[arg-type]
        return HttpResponseRedirect(reverse("accounts:otp_setup") + "?" + _query(next=target))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = selectors.totp_device_matching(user=user, token=form.cleaned_data["token"])  # type: ignore[arg-type]
        if device is not None:
            from django_otp import login as otp_login

            otp_login(request, device)
            return HttpResponseRedirect(target)
        form.add_error(
            "token", _("This code is not right, or it has expired. Wait for a new code and try again.")
        )
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": target},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First TOTP device of a staff user: secret and QR code (inline SVG data URI), then one code to confirm."""
    user = request.user
    target = _next_url(request, home_url(user))
    if not needs_mfa(user):
        return HttpResponseRedirect(target)
    if has_confirmed_device(user):  # type: ignore[arg-type]
        # adding another device needs the current one: never let a password alone add a device
        return HttpResponseRedirect(reverse("accounts:otp_verify") + "?" + _query(next=target))
    device = services.totp_device_start(user=user)  # type: ignore[arg-type]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(user=user, device=device, token=form.cleaned_data["token"]):  # type: ignore[arg-type]
            from django_otp import login as otp_login

            otp_login(request, device)
            messages.success(request, _("Your authenticator app is set up."))
            return HttpResponseRedirect(target)
        form.add_error(
            "token", _("This code is not right, or it has expired. Wait for a new code and try again.")
        )
    secret = selectors.totp_secret_text(device=device)
    qr_uri = segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "next": target, "secret": secret, "qr_uri": qr_uri, "config_url": device.config_url},
        status=400 if form.errors else 200,
    )


@mfa_required
def my_account(request: HttpRequest) -> HttpResponse:
    context = selectors.account_overview(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/my_account.html", {**context, "workspace_url": workspace_url(request.user)})


@mfa_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_for_user(user=request.user)  # type: ignore[arg-type]
    if profile is None:
        return redirect("accounts:my_account")
    is_citizen = selectors.is_citizen_profile(profile)
    form_class = CitizenProfileForm if is_citizen else BusinessProfileForm
    initial = selectors.profile_initial(profile=profile)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=request.user, profile=profile, data=form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("accounts:my_account")
    return render(request, "accounts/profile_edit.html", {"form": form}, status=400 if form.errors else 200)


@mfa_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """Data-subject access: a page explaining the export, and (POST) the JSON download itself."""
    if request.method == "POST":
        data = services.subject_data_export(user=request.user)  # type: ignore[arg-type]
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = 'attachment; filename="simpul-data-saya.json"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/my_data.html")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """An invited staff member's link: choose a password, then set up the authenticator app (the TOTP step)."""
    user = invitation_user(token)
    if user is None:
        return render(request, "accounts/invitation_accept.html", {"validlink": False}, status=410)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            auth_login(request, user, backend=BACKEND)
            return HttpResponseRedirect(reverse("accounts:otp_setup") + "?" + _query(next=home_url(user)))
    return render(
        request, "accounts/invitation_accept.html", {"validlink": True, "form": form, "invited": user},
        status=400 if form.errors else 200,
    )


class LogoutView(auth_views.LogoutView):
    """Log out (POST only, as Django requires) and tell the browser to drop its caches, so pages with
    personal answers and forms waiting in the offline outbox do not stay on a shared device (the outbox asks
before a logout that would delete forms not sent yet)."""

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'  # and the offline outbox (its page asked first)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, with the e-mails limited per address and per client (`services.password_reset_limited`).

    A refused request is refused the same way whether or not the address has an account: the count is kept
    for every address typed, known or not."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_name": "Simpul"}

    def form_valid(self, form: Any) -> HttpResponse:
        wait = services.password_reset_limited(email=form.cleaned_data["email"], client=client_ip(self.request))
        if wait is not None:
            limited = _("Too many requests for a new password. Please wait {minutes} minutes and try "
                        "again.").format(minutes=wait)
            return self.render_to_response(self.get_context_data(form=form, limited=limited), status=429)
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
