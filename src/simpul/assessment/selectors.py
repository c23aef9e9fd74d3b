"""Reads of the assessment app: who may see what, framework specs rebuilt from the database, and the
results of a round (computed by the pure modules `stats`, `spbe`, `triangulation`)."""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.utils.formats import number_format

from simpul.accounts.models import Role
from simpul.agencies.models import Agency
from simpul.assessment import stats
from simpul.assessment.frameworks import FrameworkSpec, parse_framework
from simpul.assessment.models import (
    OPEN_KINDS,
    Answer,
    AnswerTally,
    Channel,
    Code,
    Evidence,
    Excerpt,
    Framework,
    FrameworkStatus,
    Invitation,
    Item,
    ItemKind,
    Recommendation,
    RespondentGroup,
    Response,
    Round,
    RoundStatus,
    StudyStage,
    TriangulationRow,
)
from simpul.assessment.spbe import IndexResult, compute_index
from simpul.assessment.triangulation import Verdict, triangulate
from simpul.core.actors import Actor
from simpul.core.models import AuditEntry

_SPEC_CACHE: dict[tuple[int, str], FrameworkSpec] = {}


def user_is_evaluator(user: Any) -> bool:
    """Evaluators and platform admins run assessment rounds."""
    # API-key principals are authenticated but have no role: they see published rounds only.
    return Actor.of(user).is_person and (
        getattr(user, "role", None) in (Role.EVALUATOR, Role.PLATFORM_ADMIN) or bool(getattr(user, "is_superuser", False))
    )


def framework_list(*, include_drafts: bool = True) -> QuerySet[Framework]:
    qs = Framework.objects.annotate(item_count=Count("items"))
    if not include_drafts:
        qs = qs.exclude(status=FrameworkStatus.DRAFT)
    return qs.order_by("code", "version")


def framework_get(*, code: str, version: str) -> Framework:
    return Framework.objects.get(code=code, version=version)


def framework_spec(*, framework: Framework) -> FrameworkSpec:
    """The validated spec of a stored framework (rebuilt from its definition, cached by content hash)."""
    key = (framework.pk, framework.content_hash)
    spec = _SPEC_CACHE.get(key)
    if spec is None:
        spec = parse_framework(framework.definition, source=framework.slug)
        _SPEC_CACHE[key] = spec
    return spec


def framework_spec_by_slug(*, slug: str) -> FrameworkSpec | None:
    for fw in Framework.objects.all():
        if fw.slug == slug:
            return framework_spec(framework=fw)
    return None


def round_list_for_user(*, user: Any) -> QuerySet[Round]:
    if not user_is_evaluator(user):
        return Round.objects.none()
    return Round.objects.select_related("framework", "agency").annotate(
        response_count=Count("responses", distinct=True)
    )


def round_get_for_user(*, user: Any, pk: int) -> Round:
    return round_list_for_user(user=user).get(pk=pk)


def round_public_get(*, slug: str) -> Round:
    return Round.objects.select_related("framework").get(public_slug=slug, public_enabled=True,
                                                         status=RoundStatus.OPEN)


def round_items(*, round: Round) -> list[Item]:
    return list(Item.objects.filter(framework_id=round.framework_id).select_related("section", "scale"))


# ---------------------------------------------------------------- results


@dataclass
class ItemResult:
    item: Item
    summary: stats.LikertSummary | None = None
    performance: stats.LikertSummary | None = None
    band: str = ""
    level_mean: float | None = None
    level_n: int = 0
    level_summary: stats.LikertSummary | None = None  # a level item's n, median, IQR and distribution of levels
    levels: list[int] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    choices: list[tuple[str, int]] = field(default_factory=list)  # a choice item's categories and their counts
    answered: int = 0  # how many answered a context question


@dataclass
class RoundResults:
    round: Round
    spec: FrameworkSpec
    n_responses: int
    items: list[ItemResult]
    ipa: stats.IpaResult | None
    index: IndexResult | None
    wilcoxon: dict[str, tuple[float | None, float | None]]
    sections: list[dict[str, Any]]
    rwg: list[dict[str, Any]]
    groups: dict[str, dict[str, stats.LikertSummary]]


@dataclass
class _Aggregate:
    values: dict[int, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    performance: dict[int, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    levels: dict[int, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    ipa: dict[int, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    pairs: dict[int, dict[tuple[int, int], int]] = field(default_factory=lambda: defaultdict(dict))
    by_agency: dict[tuple[int, int], dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    by_group: dict[str, dict[int, dict[int, int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(dict)))


def _add(bucket: dict[int, int], key: int, n: int) -> None:
    bucket[key] = bucket.get(key, 0) + n


def _aggregate(round: Round) -> _Aggregate:
    """The round's answer tallies (kept by `response_submit`) give every count the results need."""
    agg = _Aggregate()
    rows = AnswerTally.objects.filter(round=round, n__gt=0).values_list(
        "item_id", "agency_key", "group", "value", "performance", "level", "n")
    for item_id, agency_key, group, value_key, perf_key, level_key, n in rows:
        agency_id = agency_key or None
        value, perf, level = value_key or None, perf_key or None, level_key or None
        if value is not None:
            _add(agg.values[item_id], value, n)
            if agency_id is not None:
                _add(agg.by_agency[(agency_id, item_id)], value, n)
            if group:
                _add(agg.by_group[group][item_id], value, n)
        if perf is not None:
            _add(agg.performance[item_id], perf, n)
            if value is not None:
                sums = agg.ipa[item_id]
                sums[0] += value * n
                sums[1] += perf * n
                sums[2] += n
                pair = agg.pairs[item_id]
                pair[(value, perf)] = pair.get((value, perf), 0) + n
        if level is not None:
            _add(agg.levels[item_id], level, n)
    return agg


def round_results(*, round: Round, with_answers: bool = False) -> RoundResults:
    """Everything the results page, the API and the reports show, from one aggregate query."""
    spec = framework_spec(framework=round.framework)
    items = round_items(round=round)
    agg = _aggregate(round)
    answers_by_item: dict[int, list[Answer]] = defaultdict(list)
    if with_answers:
        for a in Answer.objects.filter(round=round).order_by("response_id"):
            answers_by_item[a.item_id].append(a)
    results = []
    open_counts = dict(Answer.objects.filter(round=round, item__kind__in=OPEN_KINDS).values("item_id")
                       .annotate(n=Count("id")).values_list("item_id", "n"))
    for item in items:
        res = ItemResult(item=item, answers=answers_by_item.get(item.pk, []))
        if item.is_open:
            res.answered = open_counts.get(item.pk, 0)
            results.append(res)
            continue
        scale = spec.scales[_scale_code(item)]
        if item.kind == ItemKind.CHOICE:
            counts = agg.values.get(item.pk, {})
            res.choices = [(p.label_id or p.code, counts.get(p.value, 0)) for p in scale.points]
            res.answered = sum(counts.values())
        elif item.kind in (ItemKind.LIKERT, ItemKind.DUAL):
            res.summary = stats.likert_summary_from_counts(agg.values.get(item.pk, {}), scale.values)
            if res.summary.mean is not None:
                res.band = scale.band_for(res.summary.mean)
            if item.kind == ItemKind.DUAL:
                res.performance = stats.likert_summary_from_counts(agg.performance.get(item.pk, {}), scale.values)
        else:
            counts = agg.levels.get(item.pk, {})
            n = sum(counts.values())
            res.level_n = n
            res.levels = sorted(v for v, c in counts.items() for _ in range(c)) if n <= 1000 else []
            res.level_mean = sum(v * c for v, c in counts.items()) / n if n else None
            res.level_summary = stats.likert_summary_from_counts(counts, scale.values) if n else None
        results.append(res)

    dual = [r for r in items if r.kind == ItemKind.DUAL]
    ipa_result = None
    if dual:
        sums = [agg.ipa.get(i.pk, [0, 0, 0]) for i in dual]
        ipa_result = stats.ipa(
            [i.code for i in dual], [s[0] for s in sums], [s[1] for s in sums], [s[2] for s in sums],
            crosshair=round.crosshair, midpoint=spec.scales[_scale_code(dual[0])].midpoint,
        )

    index = None
    level_items = [r for r in results if r.item.kind == ItemKind.LEVEL and r.level_mean is not None]
    if level_items:
        means = {r.item.code: Decimal(str(round_half(float(r.level_mean or 0)))) for r in level_items}
        index = compute_index(spec, means, require_complete=True)
    sections = []
    if index is not None:
        for s in index.sections:
            sections.append({"code": s.code, "name": s.name, "level": s.level, "weight": s.weight,
                             "score": s.score, "answered": s.answered, "total": s.total})
    return RoundResults(
        round=round, spec=spec, n_responses=Response.objects.filter(round=round).count(), items=results,
        ipa=ipa_result, index=index, sections=sections, rwg=_rwg_by_agency(agg, items),
        wilcoxon={i.code: stats.wilcoxon_signed_rank(agg.pairs.get(i.pk, {})) for i in dual},
        groups=_by_group(agg, items, spec),
    )


def _scale_code(item: Item) -> str:
    return item.scale.code if item.scale is not None else ""


def _scale_values(item: Item) -> list[int]:
    return item.scale.values if item.scale is not None else []


def round_half(value: float) -> float:
    """Mean levels of several raters, kept to 4 decimals before the exact Decimal computation."""
    return round(value, 4)


def _rwg_by_agency(agg: _Aggregate, items: list[Item]) -> list[dict[str, Any]]:
    """r_wg per OPD (mean over its importance items), to decide whether an OPD's respondents may be pooled."""
    likert = {i.pk: i for i in items if i.kind in (ItemKind.LIKERT, ItemKind.DUAL)}
    per_agency: dict[int, list[float]] = defaultdict(list)
    for (agency_id, item_id), counts in agg.by_agency.items():
        if item_id not in likert:
            continue
        r = stats.rwg_from_counts(counts, options=len(_scale_values(likert[item_id])))
        if r is not None:
            per_agency[agency_id].append(r)
    names = dict(Agency.objects.filter(pk__in=list(per_agency)).values_list("pk", "name"))
    out = []
    for agency_id, rs in per_agency.items():
        mean_r = float(np.mean(rs))
        out.append({"agency": names.get(agency_id, str(agency_id)), "rwg": mean_r, "items": len(rs),
                    "poolable": mean_r >= stats.RWG_POOL_MIN})
    return sorted(out, key=lambda r: r["agency"])


def _by_group(agg: _Aggregate, items: list[Item], spec: FrameworkSpec) -> dict[str, dict[str, stats.LikertSummary]]:
    likert = {i.pk: i for i in items if i.kind in (ItemKind.LIKERT, ItemKind.DUAL)}
    out: dict[str, dict[str, stats.LikertSummary]] = {}
    for group, by_item in agg.by_group.items():
        out[group] = {
            likert[item_id].code: stats.likert_summary_from_counts(c, spec.scales[_scale_code(likert[item_id])].values)
            for item_id, c in by_item.items() if item_id in likert
        }
    return out


def round_trend(*, round: Round) -> list[dict[str, Any]]:
    """The index (or mean importance) of this round and its predecessors, oldest first, with deltas."""
    chain: list[Round] = []
    seen: set[int] = set()
    current: Round | None = round
    while current is not None and current.pk not in seen and len(chain) < 20:
        seen.add(current.pk)
        chain.append(current)
        current = current.previous
    points: list[dict[str, Any]] = []
    for r in reversed(chain):
        res = round_results(round=r)
        value = None
        if res.index is not None and res.index.index is not None:
            value = float(res.index.index)
        elif res.ipa is not None and res.ipa.rows:
            value = float(np.mean([row.importance - row.performance for row in res.ipa.rows]))
        points.append({"round": r, "value": value,
                       "predicate": res.index.predicate if res.index else ""})
    for prev, cur in itertools.pairwise(points):
        cur["delta"] = None if prev["value"] is None or cur["value"] is None else cur["value"] - prev["value"]
    return points


# ---------------------------------------------------------------- triangulation, coding, gates


def triangulation_for_round(*, round: Round) -> list[tuple[TriangulationRow, Verdict, dict[str, Any]]]:
    rows = TriangulationRow.objects.filter(round=round).prefetch_related("cells").select_related("finding", "item")
    out = []
    for row in rows:
        cells = {c.method: c for c in row.cells.all()}
        out.append((row, triangulate([c.stance for c in cells.values()], note=row.reconciliation_note), cells))
    return out


@dataclass
class CodeAgreement:
    code: Code
    coders: int
    units: int
    kappa: float | None
    alpha: float | None
    verdict: str


def coding_agreement(*, round: Round) -> tuple[list[CodeAgreement], float | None, str]:
    """Agreement per code and overall, over the characters of texts coded by two or more coders.

    For each code, every coder gets a 0/1 vector over those characters (1 = inside one of their excerpts of
    that code). Cohen's kappa compares the first two coders; Krippendorff's alpha (nominal) uses all coders.
    The overall alpha stacks every code's vectors.
    """
    excerpts = list(Excerpt.objects.filter(evidence__round=round).select_related("evidence").order_by("id"))
    coders_by_ev: dict[int, set[int]] = defaultdict(set)
    for e in excerpts:
        coders_by_ev[e.evidence_id].add(e.coder_id)
    shared = {ev for ev, cs in coders_by_ev.items() if len(cs) >= 2}
    if not shared:
        return [], None, ""
    coders = sorted({c for ev in shared for c in coders_by_ev[ev]})
    lengths = {ev: len(Evidence.objects.only("text").get(pk=ev).text) for ev in shared}
    offsets, pos = {}, 0
    for ev in sorted(shared):
        offsets[ev] = pos
        pos += lengths[ev]
    total = pos
    codes = list(Code.objects.filter(round=round))
    vectors = {c.pk: np.zeros((len(coders), total)) for c in codes}
    coder_row = {c: i for i, c in enumerate(coders)}
    for e in excerpts:
        if e.evidence_id not in shared:
            continue
        base = offsets[e.evidence_id]
        vectors[e.code_id][coder_row[e.coder_id], base + e.start: base + min(e.end, lengths[e.evidence_id])] = 1
    results = []
    stacked = []
    for code in codes:
        data = vectors[code.pk]
        if not data.any():
            continue
        stacked.append(data)
        kappa = stats.cohen_kappa(data[0].tolist(), data[1].tolist()) if len(coders) >= 2 else None
        alpha = stats.krippendorff_alpha(data)
        results.append(CodeAgreement(code=code, coders=len(coders), units=total, kappa=kappa, alpha=alpha,
                                     verdict=stats.alpha_verdict(alpha)))
    overall = stats.krippendorff_alpha(np.hstack(stacked)) if stacked else None
    return results, overall, stats.alpha_verdict(overall)


def _unresolved_work(round: Round) -> list[str]:
    """What the coding and the triangulation still leave open: a code whose coders disagree beyond the
    tentative threshold and is not resolved, a dissonant triangulation row without a reconciliation note."""
    from django.utils.translation import gettext as _  # `_` names ignored values here

    reasons = []
    per_code, _overall, _v = coding_agreement(round=round)
    for ca in per_code:
        if ca.verdict == "reject" and not ca.code.agreement_resolved:
            reasons.append(_("Coder agreement for code “{code}” is below the tentative threshold "
                             "(α = {alpha} < 0.667) and not resolved.").format(
                                 code=ca.code.name, alpha=number_format(ca.alpha or 0.0, decimal_pos=3)))
    for row, verdict, _cells in triangulation_for_round(round=round):
        if verdict.needs_note:
            reasons.append(_("The triangulation row “{row}” shows dissonance without a reconciliation "
                             "note.").format(row=row.statement[:80]))
    return reasons


def publish_blockers(*, round: Round) -> list[str]:
    """Reasons the round's final results cannot be published yet (empty list: publishable)."""
    from django.utils.translation import gettext as _

    reasons = []
    if not round.verification:
        reasons.append(_("Record at least one verification tactic used to check the conclusions."))
    return reasons + _unresolved_work(round)


@dataclass(frozen=True)
class ChecklistStep:
    """One step before the final results can be published, and whether it is done."""

    label: str
    done: bool


def publish_checklist(*, round: Round) -> list[ChecklistStep]:
    """The steps before publishing, done or still to do, for the evaluator once publishing is the next step
    (`round_transition` enforces the same rules: the last study stage and `publish_blockers`)."""
    from django.utils.translation import gettext as _

    open_work = _unresolved_work(round)
    steps = [
        ChecklistStep(_("The study has reached its last stage: conclusions and their verification."),
                      round.stage == StudyStage.CONCLUSION),
        ChecklistStep(_("At least one verification tactic is recorded."), bool(round.verification)),
        ChecklistStep(_("At least one person has answered."), round.responses.exists()),
    ]
    steps += [ChecklistStep(reason, False) for reason in open_work]
    if not open_work:
        steps.append(ChecklistStep(_("Coder agreement and triangulation leave nothing unresolved."), True))
    return steps


def invitations_for_tokens(*, round: Round, tokens: list[str]) -> list[tuple[str, Invitation]]:
    """The invitations of `round` behind these tokens, in the order given (tokens of other rounds left out)."""
    hashes = {hashlib.sha256(t.strip().encode()).hexdigest(): t.strip() for t in tokens[:1000]}
    found = {i.token_hash: i for i in Invitation.objects.filter(round=round, token_hash__in=hashes)}
    return [(token, found[h]) for h, token in hashes.items() if h in found]


def round_team(*, round: Round) -> list[str]:
    """The people who worked on the round, for the report's cover: whoever changed the round itself (created,
    opened, staged, published it), recorded evidence or coded a passage; by name, in alphabetical order."""
    actors = set(AuditEntry.objects.filter(object_type="assessment.round", object_id=str(round.pk),
                                           actor__isnull=False).values_list("actor", flat=True))
    actors |= set(Excerpt.objects.filter(evidence__round=round).values_list("coder", flat=True))
    return sorted(str(u) for u in get_user_model().objects.filter(pk__in=actors))


def report_respondents(*, round: Round) -> dict[str, list[tuple[str, int]]]:
    """How many answered, by channel (invitation, public link, staff, import) and by group, for the method."""
    out: dict[str, list[tuple[str, int]]] = {}
    labels = {"channel": dict(Channel.choices), "group": dict(RespondentGroup.choices)}
    for name, model_field in (("channel", "channel"), ("group", "group")):
        choices = labels[name]
        rows = (Response.objects.filter(round=round).values_list(model_field).annotate(n=Count("id"))
                .order_by(model_field))
        out[name] = [(str(choices.get(value, "")) or "—", n) for value, n in rows]
    return out


def recommendation_list(*, round: Round) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(round=round).select_related("owner", "carried_from", "item", "finding")


def evidence_list(*, round: Round) -> QuerySet[Evidence]:
    return Evidence.objects.filter(round=round).prefetch_related("items").annotate(n_excerpts=Count("excerpts"))


def item_deltas(*, round: Round, current: RoundResults | None = None) -> dict[str, dict[str, float | None]]:
    """Per item code (stable across framework versions): this round's mean (or mean level), the previous
    round's, and the change. Empty when the round has no previous round."""
    if round.previous is None:
        return {}
    current = current or round_results(round=round)
    before = round_results(round=round.previous)

    def value(r: ItemResult) -> float | None:
        if r.summary is not None:
            return r.summary.mean
        return r.level_mean

    old = {r.item.code: value(r) for r in before.items}
    out: dict[str, dict[str, float | None]] = {}
    for r in current.items:
        now, prev = value(r), old.get(r.item.code)
        out[r.item.code] = {"now": now, "previous": prev,
                            "delta": None if now is None or prev is None else now - prev}
    return out


@dataclass
class AssessorAgreement:
    assessors: int
    items: int
    weighted_kappa: float | None  # quadratic, first two assessors
    alpha: float | None  # Krippendorff, ordinal, all assessors
    verdict: str


def assessor_agreement(*, round: Round) -> AssessorAgreement | None:
    """Agreement between staff assessors who rated the same maturity items (METHODS.md: quadratic weighted
    kappa for ordinal ratings, Krippendorff's alpha for any number of raters). None with fewer than two."""
    rows = list(Answer.objects.filter(round=round, level__isnull=False, response__channel="staff")
                .values_list("response_id", "item_id", "level"))
    responses = sorted({r for r, _i, _l in rows})
    if len(responses) < 2:
        return None
    items = sorted({i for _r, i, _l in rows})
    pos_r = {r: n for n, r in enumerate(responses)}
    pos_i = {i: n for n, i in enumerate(items)}
    data = np.full((len(responses), len(items)), np.nan)
    for r, i, level in rows:
        data[pos_r[r], pos_i[i]] = level
    both = ~np.isnan(data[0]) & ~np.isnan(data[1])
    categories = sorted({int(v) for v in data[~np.isnan(data)]})
    kappa = None
    if both.any() and len(categories) > 1:
        kappa = stats.weighted_kappa(data[0][both].astype(int).tolist(), data[1][both].astype(int).tolist(),
                                     categories=list(range(min(categories), max(categories) + 1)))
    alpha = stats.krippendorff_alpha(data, level="ordinal")
    return AssessorAgreement(assessors=len(responses), items=int(both.sum()), weighted_kappa=kappa, alpha=alpha,
                             verdict=stats.alpha_verdict(alpha))
