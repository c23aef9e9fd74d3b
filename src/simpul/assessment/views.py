"""Pages of the assessment app: evaluator pages under /asesmen/ (staff with MFA, role evaluator or platform
admin) and the public questionnaire pages (by invitation token or public link), which work without JavaScript."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from simpul.accounts.models import Role
from simpul.accounts.permissions import require_staff_mfa
from simpul.agencies.models import Agency
from simpul.assessment import exports, selectors, services
from simpul.assessment.labels import level_options
from simpul.assessment.models import (
    Channel,
    Code,
    Crosshair,
    Evidence,
    EvidenceKind,
    Framework,
    Item,
    ItemKind,
    Method,
    Recommendation,
    RecommendationStatus,
    RespondentGroup,
    Round,
    RoundStatus,
    Stance,
    TriangulationRow,
    VerificationTactic,
)
from simpul.assessment.reports import results_context, round_report_pdf
from simpul.assessment.system_evidence import system_evidence_add, system_evidence_offers
from simpul.assessment.xlsform_export import framework_to_xlsform, xlsform_filename
from simpul.core.clientip import client_ip
from simpul.core.limits import Limit, limit_hit
from simpul.core.tabular import XLSX_MEDIA_TYPE, csv_bytes
from simpul.regions.models import Region

evaluator_only = require_staff_mfa(roles={Role.EVALUATOR, Role.PLATFORM_ADMIN})


def _round(request: HttpRequest, pk: int) -> Round:
    try:
        return selectors.round_get_for_user(user=request.user, pk=pk)
    except Round.DoesNotExist as exc:
        raise Http404 from exc


def _back(name: str, pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"assessment:{name}", args=[pk]))


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# ---------------------------------------------------------------- evaluator pages


@evaluator_only
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        try:
            fw = Framework.objects.get(pk=int(request.POST.get("framework", "0") or 0))
            previous = Round.objects.filter(pk=request.POST.get("previous") or 0).first()
            rnd = services.round_create(
                framework=fw, name=request.POST.get("name", "").strip(), year=int(request.POST.get("year", "0")),
                previous=previous, actor=request.user, scope_label=request.POST.get("scope_label", "").strip(),
            )
            return _back("round_detail", rnd.pk)
        except (Framework.DoesNotExist, ValueError):
            errors.append(_("Choose a framework and give a year."))
        except ValidationError as exc:
            errors += _errors(exc)
    return render(request, "assessment/index.html", {
        "rounds": selectors.round_list_for_user(user=request.user), "frameworks": selectors.framework_list(),
        "errors": errors, "post": request.POST,
    })


@evaluator_only
@require_http_methods(["GET", "POST"])
def framework_import(request: HttpRequest) -> HttpResponse:
    """Import a framework (an XLSForm, or a YAML/JSON framework file) and show what became of every row."""
    outcome = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            outcome = services.UploadOutcome("refused", "", problems=[_("Choose a file to import.")])
        else:
            outcome = services.framework_upload(filename=upload.name or "", content=upload.read(),
                                                actor=request.user)
    return render(request, "assessment/framework_import.html", {"outcome": outcome},
                  status=400 if outcome is not None and outcome.state == "refused" else 200)


@evaluator_only
def framework_detail(request: HttpRequest, code: str, version: str) -> HttpResponse:
    fw = get_object_or_404(Framework, code=code, version=version)
    spec = selectors.framework_spec(framework=fw)
    return render(request, "assessment/framework_detail.html", {
        "framework": fw, "spec": spec, "items": fw.items.select_related("section", "scale"),
        "may_verify": services.may_verify_frameworks(request.user)})


@evaluator_only
def framework_xlsform(request: HttpRequest, code: str, version: str) -> HttpResponse:
    """The framework as an XLSForm, to collect with ODK Collect or KoboToolbox."""
    spec = selectors.framework_spec(framework=get_object_or_404(Framework, code=code, version=version))
    response = HttpResponse(framework_to_xlsform(spec), content_type=XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{xlsform_filename(spec)}"'
    return response


@evaluator_only
@require_http_methods(["POST"])
def framework_verify(request: HttpRequest, code: str, version: str) -> HttpResponse:
    fw = get_object_or_404(Framework, code=code, version=version)
    try:
        services.framework_verify(framework=fw, actor=request.user)
        messages.success(request, _("The framework is marked as verified."))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect(reverse("assessment:framework_detail", args=[fw.code, fw.version]))


@evaluator_only
@require_http_methods(["GET", "POST"])
def round_submissions(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the answers collected with ODK Collect or KoboToolbox (their submissions export) into a round."""
    rnd = _round(request, pk)
    outcome = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            outcome = services.SubmissionsOutcome("", problems=[_("Choose a file to import.")])
        else:
            outcome = services.round_import_submissions(round=rnd, filename=upload.name or "",
                                                        content=upload.read(), actor=request.user)
    counts = {s: outcome.count(s) for s in ("imported", "duplicate", "refused")} if outcome else {}
    return render(request, "assessment/submissions_import.html", {"round": rnd, "outcome": outcome, **counts},
                  status=400 if outcome is not None and outcome.problems else 200)


def _qr(url: str, title: str) -> str:
    """A QR code of `url` as inline SVG, drawn on the server (no script, no outside service)."""
    return str(segno.make(url, error="m").svg_inline(scale=3, title=title))


def _invite(request: HttpRequest, rnd: Round) -> list[dict[str, Any]]:
    """Create the invitations the form asks for (a number of them, or one per line of the list of people), send
    those with a mobile number by SMS when asked, and return each with its link and QR code (shown once)."""
    p = request.POST
    invitees = services.invitees_parse(p.get("people", ""))
    tokens = services.invitation_create(
        round=rnd, count=int(p.get("count", "1") or 1), label=p.get("label", ""), group=p.get("group", ""),
        labels=[i.label or _("Invitation {n}").format(n=n) for n, i in enumerate(invitees, start=1)] or None,
        actor=request.user)
    rows = []
    for n, token in enumerate(tokens):
        url = request.build_absolute_uri(reverse("assessment:invited", args=[token]))
        invitee = invitees[n] if invitees else None
        label = invitee.label if invitee else f"{p.get('label', '')} {n + 1}".strip()
        rows.append({"token": token, "url": url, "label": label, "phone": invitee.phone if invitee else "",
                     "qr": _qr(url, _("QR code of the invitation for {name}").format(name=label))})
    sms = [(r["phone"], r["url"]) for r in rows if r["phone"]]
    if sms and p.get("send_sms") == "on":
        answer_by = date.fromisoformat(p["answer_by"]) if p.get("answer_by") else timezone.localdate() + timedelta(days=14)
        try:
            sent = services.invitation_sms_send(round=rnd, links=sms, answer_by=answer_by, actor=request.user)
            messages.success(request, ngettext("{n} invitation sent by SMS.", "{n} invitations sent by SMS.",
                                               sent).format(n=sent))
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
    return rows


@evaluator_only
@require_http_methods(["GET", "POST"])
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    invited: list[dict[str, Any]] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in RoundStatus.values:
                services.round_transition(round=rnd, to=action, actor=request.user,
                                          confirm_empty=request.POST.get("confirm_empty") == "on")
                if action == RoundStatus.CLOSED and not rnd.responses.exists():
                    messages.warning(request, _("The round is closed without any answer."))
            elif action == "verification":
                services.round_set_verification(round=rnd, tactics=request.POST.getlist("tactics"),
                                                actor=request.user)
            elif action == "stage":
                services.round_advance_stage(round=rnd, actor=request.user)
            elif action in ("public_on", "public_off"):
                services.round_set_public(round=rnd, enabled=action == "public_on", actor=request.user)
            elif action == "invite":
                invited = _invite(request, rnd)
            if not invited:
                return _back("round_detail", rnd.pk)
        except ValueError:
            messages.error(request, _("Give a number, and a date as YYYY-MM-DD."))
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
            return _back("round_detail", rnd.pk)
        rnd = _round(request, pk)
    public_url = ""
    qr = ""
    if rnd.public_slug and rnd.public_enabled:
        public_url = request.build_absolute_uri(reverse("assessment:public", args=[rnd.public_slug]))
        qr = _qr(public_url, _("QR code of the public link"))
    # the steps before publishing matter once publishing is the next step (a closed round), not before
    checklist = selectors.publish_checklist(round=rnd) if rnd.status == RoundStatus.CLOSED else []
    return render(request, "assessment/round_detail.html", {
        "round": rnd, "public_url": public_url, "qr": qr, "invited": invited,
        "groups": RespondentGroup.choices, "tactics": VerificationTactic.choices, "statuses": services.TRANSITIONS.get(RoundStatus(rnd.status), set()),
        "invitations": rnd.invitations.count(), "used": rnd.invitations.filter(used_at__isnull=False).count(),
        "no_answers": services.no_answers_warning() if not rnd.response_count else "",
        "checklist": checklist, "checklist_ready": all(step.done for step in checklist),
        "answer_by": timezone.localdate() + timedelta(days=14),
    })


@evaluator_only
@require_http_methods(["POST"])
def invitations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The invitations just created, as a CSV file (name or unit, group, link): the page posts back the links it
    shows, since only their hashes are kept; a link that is not an invitation of this round is left out."""
    rnd = _round(request, pk)
    rows = selectors.invitations_for_tokens(round=rnd, tokens=request.POST.getlist("token"))
    content = csv_bytes([_("Name or unit"), _("Group"), _("Invitation link"), _("Already answered")], [
        [inv.label, inv.get_group_display(), request.build_absolute_uri(reverse("assessment:invited", args=[token])),
         _("yes") if inv.used_at else _("no")] for token, inv in rows], bom=True)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="undangan-{rnd.pk}.csv"'
    return response


@evaluator_only
@require_http_methods(["GET", "POST"])
def round_results(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    if request.method == "POST" and request.POST.get("crosshair") in Crosshair.values:
        services.round_set_crosshair(round=rnd, crosshair=request.POST["crosshair"], actor=request.user)
        return _back("round_results", pk)
    return render(request, "assessment/results.html", results_context(rnd))


@evaluator_only
def round_tables(request: HttpRequest, pk: int) -> HttpResponse:
    """The paper's Tables 3, 5 and 6, rebuilt from the round's data."""
    rnd = _round(request, pk)
    res = selectors.round_results(round=rnd, with_answers=True)
    likert = next((r.item for r in res.items if r.summary is not None), None)
    return render(request, "assessment/tables.html", {
        "round": rnd, "res": res, "likert_points": likert.scale.points if likert else [], "triangulation": selectors.triangulation_for_round(round=rnd),
        "methods": Method.choices,
    })


@evaluator_only
@require_http_methods(["GET", "POST"])
def round_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    items = selectors.round_items(round=rnd)
    errors: dict[str, Any] = {}
    if request.method == "POST" and request.POST.get("system"):
        try:
            system_evidence_add(round=rnd, key=request.POST["system"], actor=request.user)
            messages.success(request, _("Evidence added."))
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
        return _back("round_evidence", pk)
    if request.method == "POST":
        p = request.POST
        try:
            services.evidence_add(
                round=rnd, kind=p.get("kind", ""), title=p.get("title", "").strip() or _("Untitled"),
                text=p.get("text", ""), informant=p.get("informant", ""), informant_role=p.get("informant_role", ""),
                consent_recorded=p.get("consent_recorded") == "on", period=p.get("period", ""),
                source=p.get("source", ""), file=request.FILES.get("file"),
                items=[i for i in items if i.code in p.getlist("items")], actor=request.user,
            )
            messages.success(request, _("Evidence added."))
            return _back("round_evidence", pk)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return render(request, "assessment/evidence.html", {
        "round": rnd, "evidence": selectors.evidence_list(round=rnd), "items": items, "kinds": EvidenceKind.choices,
        "offers": _offers(rnd),
        "errors": errors, "post": request.POST,
    })


def _offers(rnd: Round) -> list[Any]:
    try:
        return system_evidence_offers(round=rnd)
    except Exception:  # another app's figures must never break the evidence page
        import logging

        logging.getLogger(__name__).warning("system evidence unavailable", exc_info=True)
        return []


@evaluator_only
@require_http_methods(["GET", "POST"])
def evidence_detail(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    ev = get_object_or_404(Evidence, pk=evidence_pk, round=rnd)
    if request.method == "POST":
        p = request.POST
        try:
            action = p.get("action")
            if action == "code":
                services.code_create(round=rnd, name=p.get("name", ""), actor=request.user,
                                     parent=Code.objects.filter(round=rnd, pk=p.get("parent") or 0).first())
            elif action == "excerpt":
                code = get_object_or_404(Code, round=rnd, pk=p.get("code") or 0)
                start = int(p["start"]) if p.get("start", "").strip() else None
                end = int(p["end"]) if p.get("end", "").strip() else None
                services.excerpt_add(evidence=ev, code=code, coder=request.user, start=start, end=end,
                                     quote=p.get("quote", ""), occurrence=int(p.get("occurrence") or 1))
            elif action == "memo":
                services.memo_add(round=rnd, evidence=ev, text=p.get("text", ""), actor=request.user)
            elif action == "resolve":
                code = get_object_or_404(Code, round=rnd, pk=p.get("code") or 0)
                services.code_resolve_disagreement(code=code, note=p.get("note", ""), actor=request.user)
            return HttpResponseRedirect(request.path)
        except ValueError:
            messages.error(request, _("Offsets must be whole numbers."))
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
    agreement, overall, verdict = selectors.coding_agreement(round=rnd)
    return render(request, "assessment/evidence_detail.html", {
        "round": rnd, "ev": ev, "excerpts": ev.excerpts.select_related("code", "coder"),
        "codes": Code.objects.filter(round=rnd).select_related("parent"), "memos": ev.memos.all(),
        "agreement": agreement, "overall": overall, "verdict": verdict, "post": request.POST,
    })


@evaluator_only
@require_http_methods(["GET", "POST"])
def round_triangulation(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    if request.method == "POST":
        p = request.POST
        row = TriangulationRow.objects.filter(round=rnd, pk=p.get("row") or 0).first()
        cells = {m: (p.get(f"text_{m}", ""), p.get(f"stance_{m}", "")) for m in Method.values
                 if p.get(f"stance_{m}") in Stance.values}
        try:
            services.triangulation_row_save(round=rnd, row=row, statement=p.get("statement", ""), cells=cells,
                                            note=p.get("note", ""), actor=request.user)
            return _back("round_triangulation", pk)
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
    return render(request, "assessment/triangulation.html", {
        "round": rnd, "rows": selectors.triangulation_for_round(round=rnd), "methods": Method.choices,
        "stances": Stance.choices,
    })


@evaluator_only
@require_http_methods(["GET", "POST"])
def round_findings(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    if request.method == "POST":
        p = request.POST
        try:
            owner = Agency.objects.filter(pk=p.get("owner") or 0).first()
            due = date.fromisoformat(p["due_date"]) if p.get("due_date") else None
            if p.get("action") == "generate":
                created = services.recommendations_generate(round=rnd, actor=request.user, owner=owner, due_date=due,
                                                            target_level=int(p.get("target_level") or 3))
                messages.success(request, _("{n} recommendations created.").format(n=len(created)))
            elif p.get("action") == "status":
                rec = get_object_or_404(Recommendation, round=rnd, pk=p.get("rec") or 0)
                services.recommendation_set_status(recommendation=rec, status=p.get("status", ""), actor=request.user,
                                                   owner=owner, due_date=due)
            elif p.get("action") == "finding":
                item = Item.objects.filter(framework=rnd.framework, code=p.get("item", "")).first()
                ev = Evidence.objects.filter(round=rnd, pk__in=[x for x in p.getlist("evidence") if x.isdigit()])
                services.finding_create(round=rnd, title=p.get("title", ""), text=p.get("text", ""), item=item,
                                        evidence=ev, actor=request.user)
            return _back("round_findings", pk)
        except ValueError:
            messages.error(request, _("Check the numbers and the dates (YYYY-MM-DD)."))
        except ValidationError as exc:
            for m in _errors(exc):
                messages.error(request, m)
    return render(request, "assessment/findings.html", {
        "round": rnd, "findings": rnd.findings.prefetch_related("evidence", "recommendations").select_related("item"),
        "recommendations": selectors.recommendation_list(round=rnd), "statuses": RecommendationStatus.choices,
        "evidence": Evidence.objects.filter(round=rnd), "items": selectors.round_items(round=rnd),
        "agencies": Agency.objects.filter(is_active=True).order_by("name"),
    })


@evaluator_only
@require_http_methods(["GET", "POST"])
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff self-assessment of level indicators: a level, an explanation and supporting documents each."""
    rnd = _round(request, pk)
    items = [i for i in selectors.round_items(round=rnd) if i.kind == ItemKind.LEVEL]
    errors: dict[str, str] = {}
    if request.method == "POST":
        p = request.POST
        answers = {i.code: {"level": p.get(f"level_{i.code}", ""), "explanation": p.get(f"explanation_{i.code}", "")}
                   for i in items}
        try:
            response_id = uuid.UUID(p.get("response_id", ""))
            out = services.response_submit(round=rnd, response_id=response_id, answers=answers, partial=True,
                                           channel=Channel.STAFF, user=request.user,
                                           attrs={"group": RespondentGroup.PEGAWAI,
                                                  "respondent_label": str(request.user)})
            if out.created:
                for item in items:
                    upload = request.FILES.get(f"file_{item.code}")
                    if upload is not None:
                        services.evidence_add(round=rnd, kind=EvidenceKind.DOCUMENT, actor=request.user,
                                              title=_("Supporting document for {code}").format(code=item.code),
                                              file=upload, items=[item])
            messages.success(request, _("Self-assessment saved."))
            return _back("round_results", pk)
        except ValueError:
            errors[""] = _("The form expired; please send it again.")
        except services.AnswerErrors as exc:
            errors = exc.by_item
        except ValidationError as exc:
            errors[""] = " ".join(exc.messages)
    return render(request, "assessment/self_assessment.html", {
        "round": rnd, "items": items, "errors": errors, "post": request.POST,
        "response_id": request.POST.get("response_id") or uuid.uuid4(),
    })


@evaluator_only
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    rnd = _round(request, pk)
    try:
        content, content_type, filename = exports.build(round=rnd, fmt=fmt)
    except KeyError as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@evaluator_only
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    response = HttpResponse(round_report_pdf(round=rnd, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="asesmen-{rnd.pk}-{rnd.year}.pdf"'
    return response


# ---------------------------------------------------------------- public questionnaire


def _rate_limited(request: HttpRequest, rnd: Round) -> bool:
    """At most `settings.ASSESSMENT_PUBLIC_RATE_PER_HOUR` answers an hour from one client to one public link
    (simpul.core.limits)."""
    limit = Limit("assessment-public", settings.ASSESSMENT_PUBLIC_RATE_PER_HOUR, 3600)
    return limit_hit(limit, f"{rnd.public_slug}|{client_ip(request)}").exceeded


def _questionnaire_answers(items: list[Item], data: Any) -> dict[str, dict[str, Any]]:
    """The answers posted on the questionnaire: importance (and performance) for scale items, a level and an
    explanation for level items, under the same field names as the staff self-assessment."""
    answers: dict[str, dict[str, Any]] = {}
    for i in items:
        if i.is_open:
            answers[i.code] = {"answer_text": data.get(f"t_{i.code}", "")}
        elif i.kind == ItemKind.LEVEL:
            answers[i.code] = {"level": data.get(f"level_{i.code}", ""),
                               "explanation": data.get(f"explanation_{i.code}", "")}
        else:
            answers[i.code] = {"value": data.get(f"v_{i.code}", ""), "performance": data.get(f"p_{i.code}", "")}
    return answers


def _questionnaire_rows(items: list[Item]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Each item with the points of its own scale (every point labelled where it is chosen, so no separate
    legend), grouped by section; and the introduction's sentences."""
    sections: dict[str, list[dict[str, Any]]] = {}
    by_code = {i.code: i for i in items}
    for item in items:
        scale = item.scale
        row: dict[str, Any] = {"item": item, "points": scale.points if scale else [],
                               "perf_points": (scale.performance_points or scale.points) if scale else [],
                               "asked_if": _asked_if(item, by_code)}
        if item.kind == ItemKind.LEVEL:
            row["levels"] = level_options(item)
        sections.setdefault(item.section.name, []).append(row)
    kinds = {i.kind for i in items}
    intro = []
    if ItemKind.DUAL in kinds:
        intro.append(_("For each row, choose how important it is to you and how good it is today."))
    if ItemKind.LIKERT in kinds:
        intro.append(_("For each question, choose how important it is to you."))
    if ItemKind.LEVEL in kinds:
        intro.append(_("For each level question, choose the level that describes the situation today, and say "
                       "why."))
    intro.append(_("Your answers are anonymous."))
    return sections, intro


def _asked_if(item: Item, by_code: dict[str, Item]) -> str:
    """An item's show-if conditions in words ("" when it is always asked): the page works without JavaScript,
    so a conditional question is shown with the condition under which to answer it."""
    parts = []
    for cond in item.show_if or []:
        target = by_code.get(str(cond.get("item", "")))
        if target is None:
            continue
        labels = {str(p.get("code") if target.kind == ItemKind.CHOICE else p.get("value")):
                  p.get("label_id") or p.get("code") for p in (target.scale.points if target.scale else [])}
        values = " / ".join(str(labels.get(str(v), v)) for v in cond.get("values") or [])
        if cond.get("op") == "answered":
            parts.append(_("you answered {code}").format(code=target.code))
        elif cond.get("op") == "not_in":
            parts.append(_("your answer to {code} is not {values}").format(code=target.code, values=values))
        else:
            parts.append(_("your answer to {code} is {values}").format(code=target.code, values=values))
    return _("Answer only if {conditions}.").format(conditions=_(" and ").join(parts)) if parts else ""


def _questionnaire(request: HttpRequest, rnd: Round, *, channel: str, token: str = "") -> HttpResponse:
    """The questionnaire of a round, by invitation or public link: every item of the framework, each on its own
    scale (importance, importance and performance, or maturity level with an explanation)."""
    items = selectors.round_items(round=rnd)
    kecamatan = Region.objects.filter(level="kecamatan", code__startswith=settings.SIMPUL_KABUPATEN_CODE + ".")
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        p = request.POST
        answers = _questionnaire_answers(items, p)
        attrs: dict[str, Any] = {}
        if channel == Channel.PUBLIC:
            if p.get("group") in RespondentGroup.values:
                attrs["group"] = p["group"]
            kec = kecamatan.filter(code=p.get("kecamatan", "")).first()
            attrs["kecamatan"] = kec
            desa_name = p.get("desa", "").strip()
            if desa_name:
                # a name longer than any village's is no village (and SQLite refuses a LIKE pattern that long)
                fits = len(desa_name) <= Region._meta.get_field("name").max_length
                desa = Region.objects.filter(parent=kec, name__iexact=desa_name).first() if kec and fits else None
                if desa is None:
                    errors["desa"] = _("Village not found in the chosen kecamatan. Check the spelling or leave it "
                                       "empty.")
                attrs["desa"] = desa
        try:
            response_id = uuid.UUID(p.get("response_id", ""))
        except ValueError:
            response_id = None
            errors[""] = _("The form expired; please send it again.")
        if errors:
            try:
                services.validate_answers(items=items, answers=answers)
            except services.AnswerErrors as exc:
                errors.update(exc.by_item)
        if not errors and channel == Channel.PUBLIC and _rate_limited(request, rnd):
            errors[""] = _("Too many answers from this connection. Please try again in an hour.")
            status = 429
        if not errors:
            try:
                services.response_submit(round=rnd, response_id=response_id, answers=answers, channel=channel,
                                         token=token, attrs=attrs)
                return HttpResponseRedirect(reverse("assessment:thanks"))
            except services.AnswerErrors as exc:
                errors = exc.by_item
                status = 400
            except ValidationError as exc:
                errors[""] = " ".join(exc.messages)
                status = 409
    sections, intro = _questionnaire_rows(items)
    return render(request, "assessment/questionnaire.html", {
        "round": rnd, "sections": sections, "intro": intro, "errors": errors,
        "post": request.POST, "channel": channel, "kecamatan": kecamatan, "groups": RespondentGroup.choices,
        "response_id": request.POST.get("response_id") or uuid.uuid4(),
        "explanation_max": services.EXPLANATION_MAX_LENGTH,
    }, status=status)


@require_http_methods(["GET", "POST"])
def invited(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_by_token(token=token)
    if invitation is None:
        raise Http404
    if invitation.used_at is not None or invitation.round.status != RoundStatus.OPEN:
        return render(request, "assessment/closed.html", {"used": invitation.used_at is not None}, status=410)
    return _questionnaire(request, invitation.round, channel=Channel.TOKEN, token=token)


@require_http_methods(["GET", "POST"])
def public(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        rnd = selectors.round_public_get(slug=slug)
    except Round.DoesNotExist as exc:
        raise Http404 from exc
    return _questionnaire(request, rnd, channel=Channel.PUBLIC)


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "assessment/thanks.html")
