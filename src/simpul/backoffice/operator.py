"""Village-operator mode at the village hall (/kantor/desa/, where an operator lands after logging in): the day's
applications the operator sent for the desa and their states, the services to apply for on a citizen's behalf,
one application's page (its state, the messages to the applicant, the citizen's consent), a receipt for the
citizen on A6 or 58 mm thermal paper (PDF with a QR code of the tracking page), the consent form to sign (A4) and
the photo of the signed form, a quick switch of operator on the shared device, and logout after inactivity.

Submitting on a citizen's behalf (NIK, consent) is the normal application flow: `simpul.cases.views.apply_review`
asks an operator for the consent and `simpul.cases.intake.submit` records both identities in the audit log
(actor = operator, on_behalf_of = the citizen); `simpul.cases.consent` keeps the photo of the signed consent
form. Which cases an operator reads is decided in one place: `simpul.cases.selectors.cases_for_operator` (only
their own submissions, only their own desa); an operator never sees an office's internal notes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from simpul.accounts.models import Role
from simpul.accounts.permissions import require_staff_mfa, village_scope
from simpul.accounts.selectors import totp_device_matching
from simpul.cases.consent import (
    case_consent_attach,
    consent_documents,
    consent_facts_for_case,
    consent_form_pdf,
    consent_photo_check,
)
from simpul.cases.forms import ConsentPhotoForm
from simpul.cases.receipts import receipt_metadata, receipt_wording
from simpul.cases.selectors import case_get_for_operator, case_public_history, cases_for_operator_day
from simpul.catalog.models import Audience
from simpul.catalog.selectors import service_list
from simpul.core.models import AccessDoor
from simpul.core.pdf import pdf_render
from simpul.core.services import personal_data_access_record
from simpul.regions.national import home_kabupaten

PAPER = {"a6": "105mm 148mm", "58mm": "58mm 200mm"}
SESSION_SEEN = "operator_seen"


def _operator_only(request: HttpRequest) -> None:
    if not village_scope(request.user):
        raise Http404


@require_staff_mfa
def operator_today(request: HttpRequest) -> HttpResponse:
    """The applications this operator sent today for their desa, newest first, with their states."""
    _operator_only(request)
    today = timezone.localdate()
    return render(request, "backoffice/operator_today.html", {
        "cases": cases_for_operator_day(user=request.user, day=today), "today": today,
        "village": request.user.village,  # type: ignore[union-attr]
    })


@require_staff_mfa
def operator_apply(request: HttpRequest) -> HttpResponse:
    """The services an operator may apply for on a citizen's behalf (citizen services), searchable; each link
    starts a new application (never another citizen's draft)."""
    _operator_only(request)
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "backoffice/operator_apply.html", {
        "versions": list(service_list(query=query, audience=Audience.CITIZEN)), "query": query,
        "village": request.user.village,  # type: ignore[union-attr]
    })


def _case_page(request: HttpRequest, case: Any, form: ConsentPhotoForm | None = None, status: int = 200) -> HttpResponse:
    return render(request, "backoffice/operator_case.html", {
        "case": case, "history": case_public_history(case), "consent_photos": consent_documents(case),
        "form": form or ConsentPhotoForm(), "pin_known": case.reference in request.session.get("cases_pins", {}),
    }, status=status)


@require_staff_mfa
def operator_case(request: HttpRequest, reference: str) -> HttpResponse:
    """One application the operator sent: its state, the messages to the applicant (never an office's internal
    notes), the receipt, and the citizen's consent form with its signed photo."""
    _operator_only(request)
    case = case_get_for_operator(reference=reference, user=request.user)
    personal_data_access_record(door=AccessDoor.CASE_VIEW, request=request, actor=request.user, case=case)
    return _case_page(request, case)


@require_staff_mfa
def operator_consent_form(request: HttpRequest, reference: str) -> HttpResponse:
    """The consent form (A4 PDF) of an application the operator sent, prefilled with it, for the citizen to sign."""
    _operator_only(request)
    case = case_get_for_operator(reference=reference, user=request.user)
    pdf = consent_form_pdf(facts=consent_facts_for_case(case=case, operator=request.user))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="persetujuan-{case.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_staff_mfa
@require_POST
def operator_consent_attach(request: HttpRequest, reference: str) -> HttpResponse:
    """Attach the photo of the signed consent form; back to `next` (the confirmation page) or the case page."""
    _operator_only(request)
    case = case_get_for_operator(reference=reference, user=request.user)
    form = ConsentPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            case_consent_attach(case=case, photo=consent_photo_check(form.cleaned_data["consent_photo"]),
                                actor=request.user)
        except ValidationError as exc:
            for message in exc.message_dict.get("consent_photo", exc.messages):
                form.add_error("consent_photo", message)
        else:
            messages.success(request, _("The photo of the signed consent form is attached to {reference}.").format(
                reference=case.reference))
            following = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(following, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                following = reverse("backoffice:operator_case", kwargs={"reference": case.reference})
            return redirect(following)
    return _case_page(request, case, form, status=400)


@require_staff_mfa
def operator_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The citizen's receipt for a printer at the village hall: ?kertas=a6 (default) or ?kertas=58mm."""
    _operator_only(request)
    case = case_get_for_operator(reference=reference, user=request.user)
    personal_data_access_record(door=AccessDoor.RECEIPT, request=request, actor=request.user, case=case)
    paper = request.GET.get("kertas", "a6")
    if paper not in PAPER:
        paper = "a6"
    tracking_url = request.build_absolute_uri(reverse("cases:track") + "?ref=" + case.reference)
    pin = request.session.get("cases_pins", {}).get(case.reference, "")
    pdf = pdf_render(template="backoffice/operator_receipt_pdf.html", metadata=receipt_metadata(case), context={
        "case": case, "pin": pin, "tracking_url": tracking_url, "page_size": PAPER[paper], "narrow": paper == "58mm",
        "qr_svg": segno.make(tracking_url, error="m").svg_data_uri(scale=3, border=1),
        "operator": request.user, "printed_at": timezone.localtime(), "wording": receipt_wording(case),
        "regency": home_kabupaten().name,
    }, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tanda-terima-{case.reference}-{paper}.pdf"'
    return response


class SwitchForm(forms.Form):
    email = forms.CharField(label=gettext_lazy("Email or phone of the next operator"), max_length=254)
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput(render_value=False))
    token = forms.CharField(label=gettext_lazy("Code from the authenticator app"), max_length=8,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


def operator_switch(request: HttpRequest) -> HttpResponse:
    """Hand the shared device to another operator: the current one is logged out and the next one logged in
    (password and TOTP code) in one step. Open to anyone on the device: it only ever logs someone in."""
    form = SwitchForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            user = authenticate(request, username=form.cleaned_data["email"], password=form.cleaned_data["password"])
            device = (totp_device_matching(user=user, token=form.cleaned_data["token"])
                      if user is not None and user.role == Role.VILLAGE_OPERATOR else None)
            if device is None:
                form.add_error(None, _("These details do not match a village operator. Nobody was logged out."))
            else:
                logout(request)
                login(request, user, backend="simpul.accounts.backends.EmailOrPhoneBackend")
                otp_login(request, device)
                request.session[SESSION_SEEN] = timezone.now().timestamp()
                messages.success(request, _("{name} is now working on this device.").format(name=user.full_name))
                response = redirect("backoffice:operator_today")
                response["Clear-Site-Data"] = '"cache", "storage"'  # the previous operator's pages and outbox
                return response
    return render(request, "backoffice/operator_switch.html", {"form": form}, status=status)


def idle_minutes() -> float:
    return float(settings.SIMPUL_OPERATOR_IDLE_MINUTES)


class OperatorIdleLogoutMiddleware:
    """Logs a village operator out after SIMPUL_OPERATOR_IDLE_MINUTES (default 15) without a request: the device
    at the village hall is shared, and the next person must not act in the operator's name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "role", None) == Role.VILLAGE_OPERATOR:
            now = timezone.now()
            seen = request.session.get(SESSION_SEEN)
            if seen is not None and now.timestamp() - float(seen) > timedelta(minutes=idle_minutes()).total_seconds():
                logout(request)
                messages.info(request, _("You were logged out after {minutes} minutes without activity.").format(
                    minutes=f"{idle_minutes():g}"))
                response = redirect(reverse("accounts:login") + "?next=" + request.path)
                # The shared device forgets its cached pages. The offline outbox stays: its forms are encrypted with
                # a key only this operator's next log-in gets (simpul.core.offline), and are sent then.
                response["Clear-Site-Data"] = '"cache"'
                return response
            request.session[SESSION_SEEN] = now.timestamp()
        return self.get_response(request)

