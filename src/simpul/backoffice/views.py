"""The staff workspace under /kantor/: worklist, case screen with the actions allowed now, dashboard.

Every view needs a staff role with TOTP verified (`require_staff_mfa`); which cases a user sees is decided by
`simpul.cases.selectors` (their agencies, or cases disposed to them). Thin views: parse, call, render.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from simpul.accounts.permissions import may_reveal_nik, require_staff_mfa, village_scope
from simpul.agencies.models import Agency, Membership
from simpul.backoffice.forms import WorklistFilterForm
from simpul.cases import actions, privacy, selectors
from simpul.cases.actions import Form
from simpul.cases.answers import ENCRYPTED_PREFIX, answers_in_clear
from simpul.cases.constants import CONSENT_DOCUMENT, CaseAction, CaseStatus
from simpul.cases.display import answer_rows
from simpul.cases.documents import document_open
from simpul.cases.forms import (
    ApproveForm,
    AssignForm,
    DesaForm,
    ForwardForm,
    NoteForm,
    RevisionForm,
    note_audience_set,
)
from simpul.cases.models import Case
from simpul.cases.permissions import (
    contact_display,
    identity_masked,
    masked_answer_names,
    may_reveal_identity,
    member_agency_ids,
    reporter_display,
)
from simpul.cases.workflow import TransitionNotAllowed
from simpul.catalog.models import ServiceVersion
from simpul.core.actors import Actor
from simpul.core.models import AccessDoor
from simpul.core.services import personal_data_access_record
from simpul.notifications.selectors import messages_for_case
from simpul.regions.models import Region, RegionLevel

FILTER_KEYS = ("status", "service", "kecamatan", "due", "assigned", "sort", "q", "agency")


class WorklistPaginator(Paginator):
    """Counts at most `cap` cases. Counting every case of a large agency costs more than the page itself (at a
    million cases, hundreds of thousands of index entries per request); past the cap the worklist says "more
    than" and lists the first `cap`: the filters narrow it down (docs/operations.md, "Worklist at scale")."""

    cap = 1_000
    capped = False

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: self.cap + 1].count()  # any cap + 1 rows: no sort needed
        self.capped = counted > self.cap
        return min(counted, self.cap)


@require_staff_mfa
def worklist(request: HttpRequest) -> HttpResponse:
    agency_ids = member_agency_ids(request.user)
    if not agency_ids and village_scope(request.user):
        return redirect("backoffice:operator_today")
    form = WorklistFilterForm({key: request.GET.get(key, "").strip() for key in FILTER_KEYS})
    form.is_valid()
    filters = form.filters()
    page = WorklistPaginator(selectors.case_list_for_officer(request.user, filters), 50).get_page(
        request.GET.get("page"))

    services_choices = (ServiceVersion.objects.filter(agency_id__in=agency_ids, status="published")
                        .select_related("service").order_by("name_id"))
    kecamatan = Region.objects.filter(level=RegionLevel.KECAMATAN).order_by("name")
    query = request.GET.copy()
    query.pop("page", None)
    for case in page:
        case.reporter = reporter_display(case, request.user)
    if filters["q"]:  # the search is logged once, not each row it finds (the term encrypted: it may be a name)
        personal_data_access_record(door=AccessDoor.SEARCH, request=request, actor=request.user, term=filters["q"])
    return render(request, "backoffice/worklist.html", {
        "page": page, "filters": filters, "statuses": CaseStatus.choices, "services": services_choices,
        "kecamatan_list": kecamatan, "query": query.urlencode(), "today": timezone.localdate(),
        "filter_errors": form.problems(),
    }, status=400 if form.errors else 200)


def _forms_for(case: Case, user: Any, data: Any = None, files: Any = None, only: str = "") -> dict[str, Any]:
    """A form for each workflow action the user may take now (`simpul.cases.actions.available_actions`), bound
    to `data` for the action `only`."""
    forms: dict[str, Any] = {}
    for item in actions.available_actions(case, Actor.of(user)):
        kind = item.spec.form
        if kind not in (Form.NOTE, Form.REVISION, Form.APPROVE, Form.FORWARD):
            continue  # the applicant's own actions, and assigning (its own form on the page)
        bound = (data, files) if item.action == only else (None, None)
        if kind == Form.APPROVE:
            form: Any = ApproveForm(*bound, prefix=item.action)
        elif kind == Form.FORWARD:
            agencies = Agency.objects.filter(is_active=True).exclude(pk=case.agency_id).order_by("name")
            form = ForwardForm(*bound, prefix=item.action, agencies=agencies)
        else:
            form = (RevisionForm(*bound, prefix=item.action, version=case.service_version,
                                 answers=case.form_data)
                    if kind == Form.REVISION else NoteForm(*bound, prefix=item.action))
            form.fields["note"].required = item.note_required
            if item.note_required:
                form.fields["note"].label = _("Reason or message (required)")
        note_audience_set(form, audience=item.audience, fixed=item.audience_fixed)
        forms[item.action] = {"form": form, "label": item.label, "action": item.action, "target": item.target_label}
    return forms


def _case_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    hidden = masked_answer_names(case, request.user)
    answers = answers_in_clear(case)
    documents = selectors.case_documents(case, include_deleted=True)
    events = list(case.events.select_related("actor").order_by("at", "id"))
    for event in events:
        previous = (event.data or {}).get("previous_answers")
        if previous:
            clear = dict(previous)
            for key, value in clear.items():
                if isinstance(value, str) and value.startswith(ENCRYPTED_PREFIX):
                    clear[key] = "enc"
            event.previous_rows = answer_rows(case.service_version, clear, mask=True, hidden=hidden)
    colleagues = _colleagues(case, request.user)
    return {
        "case": case, "rows": answer_rows(case.service_version, answers, mask=True, hidden=hidden),
        "documents": documents, "events": events, "forms": extra.pop("forms", None) or _forms_for(case, request.user),
        "reporter": contact_display(case, request.user), "identity_masked": identity_masked(case, request.user),
        "may_reveal": may_reveal_nik(request.user) and bool(case.nik_encrypted) and not hidden,
        "may_reveal_identity": may_reveal_identity(case, request.user),
        "assign_form": AssignForm(users=colleagues, initial={"to_user": case.assigned_to_id}) if colleagues else None,
        "desa_form": extra.pop("desa_form", None) or (
            DesaForm(initial={"desa": case.desa_id}) if actions.may_set_desa(case, Actor.of(request.user)) else None),
        "dispositions": list(case.dispositions.select_related("from_agency", "to_agency")),
        "notification_messages": messages_for_case(case.reference), "consent_code": CONSENT_DOCUMENT,
        "consent_attached": any(d.spec_code == CONSENT_DOCUMENT and not d.deleted_at for d in documents),
        "today": timezone.localdate(), **extra,
    }


def _colleagues(case: Case, user: Any) -> Any:
    """Whom an officer or head may assign an open case to (the active members of its agency), else None."""
    if not actions.may_assign(case, Actor.of(user)):
        return None
    members = Membership.objects.filter(agency_id=case.agency_id, is_active=True).values("user_id")
    return get_user_model().objects.filter(pk__in=members).order_by("full_name")


@require_staff_mfa
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_get_for_staff(reference=reference, user=request.user)
    personal_data_access_record(door=AccessDoor.CASE_VIEW, request=request, actor=request.user, case=case)
    return render(request, "backoffice/case_detail.html", _case_context(request, case))


@require_staff_mfa
@require_POST
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    case = selectors.case_get_for_staff(reference=reference, user=request.user)
    forms = _forms_for(case, request.user, request.POST, request.FILES, only=action)
    if action not in forms:
        messages.error(request, _("This action is not possible now. The page shows what you can do."))
        return redirect("backoffice:case_detail", reference=case.reference)
    form = forms[action]["form"]
    if form.is_valid():
        try:
            _run(case, action, request.user, form.cleaned_data)
        except (TransitionNotAllowed, ValidationError) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                form.add_error(None, message)
        else:
            messages.success(request, _("Done: {action}.").format(action=forms[action]["label"]))
            return redirect("backoffice:case_detail", reference=case.reference)
    context = _case_context(request, case, forms=forms, open_action=action)
    return render(request, "backoffice/case_detail.html", context, status=400)


def _run(case: Case, action: str, user: Any, data: dict[str, Any]) -> None:
    """The action's parameters from its form (`simpul.cases.actions.ACTIONS` says which), then `perform`."""
    note = data.get("note", "") or ""
    audience = data.get("note_audience") or None
    kind = actions.ACTIONS[action].form
    if kind == Form.APPROVE:
        params: dict[str, Any] = {"note": note, "result_file": data.get("result_file"),
                                  "generate_letter": bool(data.get("generate_letter"))}
    elif kind == Form.FORWARD:
        params = {"to_agency": data["to_agency"], "note": note, "note_audience": audience}
    elif kind == Form.REVISION:
        params = {"note": note, "note_audience": audience, "fields": data.get("fields_asked") or [],
                  "documents": data.get("documents_asked") or []}
    else:
        params = {"note": note, "note_audience": audience}
    actions.perform(case, action, Actor.of(user), **params)


@require_staff_mfa
@require_POST
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_get_for_staff(reference=reference, user=request.user)
    if request.POST.get("me"):
        to_user = request.user
    else:
        colleagues = _colleagues(case, request.user)
        to_user = None  # with no colleagues to choose from, the service says why this user may not assign
        if colleagues is not None:
            form = AssignForm(request.POST, users=colleagues)
            if not form.is_valid():  # not a colleague, or not an id at all (an edited page)
                return render(request, "backoffice/case_detail.html",
                              _case_context(request, case, assign_form=form), status=400)
            to_user = form.cleaned_data["to_user"]
    try:
        actions.perform(case, CaseAction.ASSIGN, Actor.of(request.user), to_user=to_user)
    except (TransitionNotAllowed, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The case is assigned."))
    if request.POST.get("next") == "worklist":
        return redirect("backoffice:worklist")
    return redirect("backoffice:case_detail", reference=case.reference)


@require_staff_mfa
@require_POST
def case_set_desa(request: HttpRequest, reference: str) -> HttpResponse:
    """The office sets the village of a case (one located by its point alone comes without one)."""
    case = selectors.case_get_for_staff(reference=reference, user=request.user)
    form = DesaForm(request.POST)
    if not form.is_valid():
        return render(request, "backoffice/case_detail.html", _case_context(request, case, desa_form=form),
                      status=400)
    try:
        actions.perform(case, CaseAction.SET_DESA, Actor.of(request.user), desa=form.cleaned_data["desa"])
    except (TransitionNotAllowed, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The village is set."))
    return redirect("backoffice:case_detail", reference=case.reference)


@require_staff_mfa
@require_POST
def case_reveal_nik(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_get_for_staff(reference=reference, user=request.user)
    try:
        nik = privacy.case_nik_reveal(case=case, actor=Actor.of(request.user))
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("backoffice:case_detail", reference=case.reference)
    return render(request, "backoffice/case_detail.html", _case_context(request, case, nik_clear=nik))


@require_staff_mfa
@require_POST
def case_reveal_identity(request: HttpRequest, reference: str) -> HttpResponse:
    """The complaint-handling unit reveals a confidential reporter (audited); refused to every other office."""
    case = selectors.case_get_for_staff(reference=reference, user=request.user)
    try:
        identity = privacy.case_identity_reveal(case=case, actor=Actor.of(request.user))
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("backoffice:case_detail", reference=case.reference)
    return render(request, "backoffice/case_detail.html", _case_context(request, case, identity_clear=identity))


@require_staff_mfa
def case_document(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    case = selectors.case_get_for_staff(reference=reference, user=request.user)
    document = get_object_or_404(case.documents, pk=document_id, deleted_at__isnull=True)
    privacy.case_document_download_record(case=case, document=document, actor=Actor.of(request.user))
    try:
        handle = document_open(document.stored_name)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=document.content_type, as_attachment=True,
                            filename=document.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_staff_mfa
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        days = max(1, min(366, int(request.GET.get("hari", "30"))))
    except ValueError:
        days = 30
    start: date = today - timedelta(days=days)
    agencies = Agency.objects.filter(pk__in=member_agency_ids(request.user)).order_by("name")
    rows = []
    for agency in agencies:
        stats = selectors.dashboard_stats(agency_id=agency.pk, start=start, end=today)
        peak = max(stats.by_status.values(), default=0) or 1
        bars = [{"label": CaseStatus(s).label if s in CaseStatus.values else s, "count": n, "y": 20 * i,
                 "width": round(300 * n / peak)} for i, (s, n) in enumerate(sorted(stats.by_status.items()))]
        rows.append({"agency": agency, "stats": stats, "bars": bars, "chart_height": 20 * len(bars),
                     "on_time_pct": round(100 * stats.on_time_rate) if stats.on_time_rate is not None else None})
    return render(request, "backoffice/dashboard.html", {"rows": rows, "days": days, "start": start, "end": today})
