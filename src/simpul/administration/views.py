"""The administration screens under /kantor/admin/: the admin home, staff and offices. Thin: parse, call one
service or selector, render. Who may open each screen is `permissions.py`; the services check again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from simpul.accounts.permissions import require_staff_mfa
from simpul.administration import selectors, services
from simpul.administration.forms import DeactivateForm, OfficeForm, StaffForm
from simpul.administration.links import admin_links
from simpul.administration.permissions import ADMIN_ROLES, STAFF_READER_ROLES, may_administer
from simpul.agencies.models import Agency
from simpul.agencies.services import AGENCY_FIELDS, agency_create, agency_update
from simpul.core.checkups import audit_verify_task


def _posted(request: HttpRequest) -> Any:
    """The posted data, bound even when empty (an empty POST is still a submission to validate)."""
    return request.POST if request.method == "POST" else None


def _status(form: Any) -> int:
    return 400 if form.errors else 200


@require_staff_mfa(roles=ADMIN_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "administration/home.html",
                  {"health": selectors.platform_health(), "links": admin_links(request.user)})


@require_POST
@require_staff_mfa(roles=ADMIN_ROLES)
def audit_verify(request: HttpRequest) -> HttpResponse:
    transaction.on_commit(audit_verify_task.enqueue)
    messages.success(request, _("The check of the audit trail has started. Its result appears here when it is done."))
    return redirect("administration:home")


@require_staff_mfa(roles=STAFF_READER_ROLES)
def staff_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    staff = selectors.staff_list_for(viewer=request.user, q=q)
    return render(request, "administration/staff_list.html",
                  {"staff": staff[:500], "q": q, "may_administer": may_administer(request.user)})


@require_http_methods(["GET", "POST"])
@require_staff_mfa(roles=ADMIN_ROLES)
def staff_new(request: HttpRequest) -> HttpResponse:
    form = StaffForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_invite(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("{name} is invited: the invitation is on its way to {email}.").format(
                name=user.full_name, email=user.email))
            return redirect("administration:staff_detail", pk=user.pk)
    return render(request, "administration/staff_form.html", {"form": form, "creating": True}, status=_status(form))


def _staff_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.staff_get_for(viewer=request.user, pk=pk)
    except Exception as exc:  # User.DoesNotExist: not one of the staff this viewer may read
        raise Http404 from exc


@require_staff_mfa(roles=STAFF_READER_ROLES)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _staff_or_404(request, pk)
    return render(request, "administration/staff_detail.html", {
        "person": person, "trail": selectors.audit_trail_for_user(user=person),
        "may_administer": may_administer(request.user), "invited": not person.has_usable_password(),
    })


@require_http_methods(["GET", "POST"])
@require_staff_mfa(roles=ADMIN_ROLES)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _staff_or_404(request, pk)
    membership = selectors.staff_membership(person)
    initial = {"full_name": person.full_name, "role": person.role, "village": person.village_id or "",
               "agency": membership.agency.code if membership else None}
    form = StaffForm(_posted(request), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(actor=request.user, user=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("administration:staff_detail", pk=person.pk)
    return render(request, "administration/staff_form.html", {"form": form, "person": person}, status=_status(form))


@require_POST
@require_staff_mfa(roles=ADMIN_ROLES)
def staff_resend(request: HttpRequest, pk: int) -> HttpResponse:
    person = _staff_or_404(request, pk)
    try:
        services.staff_invitation_resend(actor=request.user, user=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A new invitation is on its way to {email}.").format(email=person.email))
    return redirect("administration:staff_detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
@require_staff_mfa(roles=ADMIN_ROLES)
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _staff_or_404(request, pk)
    form = DeactivateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            done = services.staff_deactivate(actor=request.user, user=person, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _(
                "{name} can no longer log in: {sessions} open sessions ended, {keys} API keys revoked."
            ).format(name=person.full_name or person.email, sessions=done.sessions_ended, keys=done.api_keys_revoked))
            return redirect("administration:staff_detail", pk=person.pk)
    return render(request, "administration/staff_deactivate.html", {"form": form, "person": person},
                  status=_status(form))


@require_staff_mfa(roles=ADMIN_ROLES)
def office_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    return render(request, "administration/office_list.html", {"offices": selectors.office_list(q=q), "q": q})


@require_staff_mfa(roles=STAFF_READER_ROLES)
def office_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        office = selectors.office_get(viewer=request.user, code=code)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc
    except PermissionDenied:
        raise
    return render(request, "administration/office_detail.html", {
        "office": office, "trail": selectors.audit_trail_for_office(agency=office),
        "staff": selectors.staff_list_for(viewer=request.user, agency=office),
        "units": office.units.order_by("name"), "may_administer": may_administer(request.user),
    })


def _office_data(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in cleaned.items() if key in AGENCY_FIELDS}


@require_http_methods(["GET", "POST"])
@require_staff_mfa(roles=ADMIN_ROLES)
def office_new(request: HttpRequest) -> HttpResponse:
    form = OfficeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = _office_data(form.cleaned_data)
        active = data.pop("is_active")
        try:
            office = agency_create(code=form.cleaned_data["code"], actor=request.user, **data)
            if not active:
                agency_update(agency=office, actor=request.user, is_active=False)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The office is saved."))
            return redirect("administration:office_detail", code=office.code)
    return render(request, "administration/office_form.html", {"form": form, "creating": True}, status=_status(form))


@require_http_methods(["GET", "POST"])
@require_staff_mfa(roles=ADMIN_ROLES)
def office_edit(request: HttpRequest, code: str) -> HttpResponse:
    try:
        office = selectors.office_get(viewer=request.user, code=code)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc
    initial = {field: getattr(office, field) for field in AGENCY_FIELDS if field not in ("parent", "region")}
    initial.update(parent=office.parent.code if office.parent else None,
                   region=office.region.code if office.region else None)
    form = OfficeForm(_posted(request), initial=initial, editing=office)
    if request.method == "POST" and form.is_valid():
        try:
            agency_update(agency=office, actor=request.user, **_office_data(form.cleaned_data))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("administration:office_detail", code=office.code)
    return render(request, "administration/office_form.html", {"form": form, "office": office}, status=_status(form))
