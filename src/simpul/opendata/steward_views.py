"""The walidata's pages under /data/kelola/: the workspace, a draft's pages (file, description, columns,
activity), sending for review, the reviewer's publish or send-back, changing and withdrawing a published
dataset. Every page needs a walidata or platform admin with the second factor; who may do what to a draft is
decided in `simpul.opendata.permissions` and enforced by the services of `simpul.opendata.drafts`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from simpul.accounts.models import Role
from simpul.accounts.permissions import require_staff_mfa
from simpul.opendata import display, drafts, selectors
from simpul.opendata.forms import (
    ActivityForm,
    DescriptionForm,
    DraftFileForm,
    IndicatorFormSet,
    NewDatasetForm,
    ReturnForm,
    VariableFormSet,
    WithdrawForm,
)
from simpul.opendata.models import DatasetDraft
from simpul.opendata.permissions import may_edit_draft, may_review_draft
from simpul.opendata.services import dataset_withdraw as withdraw

stewards = require_staff_mfa(roles=[Role.DATA_STEWARD, Role.PLATFORM_ADMIN])


def _errors_to_form(form: Any, exc: ValidationError, fallback: str | None = None) -> None:
    """Put a service's ValidationError on the form's fields (or on `fallback`, or the whole form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(fallback, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else fallback, errors)


def _with_errors(forms: list[Any]) -> list[Any]:
    """The forms (and the forms of formsets) that have errors, for the error summary at the top of a page."""
    found: list[Any] = []
    for form in forms:
        found += [f for f in getattr(form, "forms", [form]) if f.errors]
    return found


def _draft_page(request: HttpRequest, draft: DatasetDraft, template: str, context: dict[str, Any],
                status: int = 200, forms: list[Any] | None = None) -> HttpResponse:
    return render(request, template, {"draft": draft, "error_forms": _with_errors(forms or []), **context},
                  status=status)


def _editable_draft(request: HttpRequest, token: str) -> DatasetDraft | HttpResponse:
    draft = selectors.draft_get_for(user=request.user, token=token)
    if not may_edit_draft(request.user, draft):
        messages.error(request, _("Only the walidata who prepared this draft can change it, before it is sent "
                                  "for review."))
        return redirect("opendata:draft", token=draft.token)
    return draft


@stewards
def manage(request: HttpRequest) -> HttpResponse:
    return render(request, "opendata/manage.html", {"workspace": selectors.workspace_for(request.user)})


@stewards
@require_http_methods(["GET", "POST"])
def draft_new(request: HttpRequest) -> HttpResponse:
    """Step 1: the file and the title. A readable file is kept in a draft at once, whatever else is wrong."""
    form = NewDatasetForm(request.POST or None, request.FILES or None)
    kept = None
    if request.method == "POST":
        token = request.POST.get("kept", "")[:64]
        if token:
            found = selectors.draft_get_for(user=request.user, token=token)
            kept = found if found.dataset_id is None and may_edit_draft(request.user, found) else None
        form.is_valid()
        upload = form.cleaned_data.get("file")
        if upload:
            try:
                content = upload.read()
                kept = (drafts.dataset_draft_keep_file(actor=request.user, draft=kept, upload_name=upload.name,
                                                       content=content) if kept is not None else
                        drafts.dataset_draft_start(actor=request.user, upload_name=upload.name, content=content))
            except ValidationError as exc:
                _errors_to_form(form, exc, "file")
        elif kept is None and "file" not in form.errors:
            form.add_error("file", _("Choose the data file."))
        if kept is not None and not form.errors:
            title = form.cleaned_data["title_id"]
            drafts.dataset_draft_update(actor=request.user, draft=kept, metadata={"title_id": title},
                                        slug=drafts.suggested_slug(title, draft=kept))
            messages.success(request, _("The draft is saved with its file. Describe the data, then send it for "
                                        "review."))
            return redirect("opendata:draft", token=kept.token)
    return render(request, "opendata/draft_new.html", {"form": form, "kept": kept, "error_forms": _with_errors([form])},
                  status=400 if request.method == "POST" else 200)


@stewards
def draft_overview(request: HttpRequest, token: str) -> HttpResponse:
    return _overview(request, selectors.draft_get_for(user=request.user, token=token))


def _overview(request: HttpRequest, draft: DatasetDraft, return_form: ReturnForm | None = None,
              status: int = 200) -> HttpResponse:
    """The draft's page: everything it holds, what is missing, and what this person may do with it."""
    dataset = drafts.draft_dataset(draft)
    return _draft_page(request, draft, "opendata/draft.html", {
        "dataset": dataset, "problems": drafts.draft_problems(draft),
        "may_edit": may_edit_draft(request.user, draft), "may_review": may_review_draft(request.user, draft),
        "is_mine": draft.prepared_by_id == request.user.pk,
        "facts": display.facts(dataset), "activity": display.activity_rows(dataset.ms_keg),
        "variables": display.variables(draft.ms_var), "preview": [[row.get(c) for c in draft.columns]
                                                                  for row in draft.preview],
        "return_form": return_form or ReturnForm(), "file_size": len(draft.file_content or b""),
    }, status=status, forms=[return_form] if return_form is not None else [])


@stewards
@require_http_methods(["GET", "POST"])
def draft_file(request: HttpRequest, token: str) -> HttpResponse:
    draft = _editable_draft(request, token)
    if isinstance(draft, HttpResponse):
        return draft
    form = DraftFileForm(request.POST or None, request.FILES or None, initial={"change_note": draft.change_note})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            drafts.dataset_draft_keep_file(actor=request.user, draft=draft, upload_name=upload.name,
                                           content=upload.read(), change_note=form.cleaned_data["change_note"])
        except ValidationError as exc:
            _errors_to_form(form, exc, "file")
        else:
            messages.success(request, _("The new file is kept in the draft. Check the description of its columns."))
            return redirect("opendata:draft_columns", token=draft.token)
    return _draft_page(request, draft, "opendata/draft_file.html", {"form": form},
                       status=400 if request.method == "POST" else 200, forms=[form])


@stewards
@require_http_methods(["GET", "POST"])
def draft_description(request: HttpRequest, token: str) -> HttpResponse:
    draft = _editable_draft(request, token)
    if isinstance(draft, HttpResponse):
        return draft
    fixed = draft.dataset_id is not None
    form = DescriptionForm(request.POST or None, initial=DescriptionForm.initial_from(draft.slug, draft.metadata),
                           slug_fixed=fixed)
    if request.method == "POST" and form.is_valid():
        try:
            drafts.dataset_draft_update(actor=request.user, draft=draft, metadata=form.metadata(),
                                        slug=None if fixed else form.cleaned_data["slug"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The description is saved."))
            return redirect("opendata:draft", token=draft.token)
    return _draft_page(request, draft, "opendata/draft_description.html", {"form": form},
                       status=400 if request.method == "POST" else 200, forms=[form])


@stewards
@require_http_methods(["GET", "POST"])
def draft_columns(request: HttpRequest, token: str) -> HttpResponse:
    draft = _editable_draft(request, token)
    if isinstance(draft, HttpResponse):
        return draft
    formset = VariableFormSet(request.POST or None, initial=draft.ms_var, prefix="col")
    problems: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            drafts.dataset_draft_update(actor=request.user, draft=draft,
                                        ms_var=[f.cleaned_data for f in formset.forms])
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, _("The columns are saved."))
            return redirect("opendata:draft", token=draft.token)
    samples = {c: [str(row.get(c)) for row in draft.preview[:3] if row.get(c) not in (None, "")]
               for c in draft.columns}
    published = set(draft.dataset.columns) if draft.dataset_id is not None and draft.dataset else set(draft.columns)
    rows = [(column, samples.get(column, []), form, column not in published)
            for column, form in zip(draft.columns, formset.forms, strict=False)]
    if request.method == "POST" and not formset.is_valid():
        problems += [str(e) for e in formset.non_form_errors()]
    return _draft_page(request, draft, "opendata/draft_columns.html",
                       {"formset": formset, "rows": rows, "error_messages": problems},
                       status=400 if request.method == "POST" else 200, forms=[formset])


@stewards
@require_http_methods(["GET", "POST"])
def draft_activity(request: HttpRequest, token: str) -> HttpResponse:
    draft = _editable_draft(request, token)
    if isinstance(draft, HttpResponse):
        return draft
    form = ActivityForm(request.POST or None, initial=draft.metadata.get("ms_keg") or {
        "penyelenggara": drafts.draft_dataset(draft).producer.name if draft.metadata.get("producer") else ""})
    indicators = IndicatorFormSet(request.POST or None, initial=draft.ms_ind, prefix="ind")
    if request.method == "POST" and form.is_valid() and indicators.is_valid():
        drafts.dataset_draft_update(actor=request.user, draft=draft, metadata={"ms_keg": form.cleaned_data},
                                    ms_ind=[f.cleaned_data for f in indicators.forms])
        messages.success(request, _("The statistical activity is saved."))
        return redirect("opendata:draft", token=draft.token)
    return _draft_page(request, draft, "opendata/draft_activity.html", {"form": form, "indicators": indicators},
                       status=400 if request.method == "POST" else 200, forms=[form, indicators])


@stewards
@require_POST
def draft_submit(request: HttpRequest, token: str) -> HttpResponse:
    draft = selectors.draft_get_for(user=request.user, token=token)
    try:
        drafts.dataset_draft_submit(actor=request.user, draft=draft)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("opendata:draft", token=draft.token)
    messages.success(request, _("Sent for review. Another walidata or the platform admin checks it and "
                                "publishes it."))
    return redirect("opendata:manage")


@stewards
@require_POST
def draft_take_back(request: HttpRequest, token: str) -> HttpResponse:
    draft = selectors.draft_get_for(user=request.user, token=token)
    drafts.dataset_draft_take_back(actor=request.user, draft=draft)
    messages.success(request, _("The draft is back with you; send it for review again when it is ready."))
    return redirect("opendata:draft", token=draft.token)


@stewards
@require_http_methods(["GET", "POST"])
def draft_discard(request: HttpRequest, token: str) -> HttpResponse:
    draft = selectors.draft_get_for(user=request.user, token=token)
    if request.method == "POST":
        drafts.dataset_draft_discard(actor=request.user, draft=draft)
        messages.success(request, _("The draft is deleted. Nothing published has changed."))
        return redirect("opendata:manage")
    return _draft_page(request, draft, "opendata/draft_discard.html", {})


@stewards
@require_POST
def draft_publish(request: HttpRequest, token: str) -> HttpResponse:
    draft = selectors.draft_get_for(user=request.user, token=token)
    try:
        dataset = drafts.dataset_draft_publish(actor=request.user, draft=draft)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("opendata:draft", token=draft.token)
    messages.success(request, _("The dataset is published."))
    return redirect("opendata:detail", slug=dataset.slug)


@stewards
@require_POST
def draft_return(request: HttpRequest, token: str) -> HttpResponse:
    draft = selectors.draft_get_for(user=request.user, token=token)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            drafts.dataset_draft_return(actor=request.user, draft=draft, note=form.cleaned_data["note"])
        except ValidationError as exc:
            _errors_to_form(form, exc, "note")
        else:
            messages.success(request, _("The draft is sent back with your note."))
            return redirect("opendata:manage")
    return _overview(request, draft, return_form=form, status=400)


@stewards
@require_POST
def dataset_change(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_get_for_manager(user=request.user, slug=slug)
    try:
        draft = drafts.dataset_draft_for_change(actor=request.user, dataset=dataset)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("opendata:manage")
    return redirect("opendata:draft", token=draft.token)


@stewards
@require_http_methods(["GET", "POST"])
def dataset_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = selectors.dataset_get_for_manager(user=request.user, slug=slug)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdraw(actor=request.user, dataset=dataset, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors_to_form(form, exc, "reason")
        else:
            messages.success(request, _("The dataset is withdrawn. Its page now says so, with your reason."))
            return redirect(reverse("opendata:manage"))
    return render(request, "opendata/withdraw.html", {"dataset": dataset, "form": form,
                                                      "error_forms": _with_errors([form])},
                  status=400 if request.method == "POST" else 200)
