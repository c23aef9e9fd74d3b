"""The service designer (/kelola-layanan/, namespace `designer`): a platform admin or an office's service
manager creates and changes services in pages that work without JavaScript.

Every change goes into the service's draft version through `services.service_version_update` (audited, checked by
the engine); the engine's messages are shown at the question, page or document they name. Publishing is one
audited action (`services.service_version_publish`); cases keep the version they were sent under.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from types import SimpleNamespace
from typing import Any

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from simpul.accounts.permissions import require_staff_mfa
from simpul.catalog import designer as d
from simpul.catalog.designer_forms import (
    DocumentForm,
    ImportForm,
    NewPageForm,
    NewServiceForm,
    PageForm,
    QuestionForm,
    ServiceDetailsForm,
)
from simpul.catalog.forms_engine import definition_errors, document_specs, json_answers, localized, page_form
from simpul.catalog.permissions import designer_agencies, is_platform_admin, may_use_designer
from simpul.catalog.selectors import DesignedService, service_for_designer, services_for_designer
from simpul.catalog.services import (
    CatalogImportError,
    service_create,
    service_export_yaml,
    service_import_yaml,
    service_version_draft_from,
    service_version_publish,
    service_version_update,
)
from simpul.core.files import limits_text

PREVIEW_SESSION = "designer_preview"


def designer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff with a verified second factor who may design services (`simpul.catalog.permissions`)."""

    @require_staff_mfa
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_use_designer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _service(request: HttpRequest, code: str, *, draft: bool = False) -> DesignedService:
    designed = service_for_designer(code=code, user=request.user)
    if draft and designed.draft is None:
        raise Http404
    return designed


def _overview(code: str, anchor: str = "") -> HttpResponse:
    return redirect(reverse("designer:overview", kwargs={"code": code}) + (f"#{anchor}" if anchor else ""))


def _save(request: HttpRequest, designed: DesignedService, done: str, **fields: Any) -> bool:
    """Write `fields` into the draft; False (with the engine's messages shown) when it refuses them."""
    try:
        service_version_update(version=designed.draft, actor=request.user, **fields)  # type: ignore[arg-type]
    except ValidationError as exc:
        form = fields.get("form", designed.draft.form if designed.draft else None)
        for message in d.readable_errors(_messages(exc), form):
            messages.error(request, message)
        return False
    messages.success(request, done)
    return True


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [str(m) for msgs in exc.message_dict.values() for m in msgs]
    return [str(m) for m in exc.messages]


def _put_errors(form: Any, grouped: dict[str, list[str]], mapping: dict[str, str]) -> None:
    """The engine's messages about one item on the form fields they concern (the rest on the whole form)."""
    for key, texts in grouped.items():
        target = mapping.get(key, key if key in form.fields else None)
        for text in texts:
            form.add_error(target, text)


def _add_other_errors(form: Any, grouped: dict[str, dict[str, list[str]]], definition: Any) -> None:
    """Messages about other items (a later question whose condition this change breaks) on the whole form."""
    for message in d.readable_errors([text if not item else f"{item}.{key}: {text}" if key else f"{item}: {text}"
                                      for item, keys in grouped.items() for key, texts in keys.items()
                                      for text in texts], definition):
        form.add_error(None, message)


# -- the list, a new service, details -------------------------------------------------------------------------------


@designer_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/designer/index.html", {
        "services": services_for_designer(user=request.user), "may_import": is_platform_admin(request.user),
        "import_form": ImportForm(),
    })


@designer_required
def service_new(request: HttpRequest) -> HttpResponse:
    agencies = designer_agencies(request.user)
    form = NewServiceForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        version = service_create(code=form.cleaned_data["code"], actor=request.user, **form.version_fields())
        messages.success(request, _("The service is created as a draft. Now add its pages and questions."))
        return _overview(version.service.code)
    return render(request, "catalog/designer/details.html", {"form": form, "designed": None},
                  status=400 if form.errors else 200)


@designer_required
def overview(request: HttpRequest, code: str) -> HttpResponse:
    designed = _service(request, code)
    version = designed.shown
    problems = definition_errors(form=version.form, documents=version.documents) if version else []
    return render(request, "catalog/designer/overview.html", {
        "designed": designed, "version": version, "editable": designed.draft is not None,
        **d.outline(version.form if version else {}, version.documents if version else []),
        "problems": d.readable_errors(problems, version.form if version else None),
    })


@designer_required
def details(request: HttpRequest, code: str) -> HttpResponse:
    designed = _service(request, code, draft=True)
    agencies = designer_agencies(request.user)
    form = ServiceDetailsForm(request.POST or None, instance=designed.draft, agencies=agencies)
    if request.method == "POST" and form.is_valid() and _save(
            request, designed, _("The details are saved in the draft."), **form.version_fields()):
        return _overview(code)
    if request.method == "POST":
        designed.draft.refresh_from_db()  # type: ignore[union-attr]  # the form changed it in memory
    return render(request, "catalog/designer/details.html", {"form": form, "designed": designed},
                  status=400 if form.errors else 200)


@designer_required
@require_POST
def draft_new(request: HttpRequest, code: str) -> HttpResponse:
    designed = _service(request, code)
    if designed.draft is None and designed.shown is not None:
        service_version_draft_from(version=designed.shown, actor=request.user)
        messages.success(request, _("A new draft is ready: change it, then publish it."))
    return _overview(code)


# -- pages ----------------------------------------------------------------------------------------------------------


def _page_index(designed: DesignedService, page: int) -> int:
    if not 0 <= page < len(d.pages_of(designed.draft.form)):  # type: ignore[union-attr]
        raise Http404
    return page


@designer_required
def page_add(request: HttpRequest, code: str) -> HttpResponse:
    designed = _service(request, code, draft=True)
    draft = designed.draft
    form = NewPageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        question = d.question_spec({"label_id": data["first_label_id"], "type": data["first_type"],
                                    "choices": data["first_choices"]},
                                   existing=None, taken=d.field_names(draft.form))  # type: ignore[union-attr]
        new = d.page_add(draft.form, title_id=data["title_id"], title_en=data["title_en"],  # type: ignore[union-attr]
                         fields=[question])
        number = len(d.pages_of(new)) - 1
        grouped = d.errors_by_item(definition_errors(form=new, documents=draft.documents), new)  # type: ignore[union-attr]
        _put_errors(form, grouped.pop(d.item_path(page=number, field=0), {}),
                    {"": "__all__", "label_id": "first_label_id", "type": "first_type",
                     "choices": "first_choices"})
        _add_other_errors(form, grouped, new)
        if not form.errors and _save(request, designed, _("The page is added."), form=new):
            return redirect("designer:question_edit", code=code, page=number, index=0)
    return render(request, "catalog/designer/page_form.html", {"form": form, "designed": designed, "page": None},
                  status=400 if form.errors else 200)


@designer_required
def page_edit(request: HttpRequest, code: str, page: int) -> HttpResponse:
    designed = _service(request, code, draft=True)
    draft = designed.draft
    page = _page_index(designed, page)
    current = d.pages_of(draft.form)[page]  # type: ignore[union-attr]
    form = PageForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        new = d.page_update(draft.form, page, **form.cleaned_data)  # type: ignore[union-attr]
        if _save(request, designed, _("The page is saved."), form=new):
            return _overview(code, f"page-{page}")
    return render(request, "catalog/designer/page_form.html", {
        "form": form, "designed": designed, "page": current, "page_number": page + 1,
    }, status=400 if form.errors else 200)


def _step(request: HttpRequest) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


@designer_required
@require_POST
def page_move(request: HttpRequest, code: str, page: int) -> HttpResponse:
    designed = _service(request, code, draft=True)
    page = _page_index(designed, page)
    new = d.page_move(designed.draft.form, page, _step(request))  # type: ignore[union-attr]
    _save(request, designed, _("The page is moved."), form=new)
    return _overview(code, f"page-{max(0, min(page + _step(request), len(new['pages']) - 1))}")


@designer_required
@require_POST
def page_remove(request: HttpRequest, code: str, page: int) -> HttpResponse:
    designed = _service(request, code, draft=True)
    page = _page_index(designed, page)
    _save(request, designed, _("The page and its questions are removed."),
          form=d.page_remove(designed.draft.form, page))  # type: ignore[union-attr]
    return _overview(code)


# -- questions ------------------------------------------------------------------------------------------------------


def _question(designed: DesignedService, page: int, index: int | None) -> dict[str, Any] | None:
    page = _page_index(designed, page)
    fields = d.pages_of(designed.draft.form)[page].get("fields") or []  # type: ignore[union-attr]
    if index is None:
        return None
    if not 0 <= index < len(fields):
        raise Http404
    return dict(fields[index])


@designer_required
def question_edit(request: HttpRequest, code: str, page: int, index: int | None = None) -> HttpResponse:
    designed = _service(request, code, draft=True)
    draft = designed.draft
    existing = _question(designed, page, index)
    position = (page, index if index is not None else len(d.pages_of(draft.form)[page].get("fields") or []))  # type: ignore[union-attr]
    form = QuestionForm(request.POST or None, initial=d.question_initial(existing) if existing else {"type": "text"},
                        conditions=d.condition_options(draft.form, position))  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        taken = d.field_names(draft.form) - ({existing.get("name")} if existing else set())  # type: ignore[union-attr]
        spec = d.question_spec(form.cleaned_data, existing=existing, taken=taken)
        new = d.question_set(draft.form, page, index, spec)  # type: ignore[union-attr]
        grouped = d.errors_by_item(definition_errors(form=new, documents=draft.documents), new)  # type: ignore[union-attr]
        here = d.item_path(page=page, field=position[1])
        _put_errors(form, grouped.pop(here, {}), {"": "__all__"})
        _add_other_errors(form, grouped, new)
        if not form.errors and _save(request, designed, _("The question is saved."), form=new):
            return _overview(code, f"q-{spec['name']}")
    return render(request, "catalog/designer/question_form.html", {
        "form": form, "designed": designed, "question": existing, "page_number": page + 1,
        "page_title": localized(d.pages_of(draft.form)[page], "title"),  # type: ignore[union-attr]
    }, status=400 if form.errors else 200)


@designer_required
@require_POST
def question_move(request: HttpRequest, code: str, page: int, index: int) -> HttpResponse:
    designed = _service(request, code, draft=True)
    question = _question(designed, page, index) or {}
    _save(request, designed, _("The question is moved."),
          form=d.question_move(designed.draft.form, page, index, _step(request)))  # type: ignore[union-attr]
    return _overview(code, f"q-{question.get('name', '')}")


@designer_required
@require_POST
def question_remove(request: HttpRequest, code: str, page: int, index: int) -> HttpResponse:
    designed = _service(request, code, draft=True)
    _question(designed, page, index)
    _save(request, designed, _("The question is removed."),
          form=d.question_remove(designed.draft.form, page, index))  # type: ignore[union-attr]
    return _overview(code, f"page-{page}")


@designer_required
@require_POST
def reorder(request: HttpRequest, code: str) -> HttpResponse:
    """The order of the questions after a drag (the enhancement of the move buttons): `order` is a JSON list of
    lists of question names, one per page."""
    designed = _service(request, code, draft=True)
    try:
        order = json.loads(request.POST.get("order", ""))
    except ValueError:
        order = None
    valid = isinstance(order, list) and all(isinstance(p, list) and all(isinstance(n, str) for n in p) for p in order)
    new = d.form_reorder(designed.draft.form, order) if valid else None  # type: ignore[union-attr, arg-type]
    if new is None:
        messages.error(request, _("The order could not be saved: the form changed meanwhile. Try again."))
    else:
        _save(request, designed, _("The new order is saved."), form=new)
    return _overview(code)


# -- documents ------------------------------------------------------------------------------------------------------


def _document(designed: DesignedService, index: int | None) -> dict[str, Any] | None:
    documents = designed.draft.documents or []  # type: ignore[union-attr]
    if index is None:
        return None
    if not 0 <= index < len(documents):
        raise Http404
    return dict(documents[index])


@designer_required
def document_edit(request: HttpRequest, code: str, index: int | None = None) -> HttpResponse:
    designed = _service(request, code, draft=True)
    draft = designed.draft
    existing = _document(designed, index)
    form = DocumentForm(request.POST or None, initial=d.document_initial(existing) if existing else {
        "types": ["pdf", "jpg", "png"], "max_megabytes": 2, "required": True},
        conditions=d.condition_options(draft.form, None))  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        taken = {doc.get("code") for doc in draft.documents or []} - ({existing.get("code")} if existing else set())  # type: ignore[union-attr]
        spec = d.document_spec(form.cleaned_data, existing=existing, taken=taken)
        new = d.document_set(draft.documents, index, spec)  # type: ignore[union-attr]
        grouped = d.errors_by_item(definition_errors(form=draft.form, documents=new), draft.form)  # type: ignore[union-attr]
        here = d.item_path(document=index if index is not None else len(new) - 1)
        _put_errors(form, grouped.pop(here, {}), {"": "__all__", "max_bytes": "max_megabytes"})
        _add_other_errors(form, grouped, draft.form)  # type: ignore[union-attr]
        if not form.errors and _save(request, designed, _("The document is saved."), documents=new):
            return _overview(code, "documents")
    return render(request, "catalog/designer/document_form.html", {
        "form": form, "designed": designed, "document": existing,
    }, status=400 if form.errors else 200)


@designer_required
@require_POST
def document_move(request: HttpRequest, code: str, index: int) -> HttpResponse:
    designed = _service(request, code, draft=True)
    _document(designed, index)
    _save(request, designed, _("The document is moved."),
          documents=d.document_move(designed.draft.documents, index, _step(request)))  # type: ignore[union-attr]
    return _overview(code, "documents")


@designer_required
@require_POST
def document_remove(request: HttpRequest, code: str, index: int) -> HttpResponse:
    designed = _service(request, code, draft=True)
    _document(designed, index)
    _save(request, designed, _("The document is removed."),
          documents=d.document_remove(designed.draft.documents, index))  # type: ignore[union-attr]
    return _overview(code, "documents")


# -- preview, changes, publishing -------------------------------------------------------------------------------------


def _preview_steps(version: Any, current: str) -> list[dict[str, Any]]:
    """The same steps the citizen's pages show (`cases/_steps.html`)."""
    steps = [{"key": p["key"], "title": localized(p, "title") or p["key"]} for p in d.pages_of(version.form)]
    steps += [{"key": "dokumen", "title": _("Documents")}, {"key": "periksa", "title": _("Check and send")}]
    for number, step in enumerate(steps, start=1):
        step.update(number=number, current=step["key"] == current)
    return steps


def _preview_answers(request: HttpRequest, version: Any) -> dict[str, Any]:
    return dict(request.session.get(PREVIEW_SESSION, {}).get(str(version.pk), {}))


@designer_required
def preview(request: HttpRequest, code: str) -> HttpResponse:
    """The draft in a phone-width frame, next to what will change."""
    designed = _service(request, code)
    version = designed.shown
    if version is None or not version.pages:
        raise Http404
    sessions = dict(request.session.get(PREVIEW_SESSION, {}))
    sessions.pop(str(version.pk), None)  # each preview starts with no answers
    request.session[PREVIEW_SESSION] = sessions
    return render(request, "catalog/designer/preview.html", {
        "designed": designed, "version": version,
        "frame_url": reverse("designer:preview_page", kwargs={"code": code, "page": version.pages[0]["key"]}),
    })


# The citizen's pages, rendered with the citizen's templates, may be framed by the designer's preview page only.
_framed = csp_replace({"frame-ancestors": ["'self'"]})


@_framed
@xframe_options_sameorigin
@designer_required
def preview_page(request: HttpRequest, code: str, page: str) -> HttpResponse:
    """One page of the draft exactly as the citizen's application page shows it (`cases/apply_page.html`); the
    answers stay in this session only, so the show-if questions of later pages behave as they will."""
    version = _service(request, code).shown
    keys = [p["key"] for p in d.pages_of(version.form if version else {})]
    if version is None or page not in keys:
        raise Http404
    answers = _preview_answers(request, version)
    index = keys.index(page)
    form = page_form(version, page, data=request.POST if request.method == "POST" else None, answers=answers)
    for name in [n for n, f in form.fields.items() if getattr(f, "simpul_spec", {}).get("type") == "file"]:
        form.fields.pop(name)
    if request.method == "POST" and form.is_valid():
        sessions = dict(request.session.get(PREVIEW_SESSION, {}))
        sessions[str(version.pk)] = {**answers, **json_answers(form)}
        request.session[PREVIEW_SESSION] = sessions
        following = (reverse("designer:preview_page", kwargs={"code": code, "page": keys[index + 1]})
                     if index + 1 < len(keys) else reverse("designer:preview_documents", kwargs={"code": code}))
        return redirect(following)
    previous = (reverse("designer:preview_page", kwargs={"code": code, "page": keys[index - 1]}) if index else None)
    return render(request, "cases/apply_page.html", {
        "version": version, "draft": SimpleNamespace(idempotency_key="preview"), "form": form,
        "page": version.form["pages"][index], "steps": _preview_steps(version, page), "previous_url": previous,
        "outbox_title": version.name, "assisted_village": None,
    }, status=200 if request.method == "GET" or not form.errors else 400)


@_framed
@xframe_options_sameorigin
@designer_required
def preview_documents(request: HttpRequest, code: str) -> HttpResponse:
    """The documents page of the draft as the citizen's (`cases/apply_documents.html`), for the answers given in the
    preview; nothing is uploaded."""
    version = _service(request, code).shown
    if version is None:
        raise Http404
    answers = _preview_answers(request, version)
    specs = [{**spec, "label": localized(spec), "hint": localized(spec, "hint"), "limits": limits_text(spec),
              "accept": ",".join("." + t for t in spec["types"]), "errors": []}
             for spec in document_specs(version, answers)]
    if request.method == "POST":
        return render(request, "catalog/designer/preview_end.html", {"version": version})
    pages = d.pages_of(version.form)
    previous = (reverse("designer:preview_page", kwargs={"code": code, "page": pages[-1]["key"]}) if pages else None)
    return render(request, "cases/apply_documents.html", {
        "version": version, "draft": SimpleNamespace(idempotency_key="preview"), "specs": specs, "errors": {},
        "steps": _preview_steps(version, "dokumen"), "previous_url": previous, "outbox_title": version.name,
        "assisted_village": None,
    })


@designer_required
def changes(request: HttpRequest, code: str) -> HttpResponse:
    """What a citizen will see differently once the draft is published, and the button that publishes it."""
    designed = _service(request, code, draft=True)
    draft = designed.draft
    problems = d.readable_errors(definition_errors(form=draft.form, documents=draft.documents), draft.form)  # type: ignore[union-attr]
    return render(request, "catalog/designer/changes.html", {
        "designed": designed, "changes": d.version_diff(designed.published, draft), "problems": problems,
    })


@designer_required
@require_POST
def publish(request: HttpRequest, code: str) -> HttpResponse:
    designed = _service(request, code, draft=True)
    try:
        version = service_version_publish(version=designed.draft, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        for message in d.readable_errors(_messages(exc), designed.draft.form):  # type: ignore[union-attr]
            messages.error(request, message)
        return redirect("designer:changes", code=code)
    messages.success(request, _("Version {number} is published. New applications use it; cases already sent keep "
                                "the version they were sent under.").format(number=version.number))
    return _overview(code)


# -- moving services between kabupaten ----------------------------------------------------------------------------------


@designer_required
def export_yaml(request: HttpRequest, code: str) -> HttpResponse:
    designed = _service(request, code)
    response = HttpResponse(service_export_yaml(service=designed.service),
                            content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{designed.service.code}.yaml"'
    return response


@designer_required
@require_POST
def import_yaml(request: HttpRequest) -> HttpResponse:
    """A service file from another kabupaten (platform admins: the file names its offices)."""
    if not is_platform_admin(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a service file to import."))
        return redirect("designer:index")
    try:
        text = form.cleaned_data["file"].read().decode("utf-8")
        service = service_import_yaml(text=text, actor=request.user)
    except UnicodeDecodeError:
        messages.error(request, _("The file is not a text file (UTF-8)."))
        return redirect("designer:index")
    except CatalogImportError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("designer:index")
    messages.success(request, _("The service is imported."))
    return _overview(service.code)
