"""Writes of the assessment app. Each service is atomic, validates before saving and records an audit entry."""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from simpul.accounts.models import Role
from simpul.assessment import selectors
from simpul.assessment.frameworks import FrameworkError, FrameworkSpec, parse_framework, spec_to_definition
from simpul.assessment.models import (
    Answer,
    Channel,
    Code,
    Evidence,
    EvidenceKind,
    Excerpt,
    Finding,
    Framework,
    Invitation,
    Item,
    ItemKind,
    Memo,
    Recommendation,
    RecommendationSource,
    RecommendationStatus,
    RespondentGroup,
    Response,
    Round,
    RoundStatus,
    Scale,
    Section,
    StudyStage,
    TriangulationCell,
    TriangulationRow,
    VerificationTactic,
)
from simpul.assessment.selectors import publish_blockers, round_results
from simpul.assessment.submissions import map_columns, response_id, row_answers
from simpul.assessment.xlsform import ReportRow, XlsformError, workbook_kind, xlsform_to_definition
from simpul.core.actors import Actor, account_of
from simpul.core.files import document_check, document_delete, document_store
from simpul.core.limits import Limit, limit_count, limit_hit
from simpul.core.services import audit_record
from simpul.core.tabular import TableError, read_upload
from simpul.core.text import normalise_phone
from simpul.notifications.services import notification_send

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- frameworks


@dataclass
class LoadOutcome:
    framework: Framework
    state: str  # "created", "updated" or "unchanged"


def _definition_hash(definition: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def framework_load(*, spec: FrameworkSpec, actor: Any = None) -> LoadOutcome:
    """Save a validated framework version with its scales, sections and items (all or nothing).

    A version already used by a round is immutable: a changed definition must come as a new version.
    """
    definition = spec_to_definition(spec)
    digest = _definition_hash(definition)
    existing = Framework.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None and existing.content_hash == digest:
        return LoadOutcome(existing, "unchanged")
    if existing is not None and existing.rounds.exists():
        raise FrameworkError([f"version {spec.version} is already used by a round; publish a new version"],
                             source=spec.slug)
    state = "updated" if existing else "created"
    fw = existing or Framework(code=spec.code, version=spec.version)
    fw.name, fw.name_en, fw.source = spec.name[:300], spec.name_en[:300], spec.source
    fw.status, fw.verified, fw.definition, fw.content_hash = spec.status, spec.verified, definition, digest
    fw.total_weight = spec.total_weight
    fw.predicate_bands = definition["predicate_bands"]
    fw.full_clean()
    fw.save()
    if existing:
        fw.items.all().delete()
        fw.sections.all().delete()
        fw.scales.all().delete()
    scales = {}
    for code, sc in definition["scales"].items():
        scale = Scale(framework=fw, code=code, kind=sc["kind"], name=sc["name"][:200], points=sc["points"],
                      performance_points=sc.get("performance_points", []), bands=sc.get("bands", []))
        scale.full_clean(exclude=["framework"])
        scale.save()
        scales[code] = scale
    sections: dict[str, Section] = {}
    for s in spec.sections:
        section = Section(framework=fw, parent=sections.get(s.parent_code or ""), code=s.code, name=s.name[:300],
                          level=s.level, weight=s.weight, order=s.order, text=s.text)
        section.save()
        sections[s.code] = section
    Item.objects.bulk_create([
        Item(framework=fw, section=sections[i.section_code], scale=scales.get(i.scale_code), code=i.code,
             text=i.text, text_en=i.text_en, kind=i.kind, weight=i.weight, requires_explanation=i.requires_explanation,
             level_criteria=i.level_criteria, evidence_criteria=i.evidence_criteria, order=i.order,
             required=i.required, show_if=i.show_if)
        for i in spec.items
    ])
    audit_record(actor=actor, action=f"assessment.framework_{state}", obj=fw,
                 changes={"items": len(spec.items), "hash": digest, "verified": spec.verified})
    return LoadOutcome(fw, state)


@dataclass
class UploadOutcome:
    """What an uploaded framework file became: `state` is "created", "updated", "unchanged" (the same code and
    version is there already: nothing was changed) or "refused" (`problems` say why); `rows` is an XLSForm's
    report, one entry per row."""

    state: str
    filename: str
    framework: Framework | None = None
    problems: list[str] = field(default_factory=list)
    rows: list[ReportRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(1 for r in self.rows if r.imported and r.sheet == "survey")

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.rows if not r.imported and r.sheet == "survey")


FRAMEWORK_FILE_TYPES = (".yaml", ".yml", ".json")


def framework_upload(*, filename: str, content: bytes, actor: Any) -> UploadOutcome:
    """Import an uploaded framework: an XLSForm (.xlsx or .xls, read by its content) or a framework file (YAML,
    JSON). Nothing is saved from a file with errors. An upload is never verified: an admin verifies it
    (`framework_verify`). Re-importing the same XLSForm code and version changes nothing."""
    name = PurePath(filename or "").name or "form"
    if workbook_kind(content) is not None or PurePath(name).suffix.lower() in (".xlsx", ".xls"):
        return _xlsform_upload(filename=name, content=content, actor=actor)
    if PurePath(name).suffix.lower() not in FRAMEWORK_FILE_TYPES:
        return UploadOutcome("refused", name, problems=[
            _("Upload an XLSForm (.xlsx or .xls) or a framework file (.yaml or .json).")])
    try:
        text = content.decode("utf-8")
        data = json.loads(text) if name.lower().endswith(".json") else yaml.safe_load(text)
    except (UnicodeDecodeError, ValueError, yaml.YAMLError):
        return UploadOutcome("refused", name, problems=[_("The file cannot be read as YAML or JSON text.")])
    if isinstance(data, dict):
        data = {**data, "verified": False}
    try:
        spec = parse_framework(data, source=name)
        loaded = framework_load(spec=spec, actor=actor)
    except FrameworkError as exc:
        return UploadOutcome("refused", name, problems=list(exc.problems))
    return UploadOutcome(loaded.state, name, framework=loaded.framework)


def _xlsform_upload(*, filename: str, content: bytes, actor: Any) -> UploadOutcome:
    try:
        result = xlsform_to_definition(content, filename=filename)
    except XlsformError as exc:
        return UploadOutcome("refused", filename, problems=list(exc.problems), rows=exc.rows)
    definition = result.definition
    existing = Framework.objects.filter(code=definition["code"], version=definition["version"]).first()
    if existing is not None:
        return UploadOutcome("unchanged", filename, framework=existing, rows=result.rows, notes=[
            *result.notes, _("Version {version} of {code} is imported already: nothing was changed. To change the "
                             "framework, give the form a new version in its settings sheet.").format(
                version=existing.version, code=existing.code)])
    try:
        spec = parse_framework(definition, source=filename)
    except FrameworkError as exc:  # the importer writes valid definitions; this is a bug, told plainly
        logger.error("XLSForm %s gave an invalid definition: %s", filename, exc)
        return UploadOutcome("refused", filename, rows=result.rows, problems=[
            _("The form could not be turned into a framework. Please report this file to the platform admin.")])
    loaded = framework_load(spec=spec, actor=actor)
    return UploadOutcome(loaded.state, filename, framework=loaded.framework, rows=result.rows, notes=result.notes)


def may_verify_frameworks(user: Any) -> bool:
    """Only a platform admin confirms that a framework matches its official text."""
    return Actor.of(user).is_person and (getattr(user, "role", None) == Role.PLATFORM_ADMIN
                                         or bool(getattr(user, "is_superuser", False)))


@transaction.atomic
def framework_verify(*, framework: Framework, actor: Any) -> Framework:
    """Mark a framework as checked against its official text (platform admins only; audited).

    Only the flag changes: the stored definition and its hash stay as loaded, so reloading the same file is
    still "unchanged" and keeps the admin's verification."""
    if not may_verify_frameworks(actor):
        raise PermissionDenied(_("Only a platform admin can verify a framework."))
    fw = Framework.objects.select_for_update().get(pk=framework.pk)
    if not fw.verified:
        fw.verified = True
        fw.save(update_fields=["verified", "updated_at"])
        audit_record(actor=actor, action="assessment.framework_verified", obj=fw, changes={"verified": True})
    return fw


# ---------------------------------------------------------------- rounds


TRANSITIONS = {
    # status workflow of a round: from -> allowed targets
    RoundStatus.DRAFT: {RoundStatus.OPEN},
    RoundStatus.OPEN: {RoundStatus.CLOSED},
    RoundStatus.CLOSED: {RoundStatus.OPEN, RoundStatus.PUBLISHED},
    RoundStatus.PUBLISHED: set(),
}
STAGES = [StudyStage.CONDENSATION, StudyStage.DISPLAY, StudyStage.CONCLUSION]


class RoundError(ValidationError):
    """A round action refused, with the reasons."""


@transaction.atomic
def round_create(*, framework: Framework, name: str, year: int, actor: Any, agency: Any = None,
                 scope_label: str = "", previous: Round | None = None, crosshair: str = "data",
                 data_owners: str = "") -> Round:
    """Create a round; open recommendations of the previous round are carried into it."""
    rnd = Round(framework=framework, name=name, year=year, agency=agency, scope_label=scope_label,
                previous=previous, crosshair=crosshair, data_owners=data_owners)
    rnd.full_clean()
    rnd.save()
    carried = 0
    if previous is not None:
        items = {i.code: i for i in framework.items.all()}
        for rec in previous.recommendations.exclude(status__in=[RecommendationStatus.DONE,
                                                                 RecommendationStatus.DROPPED]):
            Recommendation.objects.create(
                round=rnd, item=items.get(rec.item_code), item_code=rec.item_code, title=rec.title,
                title_en=rec.title_en,
                source=RecommendationSource.CARRIED, owner=rec.owner, due_date=rec.due_date, status=rec.status,
                carried_from=rec, target_level=rec.target_level,
            )
            carried += 1
    audit_record(actor=actor, action="assessment.round_created", obj=rnd,
                 changes={"framework": framework.slug, "year": year, "carried_recommendations": carried})
    return rnd


def no_answers_warning() -> str:
    return _("No one has answered this round yet. Its results would be empty: publish it only if that is what "
             "you mean, and tick “Publish without any answer” to confirm.")


@transaction.atomic
def round_transition(*, round: Round, to: str, actor: Any, confirm_empty: bool = False) -> Round:
    """Move a round along its workflow. Publishing needs the study at its last stage, no publish blocker, and,
    for a round nobody answered, `confirm_empty` (results with no answer are never published by mistake)."""
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if to not in TRANSITIONS.get(RoundStatus(rnd.status), set()):
        raise RoundError(_("A round cannot go from {old} to {new}.").format(old=rnd.get_status_display(), new=to))
    if to == RoundStatus.PUBLISHED:
        if rnd.stage != StudyStage.CONCLUSION:
            raise RoundError(_("Publish only after the study reached conclusion drawing and verification."))
        blockers = publish_blockers(round=rnd)
        if blockers:
            raise RoundError(blockers)
        if not confirm_empty and not rnd.responses.exists():
            raise RoundError(no_answers_warning())
        rnd.published_at = timezone.now()
    if to == RoundStatus.OPEN and not rnd.public_slug:
        rnd.public_slug = secrets.token_urlsafe(9).replace("_", "x").replace("-", "y").lower()
    old = rnd.status
    rnd.status = to
    rnd.full_clean()
    rnd.save()
    changes: dict[str, Any] = {"from": old, "to": to}
    if to == RoundStatus.PUBLISHED and confirm_empty:
        changes["confirmed_without_answers"] = not rnd.responses.exists()
    audit_record(actor=actor, action="assessment.round_status_changed", obj=rnd, changes=changes)
    return rnd


@transaction.atomic
def round_set_public(*, round: Round, enabled: bool, actor: Any) -> Round:
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if enabled and not rnd.public_slug:
        rnd.public_slug = secrets.token_urlsafe(9).replace("_", "x").replace("-", "y").lower()
    rnd.public_enabled = enabled
    rnd.save(update_fields=["public_enabled", "public_slug", "updated_at"])
    audit_record(actor=actor, action="assessment.round_public_link", obj=rnd, changes={"enabled": enabled})
    return rnd


@transaction.atomic
def round_advance_stage(*, round: Round, actor: Any) -> Round:
    """condensation -> display -> conclusion/verification (Miles & Huberman)."""
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    idx = STAGES.index(StudyStage(rnd.stage))
    if idx == len(STAGES) - 1:
        raise RoundError(_("The study is already at its last stage."))
    old, rnd.stage = rnd.stage, STAGES[idx + 1]
    rnd.save(update_fields=["stage", "updated_at"])
    audit_record(actor=actor, action="assessment.round_stage_changed", obj=rnd,
                 changes={"from": old, "to": rnd.stage})
    return rnd


@transaction.atomic
def round_set_verification(*, round: Round, tactics: Iterable[str], actor: Any) -> Round:
    """Record which verification tactics the conclusions were checked with."""
    chosen = sorted(set(tactics))
    unknown = [t for t in chosen if t not in VerificationTactic.values]
    if unknown:
        raise RoundError(_("Unknown verification tactic: {name}.").format(name=unknown[0]))
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    old, rnd.verification = rnd.verification, chosen
    rnd.save(update_fields=["verification", "updated_at"])
    audit_record(actor=actor, action="assessment.round_verification_set", obj=rnd, changes={"from": old, "to": chosen})
    return rnd


@transaction.atomic
def round_set_crosshair(*, round: Round, crosshair: str, actor: Any) -> Round:
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    old, rnd.crosshair = rnd.crosshair, crosshair
    rnd.full_clean()
    rnd.save(update_fields=["crosshair", "updated_at"])
    audit_record(actor=actor, action="assessment.round_crosshair_set", obj=rnd, changes={"from": old, "to": crosshair})
    return rnd


# ---------------------------------------------------------------- invitations and responses


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


@dataclass(frozen=True)
class Invitee:
    """One line of the evaluator's list of people to invite: a name or a unit, and a mobile number or ""."""

    label: str
    phone: str = ""


PHONE_RE = re.compile(r"^\+628\d{7,11}$")


def invitees_parse(text: str) -> list[Invitee]:
    """The invitees of a list typed one per line, "name or unit, phone" (the phone is optional); a line whose
    last part is not an Indonesian mobile number is refused with the line's number."""
    invitees = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        label, _sep, last = line.rpartition(",")
        if not _sep or not any(ch.isdigit() for ch in last):
            invitees.append(Invitee(label=line[:200]))
            continue
        phone = normalise_phone(last)
        if not PHONE_RE.match(phone):
            raise ValidationError(_("Line {n}: “{phone}” is not a mobile number such as 081234567890.").format(
                n=n, phone=last.strip()))
        invitees.append(Invitee(label=label.strip()[:200], phone=phone))
    return invitees


@transaction.atomic
def invitation_create(*, round: Round, count: int, actor: Any, label: str = "", group: str = "",
                      agency: Any = None, labels: list[str] | None = None) -> list[str]:
    """Create `count` invitations (or one per name of `labels`); the tokens are returned once, in order, and only
    their hashes are stored."""
    if labels:
        count = len(labels)
    if not 1 <= count <= 1000:
        raise ValidationError(_("Create between 1 and 1000 invitations at a time."))
    if group and group not in RespondentGroup.values:
        raise ValidationError(_("Choose the respondents' group from the list."))
    tokens = [secrets.token_urlsafe(16) for _ in range(count)]
    Invitation.objects.bulk_create([
        Invitation(round=round, token_hash=_token_hash(t), group=group, agency=agency,
                   label=labels[n] if labels else f"{label} {n + 1}".strip()[:200])
        for n, t in enumerate(tokens)
    ])
    audit_record(actor=actor, action="assessment.invitations_created", obj=round, changes={"count": count})
    return tokens


def _sms_limit() -> Limit:
    return Limit("assessment-invitation-sms", settings.ASSESSMENT_INVITATION_SMS_PER_HOUR, 3600)


@transaction.atomic
def invitation_sms_send(*, round: Round, links: list[tuple[str, str]], answer_by: date, actor: Any) -> int:
    """Send each (mobile number, invitation link) its invitation by SMS through the notifications app (the text
    of its "assessment.invitation" template, fitted to the SMS parts allowed). At most
    `settings.ASSESSMENT_INVITATION_SMS_PER_HOUR` messages an hour go out for one round: a batch that would pass
    the limit is refused whole, so nobody is left wondering which half was sent. Returns the count sent."""
    limit, key = _sms_limit(), f"round:{round.pk}"
    if limit_count(limit, key) + len(links) > limit.maximum:
        raise ValidationError(_("At most {n} invitations an hour go out by SMS for one round. Send these later, or "
                                "share the links another way.").format(n=limit.maximum))
    sent = 0
    for phone, url in links:
        limit_hit(limit, key)
        sent += bool(notification_send(event="assessment.invitation", to_phone=phone, language="id", context={
            "round_name": round.name, "due_date": answer_by, "survey_url": url}))
    audit_record(actor=actor, action="assessment.invitations_sent_by_sms", obj=round, changes={"count": sent})
    return sent


def invitation_by_token(*, token: str) -> Invitation | None:
    return Invitation.objects.select_related("round", "round__framework").filter(
        token_hash=_token_hash(token)).first()


class AnswerErrors(ValidationError):
    """Answers refused; `by_item` maps item codes to messages (nothing was saved)."""

    def __init__(self, by_item: dict[str, str]) -> None:
        self.by_item = by_item
        super().__init__([f"{k}: {v}" for k, v in by_item.items()])


class TokenUsed(ValidationError):
    pass


class ResponseConflict(ValidationError):
    pass


@dataclass
class SubmitOutcome:
    response: Response
    created: bool


EXPLANATION_MAX_LENGTH = 4000  # a level's explanation: a few paragraphs, never a pasted document


def _to_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return -1


def _condition_key(item: Item, answer: Mapping[str, Any]) -> str:
    """An answer as a show-if condition compares it: a choice's code, a scored value, a question's text."""
    if item.is_open:
        return str(answer.get("answer_text", ""))
    number = answer.get("level") if item.kind == ItemKind.LEVEL else answer.get("value")
    if item.kind == ItemKind.CHOICE and item.scale is not None:
        return next((str(p.get("code", "")) for p in item.scale.points if p["value"] == number), "")
    return "" if number is None else str(number)


def item_is_asked(item: Item, clean: Mapping[str, Mapping[str, Any]], by_code: Mapping[str, Item]) -> bool:
    """True when every show-if condition of `item` holds for the answers given so far (an unanswered earlier
    question satisfies only `not_in`)."""
    for cond in item.show_if or []:
        target = by_code.get(str(cond.get("item", "")))
        answer = clean.get(str(cond.get("item", "")))
        key = _condition_key(target, answer) if target is not None and answer is not None else ""
        op, values = cond.get("op", "in"), [str(v) for v in cond.get("values") or []]
        if (op == "answered" and not key) or (op == "in" and key not in values) or (op == "not_in" and key in values):
            return False
    return True


def _open_answer(item: Item, text: str) -> str:
    """A context question's answer in its stored form; ValueError with a translated reason when it does not fit."""
    if item.kind == ItemKind.INTEGER:
        if not re.fullmatch(r"[+-]?\d{1,15}", text):
            raise ValueError(_("Write a whole number."))
        return str(int(text))
    if item.kind == ItemKind.DECIMAL:
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or len(text) > 30:
            raise ValueError(_("Write a number (for example 12.5)."))
        return str(number)
    if item.kind == ItemKind.DATE:
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise ValueError(_("Write a date as YYYY-MM-DD (for example 2026-03-31).")) from None
    if len(text) > EXPLANATION_MAX_LENGTH:
        raise ValueError(_("Keep the answer under {n} characters.").format(n=EXPLANATION_MAX_LENGTH))
    return text


def validate_answers(*, items: Iterable[Item], answers: Mapping[str, Mapping[str, Any]], partial: bool = False
                     ) -> dict[str, dict[str, Any]]:
    """Check each answer against its item's scale and kind; return cleaned answers or raise AnswerErrors.

    An item whose show-if conditions do not hold is not asked: its answer, if any, is left out (as ODK Collect
    clears it). An optional item may stay unanswered."""
    errors: dict[str, str] = {}
    clean: dict[str, dict[str, Any]] = {}
    items = list(items)
    by_code = {i.code: i for i in items}
    for item in items:
        if not item_is_asked(item, clean, by_code):
            continue
        raw = answers.get(item.code) or {}
        must = not partial and item.required
        out: dict[str, Any] = {}
        if item.is_open:
            text = str(raw.get("answer_text", "") or "").strip()
            if not text:
                if must:
                    errors[item.code] = _("Write an answer.")
                continue
            try:
                out = {"answer_text": _open_answer(item, text)}
            except ValueError as exc:
                errors[item.code] = str(exc)
                continue
            clean[item.code] = out
            continue
        values = set(item.scale.values) if item.scale is not None else set()
        if item.kind == ItemKind.LEVEL:
            level = _to_int(raw.get("level"))
            explanation = str(raw.get("explanation", "")).strip()
            if level is None:
                if must:
                    errors[item.code] = _("Choose a level.")
                continue
            if level not in values:
                errors[item.code] = _("The level must be one of {values}.").format(
                    values=", ".join(map(str, sorted(values))))
                continue
            if item.requires_explanation and not explanation:
                errors[item.code] = _("Explain why this level was chosen.")
                continue
            if len(explanation) > EXPLANATION_MAX_LENGTH:
                errors[item.code] = _("Keep the explanation under {n} characters.").format(n=EXPLANATION_MAX_LENGTH)
                continue
            out = {"level": level, "explanation": explanation, "answer_text": str(raw.get("answer_text", "")),
                   "finding": str(raw.get("finding", ""))}
        else:
            value = _to_int(raw.get("value"))
            perf = _to_int(raw.get("performance"))
            if value is None and (item.kind != ItemKind.DUAL or perf is None):
                if must:
                    errors[item.code] = _("Choose an answer.")
                continue
            if value is not None and value not in values:
                errors[item.code] = _("Choose one of the listed answers.") if item.kind == ItemKind.CHOICE else _(
                    "The answer must be on the scale ({low} to {high}).").format(low=min(values), high=max(values))
                continue
            if item.kind == ItemKind.DUAL:
                if value is None or perf is None:
                    errors[item.code] = _("Answer both importance and current performance.")
                    continue
                if perf not in values:
                    errors[item.code] = _("The answer must be on the scale ({low} to {high}).").format(
                        low=min(values), high=max(values))
                    continue
            out = {"value": value, "performance": perf if item.kind == ItemKind.DUAL else None}
        clean[item.code] = out
    if errors:
        raise AnswerErrors(errors)
    return clean


def _content_hash(clean: Mapping[str, Any], attrs: Mapping[str, Any]) -> str:
    body = json.dumps({"answers": clean, "attrs": {k: str(v) for k, v in attrs.items()}}, sort_keys=True,
                      default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def response_submit(*, round: Round, response_id: Any, answers: Mapping[str, Mapping[str, Any]],
                    channel: str, token: str = "", attrs: Mapping[str, Any] | None = None, user: Any = None,
                    partial: bool = False) -> SubmitOutcome:
    """Store one response idempotently.

    The same response id with the same content returns the stored response (created=False); with other
    content it is refused (ResponseConflict). An invitation token allows one response (TokenUsed after that,
    also under concurrent submission: the invitation row is locked and its response is unique).
    """
    attrs = dict(attrs or {})
    items = list(Item.objects.filter(framework_id=round.framework_id).select_related("scale"))
    clean = validate_answers(items=items, answers=answers, partial=partial)
    if not clean:
        raise AnswerErrors({"": _("Answer at least one question.")})
    digest = _content_hash(clean, attrs)
    existing = Response.objects.filter(uuid=response_id).first()
    if existing is not None:
        return _replay(existing, round, digest)
    try:
        with transaction.atomic():
            return _submit_new(round=round, response_id=response_id, clean=clean, items=items, channel=channel,
                               token=token, attrs=attrs, user=user, digest=digest)
    except IntegrityError:
        existing = Response.objects.filter(uuid=response_id).first()
        if existing is not None:
            return _replay(existing, round, digest)
        raise TokenUsed(_("This invitation has already been used to answer.")) from None


def _replay(existing: Response, round: Round, digest: str) -> SubmitOutcome:
    if existing.round_id != round.pk or existing.content_hash != digest:
        raise ResponseConflict(_("This response id was already used for different answers."))
    return SubmitOutcome(existing, False)


def _tally_add(rnd: Round, keys: list[tuple[int, int, str, int, int, int]]) -> None:
    """Add one to each tally key (an upsert; keys sorted so concurrent writers lock rows in the same order)."""
    from collections import Counter

    from django.db import connection

    table = connection.ops.quote_name("assessment_answertally")
    group = connection.ops.quote_name("group")
    counted = sorted(Counter(keys).items())
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (round_id, item_id, agency_key, {group}, value, performance, level, n) "  # noqa: S608
            f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (round_id, item_id, agency_key, {group}, value, "
            f"performance, level) DO UPDATE SET n = {table}.n + excluded.n",
            [(rnd.pk, *key, n) for key, n in counted],
        )


def _submit_new(*, round: Round, response_id: Any, clean: dict[str, dict[str, Any]], items: list[Item],
                channel: str, token: str, attrs: dict[str, Any], user: Any, digest: str) -> SubmitOutcome:
    rnd = Round.objects.get(pk=round.pk)
    if rnd.status != RoundStatus.OPEN and channel != Channel.IMPORT:
        raise RoundError(_("This questionnaire is not open for answers."))
    invitation = None
    if channel == Channel.TOKEN:
        invitation = Invitation.objects.select_for_update().filter(token_hash=_token_hash(token), round=rnd).first()
        if invitation is None:
            raise TokenUsed(_("This invitation link is not valid."))
        if invitation.used_at is not None:
            raise TokenUsed(_("This invitation has already been used to answer."))
        attrs.setdefault("group", invitation.group)
        attrs.setdefault("agency", invitation.agency)
    response = Response(
        round=rnd, uuid=response_id, invitation=invitation, channel=channel, group=attrs.get("group") or "",
        kecamatan=attrs.get("kecamatan"), desa=attrs.get("desa"), agency=attrs.get("agency"),
        respondent_label=str(attrs.get("respondent_label", ""))[:200],
        submitted_by=account_of(user), content_hash=digest,
    )
    response.full_clean(exclude=["invitation", "uuid"])
    response.save()
    by_code = {i.code: i for i in items}
    Answer.objects.bulk_create([
        Answer(response=response, round=rnd, item=by_code[code], group=response.group, agency=response.agency,
               value=a.get("value"),
               performance=a.get("performance"), level=a.get("level"), explanation=a.get("explanation", ""),
               answer_text=a.get("answer_text", ""), finding=a.get("finding", ""))
        for code, a in clean.items()
    ])
    _tally_add(rnd, [(by_code[code].pk, response.agency_id or 0, response.group or "", a.get("value") or 0,
                      a.get("performance") or 0, a.get("level") or 0) for code, a in clean.items()
                     if not by_code[code].is_open])
    if invitation is not None:
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at", "updated_at"])
    audit_record(actor=user, action="assessment.response_submitted", obj=response,
                 changes={"round": rnd.pk, "channel": channel, "answers": len(clean)})
    return SubmitOutcome(response, True)


@dataclass
class SubmissionResult:
    """One row of a submissions file: `state` is "imported", "duplicate" (that instanceID is in the round with
    the same answers already) or "refused" (`message` says why)."""

    line: int
    instance_id: str
    state: str
    message: str = ""


@dataclass
class SubmissionsOutcome:
    filename: str
    rows: list[SubmissionResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)


def round_import_submissions(*, round: Round, filename: str, content: bytes, actor: Any) -> SubmissionsOutcome:
    """Import an ODK Central or KoboToolbox submissions export (CSV or XLSX) into a round as responses, each
    through `response_submit` (so each is validated, tallied and audited like any other), one row at a time.

    A row whose instanceID was imported before with the same answers is a duplicate and changes nothing; with
    other answers it is refused. A published round takes no new answers."""
    outcome = SubmissionsOutcome(PurePath(filename or "").name or "submissions.csv")
    if round.status == RoundStatus.PUBLISHED:
        outcome.problems.append(_("This round is published: its answers can no longer change."))
        return outcome
    try:
        _format, table = read_upload(outcome.filename, content)
    except TableError as exc:
        outcome.problems.append(str(exc))
        return outcome
    spec = selectors.framework_spec(framework=round.framework)
    columns = map_columns(table.columns, spec)
    outcome.ignored_columns = columns.ignored
    if not columns.id_column:
        outcome.problems.append(_("The file has no instanceID column (meta/instanceID, KEY or _uuid). Without it a "
                                  "submission sent twice cannot be told from a new one: export the submissions "
                                  "again with their metadata."))
    if not columns.fields:
        outcome.problems.append(_("None of the file's columns is a question of the framework {framework}: was it "
                                  "collected with this round's form?").format(framework=round.framework.slug))
    elif columns.missing:
        outcome.problems.append(_("These required questions have no column in the file: {names}.").format(
            names=", ".join(f.name for f in columns.missing)))
    if outcome.problems:
        return outcome
    for line, row in zip(table.lines, table.rows, strict=True):
        instance_id = str(row.get(columns.id_column) or "").strip()
        if not instance_id:
            outcome.rows.append(SubmissionResult(line, "", "refused", _("no instanceID in this row")))
            continue
        answers, problems = row_answers(row, columns, spec)
        if problems:
            outcome.rows.append(SubmissionResult(line, instance_id, "refused", "; ".join(problems)))
            continue
        try:
            result = response_submit(round=round, response_id=response_id(instance_id), answers=answers,
                                     channel=Channel.IMPORT, user=actor,
                                     attrs={"respondent_label": instance_id[:200]})
        except AnswerErrors as exc:
            message = "; ".join(f"{code}: {text}" if code else text for code, text in exc.by_item.items())
            outcome.rows.append(SubmissionResult(line, instance_id, "refused", message))
        except ResponseConflict:
            outcome.rows.append(SubmissionResult(line, instance_id, "refused", _(
                "this instanceID was imported before with other answers")))
        except ValidationError as exc:
            outcome.rows.append(SubmissionResult(line, instance_id, "refused", " ".join(exc.messages)))
        else:
            outcome.rows.append(SubmissionResult(line, instance_id, "imported" if result.created else "duplicate",
                                                 "" if result.created else _(
                                                     "imported before with the same answers: not counted twice")))
    audit_record(actor=actor, action="assessment.submissions_imported", obj=round,
                 changes={"file": outcome.filename, **{s: outcome.count(s) for s in ("imported", "duplicate",
                                                                                     "refused")}})
    return outcome


# ---------------------------------------------------------------- evidence and coding


EVIDENCE_FILE_SPEC: dict[str, Any] = {"code": "evidence", "types": ["pdf", "jpg", "png", "webp"]}


@transaction.atomic
def evidence_add(*, round: Round, kind: str, title: str, actor: Any, text: str = "", informant: str = "",
                 informant_role: str = "", consent_recorded: bool = False, consent_date: date | None = None,
                 dated: date | None = None, period: str = "", source: str = "", file: UploadedFile[Any] | None = None,
                 items: Iterable[Item] = ()) -> Evidence:
    """Add an interview, observation, document or Simpul figure as evidence of a round."""
    errors: dict[str, str] = {}
    if kind == EvidenceKind.INTERVIEW:
        if not informant.strip():
            errors["informant"] = _("Give the informant a pseudonym (never the real name).")
        if not consent_recorded:
            errors["consent_recorded"] = _("An interview can be stored only with the informant's consent.")
        if not text.strip():
            errors["text"] = _("Paste the transcript.")
    if kind == EvidenceKind.DOCUMENT and file is None:
        errors["file"] = _("Choose the document file.")
    if kind == EvidenceKind.OBSERVATION and not text.strip() and file is None:
        errors["text"] = _("Write the observation notes or add a photo.")
    if errors:
        raise ValidationError(errors)
    ev = Evidence(round=round, kind=kind, title=title, text=text, informant=informant, informant_role=informant_role,
                  consent_recorded=consent_recorded, consent_date=consent_date, dated=dated, period=period,
                  source=source, added_by=account_of(actor))
    if file is not None:
        # The one upload pipeline (type by content, size cap, PDF active-content check, images re-encoded),
        # stored under a random name like every other upload.
        try:
            checked = document_check(upload=file, spec=EVIDENCE_FILE_SPEC)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from None
        ev.sha256 = checked.sha256
        ev.file_name = checked.original_name[:255]
        ev.file.name = document_store(checked, folder="assessment/evidence")
    try:
        ev.full_clean()
        ev.save()
    except Exception:
        document_delete(ev.file.name or "")
        raise
    ev.items.set(list(items))
    audit_record(actor=actor, action="assessment.evidence_added", obj=ev,
                 changes={"kind": kind, "sha256": ev.sha256, "items": [i.code for i in ev.items.all()]})
    return ev


@transaction.atomic
def code_create(*, round: Round, name: str, actor: Any, parent: Code | None = None, description: str = "") -> Code:
    code = Code(round=round, name=name.strip(), parent=parent, description=description)
    code.full_clean()
    code.save()
    audit_record(actor=actor, action="assessment.code_created", obj=code, changes={"parent": parent and parent.pk})
    return code


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased with every run of white space as one space, and for each character of the result the
    index of the character of `text` it comes from (so a match in the folded text maps back to offsets)."""
    out: list[str] = []
    where: list[int] = []
    for n, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            out.append(" ")
            where.append(n)
            continue
        for low in ch.lower():
            out.append(low)
            where.append(n)
    return "".join(out), where


def _nearest_passage(text: str, quote: str) -> str:
    """The passage of `text` most like `quote` (as long as the quote), for the "not found" message."""
    folded, where = _folded(text)
    needle, _where = _folded(quote.strip())
    if not folded or not needle:
        return ""
    match = difflib.SequenceMatcher(None, folded, needle, autojunk=False).find_longest_match(
        0, len(folded), 0, len(needle))
    if match.size == 0:
        return ""
    begin = max(0, min(match.a - match.b, len(folded) - len(needle)))
    last = min(len(folded), begin + len(needle)) - 1
    return text[where[begin]:where[last] + 1].strip()


def quote_find(text: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    """The offsets [start, end) of the `occurrence`-th passage of `text` that reads as `quote`, ignoring
    differences of case and of white space (line breaks, double spaces), or None."""
    folded, where = _folded(text)
    needle, _where = _folded(quote.strip())
    if not needle:
        return None
    pos = -1
    for _n in range(max(occurrence, 1)):
        pos = folded.find(needle, pos + 1)
        if pos < 0:
            return None
    return where[pos], where[pos + len(needle) - 1] + 1


@transaction.atomic
def excerpt_add(*, evidence: Evidence, code: Code, coder: Any, start: int | None = None, end: int | None = None,
                quote: str = "", occurrence: int = 1) -> Excerpt:
    """Code a passage, given by character offsets [start, end) or by quoting it (case and white space may
    differ from the text; a quote that is not there is refused naming the nearest passage)."""
    text = evidence.text
    if code.round_id != evidence.round_id:
        raise ValidationError(_("The code belongs to another round."))
    if quote.strip():
        found = quote_find(text, quote, occurrence)
        if found is None:
            nearest = _nearest_passage(text, quote)
            if nearest:
                raise ValidationError({"quote": _("“{quote}” is not in the text. The nearest passage reads “{nearest}”: "
                                                  "copy it from there, or select it in the text.").format(
                                                      quote=quote.strip()[:120], nearest=nearest[:160])})
            raise ValidationError({"quote": _("That passage was not found in the text.")})
        start, end = found
    if start is None or end is None or not (0 <= start < end <= len(text)):
        raise ValidationError({"start": _("The passage must lie inside the text (0 to {n}).").format(n=len(text))})
    ex = Excerpt(evidence=evidence, code=code, coder=coder, start=start, end=end, text=text[start:end])
    ex.full_clean()
    ex.save()
    audit_record(actor=coder, action="assessment.excerpt_coded", obj=ex,
                 changes={"evidence": evidence.pk, "code": code.name, "start": start, "end": end})
    return ex


@transaction.atomic
def memo_add(*, round: Round, text: str, actor: Any, code: Code | None = None,
             evidence: Evidence | None = None) -> Memo:
    memo = Memo(round=round, text=text, code=code, evidence=evidence, author=actor)
    memo.full_clean()
    memo.save()
    audit_record(actor=actor, action="assessment.memo_added", obj=memo)
    return memo


@transaction.atomic
def code_resolve_disagreement(*, code: Code, note: str, actor: Any) -> Code:
    """Mark a code's low coder agreement as resolved (the coders met; the note says how)."""
    if not note.strip():
        raise ValidationError({"note": _("Say how the coders resolved their disagreement.")})
    Memo.objects.create(round=code.round, code=code, text=note, author=actor)
    code.agreement_resolved = True
    code.save(update_fields=["agreement_resolved"])
    audit_record(actor=actor, action="assessment.code_disagreement_resolved", obj=code)
    return code


# ---------------------------------------------------------------- triangulation, findings, actions


@transaction.atomic
def triangulation_row_save(*, round: Round, statement: str, cells: Mapping[str, tuple[str, str]], actor: Any,
                           note: str = "", row: TriangulationRow | None = None, finding: Finding | None = None,
                           item: Item | None = None) -> TriangulationRow:
    """Create or update one matrix row; `cells` maps a method to (what it shows, stance)."""
    if not statement.strip():
        raise ValidationError({"statement": _("Write the statement being checked.")})
    row = row or TriangulationRow(round=round, order=round.triangulation.count() + 1)
    row.statement, row.reconciliation_note, row.finding, row.item = statement, note, finding, item
    row.full_clean()
    row.save()
    row.cells.exclude(method__in=list(cells)).delete()
    for method, (text, stance) in cells.items():
        cell, _created = TriangulationCell.objects.get_or_create(row=row, method=method,
                                                                 defaults={"stance": stance})
        cell.text, cell.stance = text, stance
        cell.full_clean()
        cell.save()
    audit_record(actor=actor, action="assessment.triangulation_saved", obj=row,
                 changes={m: s for m, (_t, s) in cells.items()} | {"note": bool(note.strip())})
    return row


@transaction.atomic
def finding_create(*, round: Round, title: str, actor: Any, text: str = "", item: Item | None = None,
                   evidence: Iterable[Evidence] = (), excerpts: Iterable[Excerpt] = ()) -> Finding:
    f = Finding(round=round, title=title, text=text, item=item)
    f.full_clean()
    f.save()
    f.evidence.set(list(evidence))
    f.excerpts.set(list(excerpts))
    audit_record(actor=actor, action="assessment.finding_created", obj=f)
    return f


@transaction.atomic
def recommendation_create(*, round: Round, title: str, actor: Any, source: str = RecommendationSource.FINDING,
                          item: Item | None = None, finding: Finding | None = None, owner: Any = None,
                          due_date: date | None = None, target_level: Decimal | None = None,
                          title_en: str = "") -> Recommendation:
    rec = Recommendation(round=round, title=title[:500], title_en=title_en[:500], source=source, item=item, item_code=item.code if item else "",
                         finding=finding, owner=owner, due_date=due_date, target_level=target_level)
    rec.full_clean()
    rec.save()
    audit_record(actor=actor, action="assessment.recommendation_created", obj=rec, changes={"source": source})
    return rec


def _item_texts(item: Item) -> Iterator[str]:
    """Yield the item's Indonesian text, then its English one (the Indonesian when it has none), each while its
    language is active: the generated sentence around it is then written in that language."""
    with translation.override("id"):
        yield item.text
    with translation.override("en"):
        yield item.text_en or item.text


@transaction.atomic
def recommendations_generate(*, round: Round, actor: Any, target_level: int = 3, owner: Any = None,
                             due_date: date | None = None) -> list[Recommendation]:
    """Recommendations from IPA quadrant I items and from items whose level is below the target level.

    Items that already have an open recommendation in this round are skipped, so running it twice adds nothing.
    """
    res = round_results(round=round)
    have = set(round.recommendations.exclude(status=RecommendationStatus.DROPPED).values_list("item_code", flat=True))
    items = {r.item.code: r.item for r in res.items}
    created = []
    if res.ipa is not None:
        for row in sorted(res.ipa.rows, key=lambda r: r.tk):
            if row.quadrant == "I" and row.code not in have:
                item = items[row.code]
                title, title_en = (_("Improve “{item}” (priority: importance {i:.2f}, performance {p:.2f}, "
                                     "Tk {tk:.0f}%)").format(item=text[:200], i=row.importance,
                                                             p=row.performance, tk=row.tk)
                                   for text in _item_texts(item))
                created.append(recommendation_create(round=round, title=title, title_en=title_en, actor=actor,
                                                     source=RecommendationSource.IPA, item=item,
                                                     owner=owner, due_date=due_date))
                have.add(row.code)
    for r in res.items:
        if r.level_mean is not None and r.level_mean < target_level and r.item.code not in have:
            title, title_en = (_("Raise “{item}” from level {level:.2f} to level {target}").format(
                item=text[:200], level=r.level_mean, target=target_level) for text in _item_texts(r.item))
            created.append(recommendation_create(round=round, title=title, title_en=title_en, actor=actor,
                                                 source=RecommendationSource.MATURITY, item=r.item, owner=owner,
                                                 due_date=due_date, target_level=Decimal(target_level)))
            have.add(r.item.code)
    return created


_UNCHANGED: Any = object()


@transaction.atomic
def recommendation_set_status(*, recommendation: Recommendation, status: str, actor: Any,
                              owner: Any = _UNCHANGED, due_date: Any = _UNCHANGED) -> Recommendation:
    """Change a recommendation's status (and, when given, its owner OPD and due date)."""
    rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    old, rec.status = rec.status, status
    if owner is not _UNCHANGED:
        rec.owner = owner
    if due_date is not _UNCHANGED:
        rec.due_date = due_date
    rec.full_clean()
    rec.save(update_fields=["status", "owner", "due_date", "updated_at"])
    if rec.carried_from_id and status in (RecommendationStatus.DONE, RecommendationStatus.DROPPED):
        Recommendation.objects.filter(pk=rec.carried_from_id).update(status=status)
    audit_record(actor=actor, action="assessment.recommendation_status_changed", obj=rec,
                 changes={"from": old, "to": status, "owner": rec.owner_id, "due_date": rec.due_date})
    return rec
