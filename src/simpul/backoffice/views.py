"""The staff workspace under /kantor/: worklist, case screen with the actions allowed now, dashboard.

Every view needs a staff role with TOTP verified (`require_staff_mfa`); which cases a user sees is decided by
`simpul.cases.selectors` (their agencies, or cases disposed to them). Thin views: parse, call, render.
"""

from __future__ import annotations

from datetime import timedelta
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
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from simpul.accounts.permissions import may_reveal_nik, require_staff_mfa, village_scope
from simpul.agencies.models import Agency, Membership
from simpul.agencies.selectors import agencies_for_forwarding
from simpul.backoffice.dashboard import (
    dashboard_export_response,
    dimension_filter,
    figure_links,
    trend_chart,
    worklist_url,
)
from simpul.backoffice.forms import DashboardPeriodForm, WorklistFilterForm
from simpul.backoffice.selectors import dashboard_for_agency
from simpul.cases import actions, privacy, selectors
from simpul.cases.actions import Form
from simpul.cases.answers import ENCRYPTED_PREFIX, answers_in_clear
from simpul.cases.constants import CONSENT_DOCUMENT, CaseAction, CaseStatus, DispositionStatus
from simpul.cases.display import answer_rows, document_label, field_label
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
from simpul.cases.previews import PreviewUnavailable, page_count, preview_response, render_preview
from simpul.cases.workflow import TransitionNotAllowed
from simpul.catalog.models import ServiceVersion
from simpul.core.actors import Actor
from simpul.core.models import AccessDoor
from simpul.core.services import personal_data_access_record
from simpul.notifications.selectors import messages_for_case
from simpul.regions.models import Region, RegionLevel

FILTER_KEYS = ("status", "service", "kecamatan", "due", "assigned", "waiting", "sort", "q", "agency",
               "officer", "received_from", "received_to", "finished_from", "finished_to", "on_time")
# The filters only the dashboard's figures set: the filter bar has no control for them, so it carries them along.
DASHBOARD_KEYS = ("officer", "received_from", "received_to", "finished_from", "finished_to", "on_time")
TAB_LABELS = {"all": _lazy("All open"), "waiting": _lazy("Waiting for me"), "mine": _lazy("Mine"),
              "overdue": _lazy("Overdue")}


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
        case.forwarded_to_us = case.agency_id not in agency_ids
    if filters["q"]:  # the search is logged once, not each row it finds (the term encrypted: it may be a name)
        personal_data_access_record(door=AccessDoor.SEARCH, request=request, actor=request.user, term=filters["q"])
    return render(request, "backoffice/worklist.html", {
        "page": page, "filters": filters, "statuses": CaseStatus.choices, "services": services_choices,
        "kecamatan_list": kecamatan, "query": query.urlencode(), "today": timezone.localdate(),
        "filter_errors": form.problems(), "tabs": _tabs(request.user, filters),
        "dashboard_keys": DASHBOARD_KEYS, "from_dashboard": any(filters.get(key) for key in DASHBOARD_KEYS),
    }, status=400 if form.errors else 200)


def _tabs(user: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """The worklist's saved filters as links, each with its count (`selectors.worklist_counts`, one query); the
    tab whose filters are the ones applied now is the current one."""
    counts = selectors.worklist_counts(user)
    applied = {k: v for k, v in filters.items() if v and k not in ("sort", "q") and not (k == "status" and v == "open")}
    tabs = []
    for name, tab_filters in selectors.WORKLIST_TABS.items():
        link = "&".join(f"{k}={v}" for k, v in tab_filters.items())
        tabs.append({"name": name, "label": TAB_LABELS[name], "count": counts[name], "href": f"?{link}" if link else "?",
                     "current": applied == tab_filters})
    return tabs


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
            form = ForwardForm(*bound, prefix=item.action,
                               agencies=agencies_for_forwarding(exclude_id=case.agency_id))
        else:
            form = (RevisionForm(*bound, prefix=item.action, version=case.service_version,
                                 answers=case.form_data)
                    if kind == Form.REVISION else NoteForm(*bound, prefix=item.action))
            form.fields["note"].required = item.note_required
        note_audience_set(form, audience=item.audience, fixed=item.audience_fixed, required=item.note_required,
                          label=item.spec.note_label)
        forms[item.action] = {"form": form, "label": item.label, "action": item.action, "target": item.target_label,
                              "through": str(CaseAction(item.through).label) if item.through else ""}
    return forms


def _case_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    hidden = masked_answer_names(case, request.user)
    answers = answers_in_clear(case)
    documents = selectors.case_documents(case, include_deleted=True)
    events = list(case.events.select_related("actor").order_by("at", "id"))
    for event in events:
        event.changed_labels = [field_label(case.service_version, name)
                                for name in (event.data or {}).get("changed_fields") or []]
        previous = (event.data or {}).get("previous_answers")
        if previous:
            clear = dict(previous)
            for key, value in clear.items():
                if isinstance(value, str) and value.startswith(ENCRYPTED_PREFIX):
                    clear[key] = "enc"
            event.previous_rows = answer_rows(case.service_version, clear, mask=True, hidden=hidden)
    colleagues = _colleagues(case, request.user)
    for document in documents:
        document.label = document_label(case.service_version, document.spec_code)
        document.previewable = document.content_type in PREVIEW_TYPES
    dispositions = list(case.dispositions.select_related("from_agency", "to_agency"))
    ours = set(member_agency_ids(request.user))
    forms = extra.pop("forms", None) or _forms_for(case, request.user)
    primary = next(iter(forms), None)
    return {
        "case": case, "rows": answer_rows(case.service_version, answers, mask=True, hidden=hidden),
        "documents": documents, "events": events, "forms": forms, "primary": forms.get(primary) if primary else None,
        "other_forms": {k: v for k, v in forms.items() if k != primary},
        "reporter": contact_display(case, request.user), "identity_masked": identity_masked(case, request.user),
        "may_reveal": may_reveal_nik(request.user) and bool(case.nik_encrypted) and not hidden,
        "may_reveal_identity": may_reveal_identity(case, request.user),
        "assign_form": AssignForm(users=colleagues, initial={"to_user": case.assigned_to_id}) if colleagues else None,
        "desa_form": extra.pop("desa_form", None) or (
            DesaForm(initial={"desa": case.desa_id}) if actions.may_set_desa(case, Actor.of(request.user)) else None),
        "dispositions": dispositions,
        "incoming": next((d for d in dispositions if d.status == DispositionStatus.PENDING and d.to_agency_id in ours
                          and d.from_agency_id not in ours), None),
        "outgoing": next((d for d in dispositions if d.status == DispositionStatus.PENDING
                          and d.from_agency_id in ours), None),
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
                                  "passphrase": data.get("passphrase", "")}
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


def _dashboard_context(request: HttpRequest) -> dict[str, Any]:
    """The period, the agency (one of the user's, `?instansi=`) and its figures, each with its worklist link."""
    today = timezone.localdate()
    chosen = any(request.GET.get(key) for key in ("periode", "dari", "sampai"))
    form = DashboardPeriodForm(request.GET if chosen else {"periode": "bulan-ini"}, today=today)
    period, start, end = form.period()
    agencies = list(Agency.objects.filter(pk__in=member_agency_ids(request.user)).order_by("name"))
    agency = next((a for a in agencies if str(a.pk) == request.GET.get("instansi", "")), agencies[0] if agencies
                  else None)
    if agency is None:
        return {"form": form, "agency": None, "agencies": []}
    board = dashboard_for_agency(agency_id=agency.pk, start=start, end=end, today=today)
    base = {"agency": agency.pk}
    board.total.links = figure_links(base, start=start, end=end)
    for dimension, table in board.tables.items():
        for row in table:
            row.links = figure_links({**base, **dimension_filter(dimension, row.key)}, start=start, end=end)
    for row in board.months:
        last = (row.key + timedelta(days=31)).replace(day=1) - timedelta(days=1)
        row.links = figure_links(base, start=row.key, end=min(last, end))
    status_links = {status: worklist_url(base, status=status) for status, _label, _n in board.by_status}
    return {
        "form": form, "period": period, "board": board, "agency": agency, "agencies": agencies,
        "status_rows": [(label, n, status_links[status]) for status, label, n in board.by_status],
        "open_link": worklist_url(base), "trend_chart": trend_chart(board.months),
        "export_query": request.GET.urlencode(),
    }


PREVIEW_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})


def _document_for_staff(request: HttpRequest, reference: str, document_id: int) -> tuple[Case, Any]:
    case = selectors.case_get_for_staff(reference=reference, user=request.user)
    document = get_object_or_404(case.documents, pk=document_id, deleted_at__isnull=True)
    if document.content_type not in PREVIEW_TYPES:
        raise Http404
    return case, document


@require_staff_mfa
def case_document_view(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    """A page showing one document inline, page by page, as pictures drawn on the server (`cases.previews`);
    the pictures are the reads of the document, recorded like downloads."""
    case, document = _document_for_staff(request, reference, document_id)
    try:
        with document_open(document.stored_name) as handle:
            pages = page_count(handle)
    except FileNotFoundError:
        raise Http404 from None
    except PreviewUnavailable:
        pages = 0
    try:
        number = max(1, min(pages or 1, int(request.GET.get("halaman", "1"))))
    except ValueError:
        number = 1
    return render(request, "backoffice/document_view.html", {
        "case": case, "document": document, "label": document_label(case.service_version, document.spec_code),
        "pages": pages, "number": number, "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < pages else None,
    })


@require_staff_mfa
def case_document_preview(request: HttpRequest, reference: str, document_id: int, number: int) -> HttpResponse:
    """Page `number` of a document as a PNG drawn on the server: never the uploaded bytes."""
    case, document = _document_for_staff(request, reference, document_id)
    try:
        with document_open(document.stored_name) as handle:
            png = render_preview(handle, page=number)
    except (FileNotFoundError, PreviewUnavailable):
        raise Http404 from None
    privacy.case_document_download_record(case=case, document=document, actor=Actor.of(request.user), page=number)
    return preview_response(png)


@require_staff_mfa
def dashboard(request: HttpRequest) -> HttpResponse:
    context = _dashboard_context(request)
    return render(request, "backoffice/dashboard.html", context, status=400 if context["form"].errors else 200)


@require_staff_mfa
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dashboard's tables as CSV (one table, a column says which) or XLSX (a sheet each)."""
    context = _dashboard_context(request)
    if context["agency"] is None:
        raise Http404
    return dashboard_export_response(context["board"], agency=context["agency"], fmt=fmt)
