"""Portal pages of the cases app: applying (one page per form page, documents, check your answers,
confirmation), save and resume, tracking by reference + PIN, the receipt PDF, the applicant's correction
after a revision request, and "my applications". Server-rendered, no JavaScript needed."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from simpul.accounts.permissions import village_scope
from simpul.cases import actions, selectors, tracking
from simpul.cases import drafts as draft_service
from simpul.cases.answers import answers_in_clear
from simpul.cases.business import business_for_applicant, business_for_case
from simpul.cases.consent import (
    consent_facts_for_draft,
    consent_form_pdf,
    consent_form_title,
    consent_photo_check,
)
from simpul.cases.constants import CONSENT_DOCUMENT, CaseStatus
from simpul.cases.display import answer_rows
from simpul.cases.documents import (
    document_limit,
    document_open,
    human_bytes,
    limits_text,
    photo_limit,
    photo_too_large_message,
    too_large_message,
)
from simpul.cases.forms import ConsentForm, ConsentPhotoForm, ResumeSmsForm, TrackForm
from simpul.cases.models import Case, Draft
from simpul.cases.permissions import is_applicant, personal_answer_names
from simpul.cases.prefill import from_profile, profile_changes, profile_prefill
from simpul.cases.previews import file_facts, pdftoppm_available, preview_png, preview_response
from simpul.cases.receipts import receipt_download
from simpul.cases.reference_numbers import normalise_reference
from simpul.cases.tracking import Blocked, Requester
from simpul.cases.workflow import TransitionNotAllowed, transitions_from
from simpul.catalog.forms_engine import all_fields, document_specs, json_answers, page_form
from simpul.catalog.models import localized
from simpul.catalog.selectors import service_apply_blocker, service_get
from simpul.catalog.tariffs import estimate
from simpul.core.actors import Actor
from simpul.core.models import AccessDoor
from simpul.core.offline import flat_errors, is_outbox, outbox_answer, outbox_refused
from simpul.core.pdp import mask_email, mask_nik, mask_phone
from simpul.core.services import personal_data_access_record

SESSION_TRACKED = "cases_tracked"  # references whose PIN this session has proven
SESSION_DRAFTS = "cases_drafts"  # ids of the anonymous drafts this session made (chunked uploads may attach to them)
SESSION_PINS = "cases_pins"  # reference -> PIN, only for cases submitted in this session (receipt, confirmation)
SESSION_SENT = "cases_sent"  # draft token -> reference, for drafts this session sent (the draft is deleted then)


# -- helpers ------------------------------------------------------------------------------------------------------


def _version(code: str) -> Any:
    return service_get(code)


def _blocker(version: Any, user: Any) -> str | None:
    return service_apply_blocker(version=version, user=user)


def _is_operator(user: Any) -> bool:
    return Actor.of(user).is_person and bool(village_scope(user))


def _assisted(request: HttpRequest) -> Any:
    """The village a village operator applies for (the form's pages then say so), else None."""
    return request.user.village if _is_operator(request.user) else None  # type: ignore[union-attr]


class _DraftSent(Exception):
    """The draft of this token was sent by this session (and deleted): go to its confirmation."""


class _LoginNeeded(Exception):
    """The draft belongs to a user and this request is not logged in (an idle logout, say): log in first."""


def _draft(request: HttpRequest, code: str, token: str) -> Draft:
    draft = (Draft.objects.select_related("service_version__service", "service_version__agency")
             .filter(token=token, service_version__service__code=code).first())
    if draft is None:
        if token in request.session.get(SESSION_SENT, {}):
            raise _DraftSent
        raise Http404
    if draft.owner_id is not None and not request.user.is_authenticated:
        raise _LoginNeeded
    if draft.owner_id is not None and draft.owner_id != getattr(request.user, "pk", None):
        raise Http404
    return draft


def _draft_or_done(view: Any) -> Any:
    """A draft page whose draft this session already sent shows the confirmation instead."""

    def wrapped(request: HttpRequest, code: str, token: str, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, code, token, **kwargs)
        except _DraftSent:
            done = reverse("cases:apply_done", kwargs={"code": code, "token": token})
            reference = request.session.get(SESSION_SENT, {}).get(token, "")
            return outbox_answer(request, url=done, reference=reference if request.method == "POST" else "")
        except _LoginNeeded:
            return redirect_to_login(request.get_full_path())

    wrapped.__doc__ = view.__doc__
    wrapped.__name__ = view.__name__
    return wrapped


def _pages(version: Any) -> list[dict[str, Any]]:
    return list((version.form or {}).get("pages") or [])


def _page_form(version: Any, key: str, data: Any = None, answers: dict[str, Any] | None = None) -> Any:
    form = page_form(version, key, data=data, answers=answers)
    for name in [n for n, f in form.fields.items() if getattr(f, "simpul_spec", {}).get("type") == "file"]:
        form.fields.pop(name)
    return form


def _remember(request: HttpRequest, reference: str, pin: str = "") -> None:
    tracked = set(request.session.get(SESSION_TRACKED, []))
    tracked.add(reference)
    request.session[SESSION_TRACKED] = sorted(tracked)[-50:]
    if pin:
        pins = dict(request.session.get(SESSION_PINS, {}))
        pins[reference] = pin
        request.session[SESSION_PINS] = dict(list(pins.items())[-20:])


def _remember_sent(request: HttpRequest, token: str, result: Any) -> None:
    _remember(request, result.case.reference, result.pin)
    sent = dict(request.session.get(SESSION_SENT, {}))
    sent[token] = result.case.reference
    request.session[SESSION_SENT] = dict(list(sent.items())[-20:])


def _case_for_applicant(request: HttpRequest, reference: str) -> tuple[Case, bool]:
    """The case if this session proved the PIN or the user is its applicant; (case, via_pin)."""
    canonical = normalise_reference(reference) or reference
    case = Case.objects.select_related("service_version__service", "agency").filter(reference=canonical).first()
    if case is None:
        raise Http404
    if is_applicant(case, request.user):
        return case, False
    if canonical in request.session.get(SESSION_TRACKED, []):
        return case, True
    raise Http404


def _outbox_title(draft: Draft) -> str:
    """What the offline outbox calls a queued form: the service and the applicant (kept encrypted there)."""
    name = draft_service.draft_applicant_name(draft)
    return f"{draft.service_version.name} · {name}" if name else str(draft.service_version.name)


def _steps(version: Any, current: str) -> list[dict[str, Any]]:
    steps = [{"key": p["key"], "title": localized(p, "title") or p["key"]} for p in _pages(version)]
    steps.append({"key": "dokumen", "title": _("Documents")})
    steps.append({"key": "periksa", "title": _("Check and send")})
    for index, step in enumerate(steps, start=1):
        step["number"] = index
        step["current"] = step["key"] == current
    return steps


# -- applying -----------------------------------------------------------------------------------------------------


def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    """Start a new application (a draft with its idempotency key) and go to its first page."""
    version = _version(code)
    blocker = _blocker(version, request.user)
    if blocker:
        return render(request, "cases/apply_blocked.html", {"version": version, "blocker": blocker}, status=403)
    if request.method == "GET" and request.user.is_authenticated and request.GET.get("baru") != "1":
        drafts = [d for d in selectors.drafts_for_user(request.user) if d.service_version.service.code == code]
        if drafts:
            return render(request, "cases/apply_resume.html", {"version": version, "drafts": drafts})
    draft = draft_service.draft_create(version=version, owner=request.user)
    if draft.owner_id is None:
        request.session[SESSION_DRAFTS] = [*request.session.get(SESSION_DRAFTS, []), draft.pk][-20:]
    pages = _pages(version)
    first = pages[0]["key"] if pages else "dokumen"
    return redirect("cases:apply_page", code=code, token=draft.token, page=first)


@_draft_or_done
def apply_page(request: HttpRequest, code: str, token: str, page: str) -> HttpResponse:
    draft = _draft(request, code, token)
    version = draft.service_version
    answers = draft_service.draft_answers(draft)
    keys = [p["key"] for p in _pages(version)]
    if page not in keys:
        raise Http404
    if request.method == "POST":
        form = _page_form(version, page, data=request.POST, answers=answers)
        if form.is_valid():
            draft_service.draft_update_answers(draft=draft, answers=json_answers(form))
            index = keys.index(page)
            if "save" in request.POST:
                following = reverse("cases:apply_saved", kwargs={"code": code, "token": token})
            elif request.GET.get("kembali") == "periksa":
                following = reverse("cases:apply_review", kwargs={"code": code, "token": token})
            elif index + 1 < len(keys):
                following = reverse("cases:apply_page", kwargs={"code": code, "token": token, "page": keys[index + 1]})
            else:
                following = reverse("cases:apply_documents", kwargs={"code": code, "token": token})
            return outbox_answer(request, url=following)
        if is_outbox(request):
            return outbox_refused(request, flat_errors(form.errors), url=request.get_full_path())
    else:
        presets = draft_service.draft_presets(version=version, user=request.user)
        form = _page_form(version, page, answers={**presets, **answers})
    _mark_from_profile(form, version, request.user, answers)
    index = keys.index(page)
    previous = (reverse("cases:apply_page", kwargs={"code": code, "token": token, "page": keys[index - 1]})
                if index > 0 else None)
    return render(request, "cases/apply_page.html", {
        "version": version, "draft": draft, "form": form, "page": version.form["pages"][index],
        "steps": _steps(version, page), "previous_url": previous, "outbox_title": _outbox_title(draft),
        "assisted_village": _assisted(request), "business": business_for_applicant(user=request.user, version=version),
    }, status=200 if request.method == "GET" or not form.errors else 400)


def _mark_from_profile(form: Any, version: Any, user: Any, answers: dict[str, Any]) -> None:
    """Say on each input the citizen's profile filled that it came from there (and may be changed here)."""
    prefill = profile_prefill(version=version, user=user)
    for name in from_profile(prefill=prefill, answers=answers) & set(form.fields):
        field = form.fields[name]
        note = _("From your profile; you may change it.")
        field.help_text = f"{note} {field.help_text}" if field.help_text else note
        field.simpul_from_profile = True


def _file_input(spec: dict[str, Any]) -> dict[str, Any]:
    """What a document's file input shows and tells the browser: the types it takes and how large (written out
    for the hint; in bytes with the refusal sentences, `{name}` and `{size}` left in, so the page's script refuses
    a file it can measure in the words the server would use). A photo may arrive larger than a PDF: it is made
    smaller before it is stored."""
    limit = document_limit(spec)
    photos = photo_limit(spec)
    return {"limits": limits_text(spec), "max_bytes_limit": limit,
            "accept": ",".join("." + t for t in spec["types"]),
            "too_large": too_large_message(name="{name}", size="{size}", limit=human_bytes(limit)),
            "photo_max_bytes": photos or "",
            "photo_too_large": photo_too_large_message(name="{name}", size="{size}", limit=human_bytes(photos))
            if photos else "",
            "decimal_mark": get_format("DECIMAL_SEPARATOR")}


@_draft_or_done
def apply_documents(request: HttpRequest, code: str, token: str) -> HttpResponse:

    draft = _draft(request, code, token)
    version = draft.service_version
    answers = draft_service.draft_answers(draft)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        errors = draft_service.draft_attach_documents(draft=draft, files=dict(request.FILES.items()))
        if not errors and "save" in request.POST:
            return outbox_answer(request, url=reverse("cases:apply_saved", kwargs={"code": code, "token": token}))
        if not errors:
            missing = [
                s for s in document_specs(version, answers) if s["required"] and s["code"] not in draft.documents
            ]
            for spec in missing:
                errors[spec["code"]] = [_("Please upload: {document}.").format(document=localized(spec))]
            if not missing:
                return outbox_answer(request, url=reverse("cases:apply_review", kwargs={"code": code, "token": token}))
        if is_outbox(request):
            return outbox_refused(request, flat_errors(errors), url=request.get_full_path())
    specs = []
    previews = _document_previews(draft, code, token)
    for spec in document_specs(version, answers):
        specs.append({
            **spec, **_file_input(spec), "label": localized(spec), "hint": localized(spec, "hint"),
            "uploaded": (draft.documents or {}).get(spec["code"]), "errors": errors.get(spec["code"], []),
            "preview": previews.get(spec["code"]),
        })
    pages = _pages(version)
    previous = (reverse("cases:apply_page", kwargs={"code": code, "token": token, "page": pages[-1]["key"]})
                if pages else None)
    return render(request, "cases/apply_documents.html", {
        "version": version, "draft": draft, "specs": specs, "errors": errors, "steps": _steps(version, "dokumen"),
        "previous_url": previous, "outbox_title": _outbox_title(draft), "assisted_village": _assisted(request),
        "business": business_for_applicant(user=request.user, version=version),
    }, status=400 if errors else 200)


@_draft_or_done
def apply_review(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """Check your answers, then send. The POST carries the draft's idempotency key: a double click or a
    reload sends it again and gets the same case."""

    done = reverse("cases:apply_done", kwargs={"code": code, "token": token})
    try:
        draft = _draft(request, code, token)
    except Http404:
        replay = draft_service.draft_submission_replay(
            service_code=code, idempotency_key=request.POST.get("idempotency_key", ""), user=request.user,
        ) if request.method == "POST" else None
        if replay is None:
            if is_outbox(request) and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())  # an operator's draft after an idle logout
            raise
        _remember_sent(request, token, replay)
        return outbox_answer(request, url=done, reference=replay.case.reference)
    version = draft.service_version
    answers = draft_service.draft_answers(draft)
    operator = _is_operator(request.user)
    consent_form = ConsentForm(request.POST or None, request.FILES or None) if operator else None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if request.POST.get("idempotency_key") != draft.idempotency_key:
            errors["__all__"] = [_("This page is out of date. Please check your answers and send again.")]
        elif consent_form is not None and not consent_form.is_valid():
            errors["consent"] = [str(m) for m in consent_form.errors.get("consent", [])]
        else:
            try:
                photo = consent_form.cleaned_data.get("consent_photo") if consent_form is not None else None
                result = draft_service.draft_submit(
                    draft=draft, applicant=None if operator else request.user,
                    submitted_by=request.user if operator else None,
                    consent={"given": True, "by": "operator"} if operator else None,
                    consent_photo=consent_photo_check(photo) if photo else None,
                    save_to_profile=not operator and request.POST.get("save_to_profile") == "1",
                )
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                _remember_sent(request, token, result)
                return outbox_answer(request, url=done, reference=result.case.reference)
        if is_outbox(request):
            return outbox_refused(request, flat_errors(errors), url=request.get_full_path())
    previews = _document_previews(draft, code, token)
    documents = [
        {"label": localized(spec), "file": (draft.documents or {}).get(spec["code"]),
         "preview": previews.get(spec["code"])}
        for spec in document_specs(version, answers)
    ]
    page_errors = {k: v for k, v in errors.items() if k != "__all__"}
    return render(request, "cases/apply_review.html", {
        "version": version, "draft": draft, "rows": answer_rows(version, answers),
        "documents": documents, "consent_form": consent_form, "errors": errors,
        "general_errors": errors.get("__all__", []), "field_errors": page_errors,
        "steps": _steps(version, "periksa"), "outbox_title": _outbox_title(draft),
        "assisted_village": _assisted(request), "business": business_for_applicant(user=request.user, version=version),
        "estimate": estimate(version, answers),
        "profile_changes": [] if operator else profile_changes(version=version, user=request.user, answers=answers),
    }, status=400 if errors else 200)


def apply_preview(request: HttpRequest, code: str, token: str, document: str) -> HttpResponse:
    """A picture of one uploaded document of the draft, drawn on the server (`simpul.cases.previews`), for the
    draft's own owner only (for a draft without an account: whoever holds its link, as for its pages). Never the
    uploaded bytes: always a PNG the server wrote, served so that nothing in it can run."""
    try:
        draft = _draft(request, code, token)
    except (_DraftSent, _LoginNeeded):
        raise Http404 from None
    data = (draft.documents or {}).get(document)
    png = preview_png(stored_name=data.get("stored_name", "")) if data else None
    if png is None:
        raise Http404
    return preview_response(png)


def _document_previews(draft: Draft, code: str, token: str) -> dict[str, dict[str, Any]]:
    """Per uploaded document: its facts (name, kind, size, pages) and its preview's address."""
    return {doc: {"facts": file_facts(data),
                  "url": reverse("cases:apply_preview", kwargs={"code": code, "token": token, "document": doc})
                  + "?v=" + str(data.get("sha256", ""))[:12],
                  "picture": data.get("kind") != "pdf" or pdftoppm_available()}
            for doc, data in (draft.documents or {}).items()}


@_draft_or_done
def apply_consent_form(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """The consent form (A4 PDF) of a village operator's application not sent yet, prefilled with its answers so
    far, for the citizen to sign before it is sent. Only for the operator whose draft it is."""
    draft = _draft(request, code, token)
    if not _is_operator(request.user) or draft.owner_id != request.user.pk:
        raise Http404
    facts = consent_facts_for_draft(draft=draft, operator=request.user)
    response = HttpResponse(consent_form_pdf(facts=facts), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(consent_form_title(facts))}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def apply_done(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """The confirmation with the reference and PIN, for the session that sent the draft (which is gone now)."""
    reference = request.session.get(SESSION_SENT, {}).get(token)
    if reference is None:
        if Draft.objects.filter(token=token, service_version__service__code=code).exists():
            return redirect("cases:apply_review", code=code, token=token)
        raise Http404
    case = get_object_or_404(Case.objects.select_related("service_version__service"), reference=reference,
                             service_code=code)
    pin = request.session.get(SESSION_PINS, {}).get(case.reference, "")
    if not pin:
        raise Http404  # the confirmation with the PIN belongs to the session that sent the application
    if case.submitted_by_id is not None and case.submitted_by_id == request.user.pk:
        # a village operator sent it for a citizen: what to hand over, print, and the next citizen
        return render(request, "cases/apply_done_operator.html", {
            "case": case, "pin": pin, "version": case.service_version, "consent_form": ConsentPhotoForm(),
            "has_consent_photo": case.documents.filter(spec_code=CONSENT_DOCUMENT).exists(),
        })
    return render(request, "cases/apply_done.html", {"case": case, "pin": pin, "version": case.service_version,
                                                     "business": business_for_case(case=case)})


@_draft_or_done
def apply_saved(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """The saved form: how to continue (from "My applications" with an account, else with the link), the link
    sent by SMS (`draft_send_resume_link`, rate limited), shared to WhatsApp, or copied (a button the page's
    script adds; without it the link is selectable text)."""
    draft = _draft(request, code, token)
    resume_url = request.build_absolute_uri(reverse("cases:apply_resume", kwargs={"code": code, "token": token}))
    form = ResumeSmsForm(request.POST or None, initial={
        "phone": draft_service.draft_contact_phone(draft=draft, user=request.user)})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            sent = draft_service.draft_send_resume_link(draft=draft, phone=form.cleaned_data["phone"],
                                                        resume_url=resume_url, language=get_language() or "id")
            if sent.sent:
                messages.success(request, _("The link is on its way to {phone} by SMS.").format(
                    phone=mask_phone(form.cleaned_data["phone"])))
                return redirect("cases:apply_saved", code=code, token=token)
            form.add_error("phone", _("The link was sent too often. Please wait {minutes} minutes and try "
                                      "again.").format(minutes=sent.wait_minutes))
            status = 429
    share = _("Continue my form {service}: {url}").format(service=draft.service_version.name, url=resume_url)
    return render(request, "cases/apply_saved.html", {
        "draft": draft, "version": draft.service_version, "resume_url": resume_url, "sms_form": form,
        "whatsapp_url": "https://wa.me/?text=" + quote(share),
    }, status=status)


@_draft_or_done
def apply_resume(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """The resume link: back to the first page not yet answered (or the documents page)."""
    draft = _draft(request, code, token)
    for page in _pages(draft.service_version):
        names = [f["name"] for f in page.get("fields") or [] if f.get("type") != "file"]
        if names and not any(n in (draft.answers or {}) for n in names):
            return redirect("cases:apply_page", code=code, token=token, page=page["key"])
    return redirect("cases:apply_documents", code=code, token=token)


# -- tracking -----------------------------------------------------------------------------------------------------


def track(request: HttpRequest) -> HttpResponse:
    """/lacak/: reference + PIN → the status page. Wrong PINs are counted per IP address and reference."""
    form = TrackForm(request.POST or None, initial={"reference": request.GET.get("ref", "")})
    status = 200
    if request.method == "POST" and form.is_valid():
        found = tracking.track(form.cleaned_data["reference"], form.cleaned_data["pin"], Requester.web(request))
        if isinstance(found, Case):
            _remember(request, found.reference)
            return redirect("cases:track_detail", reference=found.reference)
        if isinstance(found, Blocked):
            form.add_error(None, _("Too many wrong PINs. Please wait {minutes} minutes and try again.").format(
                minutes=found.wait_minutes))
            status = 429
        elif found.malformed:
            form.add_error("reference", _("This reference number is not valid. Check it for typing mistakes."))
            status = 400
        else:
            form.add_error(None, _("The reference number and PIN do not match."))
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "cases/track.html", {"form": form}, status=status)


def track_detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        case, _via_pin = _case_for_applicant(request, reference)
    except Http404:
        return HttpResponseRedirect(reverse("cases:track") + "?ref=" + reference)
    history = selectors.case_public_history(case)
    results = [d for d in selectors.case_documents(case) if d.is_result]
    issued = [link for _name, links in tracking.result_links.items() for link in links(case)]
    revision_note = next((e.public_note for e in reversed(history) if e.action == "request_revision"), "")

    can_withdraw = any(t.action == "withdraw" for t in transitions_from(case.workflow, case.status))
    return render(request, "cases/track_detail.html", {
        "case": case, "history": history, "results": results, "issued": issued, "revision_note": revision_note,
        "needs_revision": case.status == CaseStatus.PERLU_PERBAIKAN, "can_withdraw": can_withdraw,
    })


@require_POST
def track_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    case, via_pin = _case_for_applicant(request, reference)

    try:
        actions.case_withdraw(case=case, actor=request.user, via_pin=via_pin,
                              reason=request.POST.get("reason", "")[:1000])
    except (TransitionNotAllowed, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("cases:track_detail", reference=case.reference)


def track_revise(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant's correction: every page of the form in one page, plus new documents."""

    case, via_pin = _case_for_applicant(request, reference)
    if case.status != CaseStatus.PERLU_PERBAIKAN:
        return redirect("cases:track_detail", reference=case.reference)
    version = case.service_version
    current = answers_in_clear(case)
    pages = _pages(version)
    # NIK, KK, phone, email and address are never sent back in clear to whoever holds the PIN: their inputs
    # start empty with the stored value masked, and an input left empty keeps the stored value.
    asked = selectors.case_revision_request(case)
    personal = {n for n in personal_answer_names(version) if current.get(n) not in (None, "")}
    if asked.targeted and not via_pin:
        # the applicant herself, logged in, corrects what the officer named: her own answers, to edit, not retype
        personal -= set(asked.fields)
    shown = {k: v for k, v in current.items() if k not in personal}
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        for page in pages:
            for name in personal:
                key = f"{page['key']}-{name}"
                if not (data.get(key) or "").strip():
                    data[key] = current[name]
    forms = [(page, _asked_only(_personal_masked(_page_form_prefixed(version, page["key"], data, shown), personal,
                                                 current), asked))
             for page in pages]
    forms = [(page, form) for page, form in forms if form.fields]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        merged = dict(current)
        valid = True
        for _page, form in forms:
            if form.is_valid():
                merged.update(json_answers(form))
            else:
                valid = False
        if valid:
            try:
                actions.case_resubmit(case=case, actor=request.user, via_pin=via_pin, answers=merged,
                                      files=dict(request.FILES.items()), note=request.POST.get("note", "")[:2000])
            except ValidationError as exc:
                errors = exc.message_dict
            except TransitionNotAllowed as exc:
                errors = {"__all__": [str(exc)]}
            else:
                messages.success(request, _("Your correction was sent. The officer will check it again."))
                return redirect("cases:track_detail", reference=case.reference)
    on_file = {d.spec_code: d for d in selectors.case_documents(case) if not d.is_result}
    specs = [{**s, **_file_input(s), "label": localized(s), "on_file": on_file.get(s["code"]),
              "errors": errors.get(s["code"], [])} for s in document_specs(version, current)
             if not asked.targeted or s["code"] in asked.documents]
    forms = [(page, _personal_blanked(form, personal, current)) for page, form in forms]
    kept = _kept_rows(version, current, personal, asked) if asked.targeted else []
    return render(request, "cases/track_revise.html", {
        "case": case, "forms": forms, "specs": specs, "revision_note": asked.note, "targeted": asked.targeted,
        "kept_rows": kept, "kept_documents": [
            {"label": localized(s), "name": on_file[s["code"]].original_name}
            for s in document_specs(version, current) if s["code"] in on_file and s["code"] not in asked.documents
        ] if asked.targeted else [],
        "general_errors": errors.get("__all__", []),
        "has_errors": bool(errors) or any(form.errors for _page, form in forms),
    }, status=400 if (request.method == "POST") else 200)


def _asked_only(form: Any, asked: selectors.RevisionRequest) -> Any:
    """The correction form's page with only the answers the officer asked to change (all when none named)."""
    if asked.targeted:
        for name in [n for n in form.fields if n not in asked.fields]:
            del form.fields[name]
    return form


def _kept_rows(version: Any, current: dict[str, Any], personal: set[str],
               asked: selectors.RevisionRequest) -> list[dict[str, Any]]:
    """The answers the officer did not ask to change, read-only (personal ones masked, as on the form)."""
    specs = {f["name"]: f for f in all_fields(version)}
    rows = [row for row in answer_rows(version, current, mask=True) if row["name"] not in asked.fields]
    for row in rows:
        if row["name"] in personal:
            row["value"] = _masked(specs.get(row["name"], {}).get("type"), current[row["name"]])
    return rows


def _personal_masked(form: Any, personal: set[str], current: dict[str, Any]) -> Any:
    """The correction form's personal inputs: empty, not required, with the stored value shown masked."""
    for name in personal & set(form.fields):
        field = form.fields[name]
        field.required = False
        field.initial = ""
        field.widget.attrs["placeholder"] = _mask_for_form(field, current[name])
        field.help_text = _("Leave this empty to keep what you gave before ({value}). Type a new value only "
                            "if it must change.").format(value=_mask_for_form(field, current[name]))
    return form


def _personal_blanked(form: Any, personal: set[str], current: dict[str, Any]) -> Any:
    """A correction form shown again after an error: a kept personal value is still not sent back in clear."""
    if form.is_bound:
        form.data = form.data.copy()
        for name in personal & set(form.fields):
            if form.data.get(form.add_prefix(name)) == current[name]:
                form.data[form.add_prefix(name)] = ""
    return form


def _mask_for_form(field: Any, value: Any) -> str:
    return _masked(getattr(field, "simpul_spec", {}).get("type"), value)


def _masked(kind: str | None, value: Any) -> str:
    text = str(value)
    if kind in ("nik", "kk"):
        return mask_nik(text)
    if kind == "phone":
        return mask_phone(text)
    if kind == "email":
        return mask_email(text)
    return (text[:3] + "•" * max(3, min(12, len(text) - 3))) if len(text) > 3 else "•••"


def _page_form_prefixed(version: Any, key: str, data: Any, answers: dict[str, Any]) -> Any:
    form = page_form(version, key, data=data, answers=answers, prefix=key)
    for name in [n for n, f in form.fields.items() if getattr(f, "simpul_spec", {}).get("type") == "file"]:
        form.fields.pop(name)
    return form


def track_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """/lacak/<reference>/tanda-terima.pdf: for the owner, or a session that proved the PIN."""
    case, _via_pin = _case_for_applicant(request, reference)
    if case.submitted_by_id is not None and case.submitted_by_id == request.user.pk != case.applicant_id:
        # the village operator who sent it prints it for the citizen: a read by someone else, logged
        personal_data_access_record(door=AccessDoor.RECEIPT, request=request, actor=request.user, case=case)
    pin = request.session.get(SESSION_PINS, {}).get(case.reference, "")
    url = request.build_absolute_uri(reverse("cases:track") + "?ref=" + case.reference)
    pdf, _signed = receipt_download(case=case, tracking_url=url, pin=pin,
                                    actor=request.user if request.user.is_authenticated else None)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tanda-terima-{case.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def track_document(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    """The applicant downloads a result document of their case."""
    case, _via_pin = _case_for_applicant(request, reference)
    document = get_object_or_404(case.documents, pk=document_id, is_result=True, deleted_at__isnull=True)
    response = FileResponse(document_open(document.stored_name), content_type=document.content_type,
                            as_attachment=True, filename=document.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """The logged-in applicant's cases (or, for a village operator, the cases they submitted) and drafts."""
    cases = selectors.cases_for_operator(request.user) if _is_operator(request.user) else \
        selectors.cases_for_applicant(request.user)
    return render(request, "cases/my_cases.html", {
        "cases": cases[:200], "drafts": selectors.drafts_for_user(request.user)[:50],
    })
