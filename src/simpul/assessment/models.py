"""Needs and maturity assessment: frameworks as versioned data, rounds, answers, evidence, coding,
triangulation, findings and actions (issue 6; METHODS.md, DOMAIN.md 1)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from simpul.core.models import TimeStampedModel
from simpul.core.text import NameField


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class Framework(TimeStampedModel):
    """One version of an assessment framework, loaded from a validated data file.

    `definition` keeps the file's content, so a framework can be rebuilt exactly as loaded; `content_hash`
    tells whether the shipped file changed since. Items keep stable codes across versions.
    """

    code = models.SlugField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    source = models.TextField(_("source"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FrameworkStatus.choices,
                              default=FrameworkStatus.ACTIVE)
    verified = models.BooleanField(_("verified against the official text"), default=False)
    definition = models.JSONField(_("definition"), default=dict)
    content_hash = models.CharField(_("content hash"), max_length=64)
    total_weight = models.DecimalField(_("total weight"), max_digits=8, decimal_places=3, null=True, blank=True)
    predicate_bands = models.JSONField(_("predicate bands"), default=list, blank=True)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="assessment_framework_version_uniq")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}-{self.version})"

    @property
    def slug(self) -> str:
        return f"{self.code}-{self.version}"


class Scale(models.Model):
    """A response scale of a framework: importance TP..SP, maturity 1..5, SPBE Rintisan..Optimum..."""

    class Kind(models.TextChoices):
        LIKERT = "likert", _("Likert")
        LEVEL = "level", _("Level")
        NOMINAL = "nominal", _("Categories")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="scales")
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    points = models.JSONField(_("points"), default=list)
    performance_points = models.JSONField(_("performance points"), default=list, blank=True)
    bands = models.JSONField(_("class bands"), default=list, blank=True)

    class Meta:
        verbose_name = _("scale")
        verbose_name_plural = _("scales")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="assessment_scale_code_uniq")]

    def __str__(self) -> str:
        return self.name

    @property
    def values(self) -> list[int]:
        return [int(p["value"]) for p in self.points]


class Section(models.Model):
    """A domain, aspect or theme of a framework, with its weight."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    level = models.CharField(_("level"), max_length=40)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3, null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("text shown above the questions"), blank=True)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="assessment_section_code_uniq")]

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    LIKERT = "likert", _("One scale")
    DUAL = "dual", _("Importance and performance")
    LEVEL = "level", _("Maturity level")
    CHOICE = "choice", _("One category from a list")
    TEXT = "text", _("Context question: text")
    INTEGER = "integer", _("Context question: whole number")
    DECIMAL = "decimal", _("Context question: number")
    DATE = "date", _("Context question: date")


OPEN_KINDS = frozenset({ItemKind.TEXT, ItemKind.INTEGER, ItemKind.DECIMAL, ItemKind.DATE})
SCORED_KINDS = frozenset({ItemKind.LIKERT, ItemKind.DUAL, ItemKind.LEVEL})


class Item(models.Model):
    """A question or indicator. `code` is stable across framework versions, so rounds can be compared.

    Scored and choice items answer on their scale; context questions (text, numbers, a date) have none and keep
    their answer as text. `show_if` lists conditions on earlier items (all must hold) for the item to be asked.
    """

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="items", null=True, blank=True)
    code = models.CharField(_("code"), max_length=40)
    text = models.TextField(_("text"))
    # The text in English where the framework's data carries it; an English page shows the Indonesian text,
    # marked as such, when it is empty (`{% content item "text" %}`).
    text_en = models.TextField(_("text (English)"), blank=True, default="")
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices, default=ItemKind.LIKERT)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3, null=True, blank=True)
    requires_explanation = models.BooleanField(_("explanation required"), default=False)
    level_criteria = models.JSONField(_("level criteria"), default=dict, blank=True)
    evidence_criteria = models.TextField(_("evidence criteria"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    required = models.BooleanField(_("answer required"), default=True)
    show_if = models.JSONField(_("asked only if"), default=list, blank=True)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="assessment_item_code_uniq")]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"

    @property
    def is_open(self) -> bool:
        return self.kind in OPEN_KINDS


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Published")


class StudyStage(models.TextChoices):
    """The three concurrent flows of Miles & Huberman, used as the study's states."""

    CONDENSATION = "condensation", _("Data condensation")
    DISPLAY = "display", _("Data display")
    CONCLUSION = "conclusion", _("Conclusion drawing and verification")


class VerificationTactic(models.TextChoices):
    """Verification tactics of conclusion drawing (Miles, Huberman & Saldaña 2014) an evaluator ticks."""

    TRIANGULATING = "triangulating", _("Triangulating across methods")
    WEIGHING = "weighing", _("Weighing the evidence")
    OUTLIERS = "outliers", _("Checking outliers and extreme cases")
    RIVAL = "rival", _("Ruling out rival explanations")
    MEMBER_CHECK = "member_check", _("Getting feedback from informants (member check)")


class Crosshair(models.TextChoices):
    DATA = "data", _("Data means")
    MIDPOINT = "midpoint", _("Scale midpoint")


class Round(TimeStampedModel):
    """One application of a framework version to a scope (the kabupaten or one OPD) in a year."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=300)
    year = models.PositiveIntegerField(_("year"))
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="assessment_rounds", verbose_name=_("OPD (empty: the kabupaten)"))
    scope_label = models.CharField(_("scope"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    stage = models.CharField(_("study stage"), max_length=20, choices=StudyStage.choices,
                             default=StudyStage.CONDENSATION)
    crosshair = models.CharField(_("IPA crosshair"), max_length=10, choices=Crosshair.choices,
                                 default=Crosshair.DATA)
    public_slug = models.SlugField(_("public link code"), max_length=40, unique=True, null=True, blank=True)
    public_enabled = models.BooleanField(_("public link open"), default=False)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_rounds",
                                 verbose_name=_("previous round"))
    data_owners = models.CharField(_("data owners"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    verification = models.JSONField(_("verification tactics used"), default=list, blank=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class RespondentGroup(models.TextChoices):
    WARGA = "warga", _("Citizen")
    PEGAWAI = "pegawai", _("Government employee")
    PELAKU_USAHA = "pelaku_usaha", _("Business")


class Invitation(TimeStampedModel):
    """A personal invitation: its token (kept only as a hash) allows exactly one response."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    group = models.CharField(_("group"), max_length=20, choices=RespondentGroup.choices, blank=True)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.label or f"invitation {self.pk}"


class Channel(models.TextChoices):
    TOKEN = "token", _("Invitation")
    PUBLIC = "public", _("Public link")
    STAFF = "staff", _("Staff self-assessment")
    IMPORT = "import", _("Import")


class Response(models.Model):
    """One respondent's answers in a round. `uuid` is the response id: re-sending it never duplicates."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    uuid = models.UUIDField(_("response id"), default=uuid.uuid4, unique=True)
    invitation = models.OneToOneField(Invitation, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="response")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    group = models.CharField(_("group"), max_length=20, choices=RespondentGroup.choices, blank=True)
    kecamatan = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("kecamatan"))
    desa = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("desa/kelurahan"))
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("OPD"))
    respondent_label = models.CharField(_("respondent"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    content_hash = models.CharField(_("content hash"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["round", "group"])]

    def __str__(self) -> str:
        return f"{self.uuid}"


class Answer(models.Model):
    """One item's answer: `value` (one scale or importance), `performance` (dual rows), `level` (maturity)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    performance = models.PositiveSmallIntegerField(_("current performance"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    # Respondent attributes copied from the (immutable) response, so results aggregate one table in one scan.
    group = models.CharField(_("group"), max_length=20, choices=RespondentGroup.choices, blank=True)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("OPD"))
    answer_text = models.TextField(_("respondent's answer"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    finding = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="assessment_answer_item_uniq")]
        indexes = [models.Index(fields=["round", "item"])]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.value or self.level}"


class AnswerTally(models.Model):
    """Running counts of a round's answers per item, OPD, group and answer values (0 = none).

    Kept up to date inside the same transaction as each response (`services.response_submit`, an upsert that
    adds to `n`), so a round's results read a few thousand rows however many responses it has.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tallies")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    agency_key = models.BigIntegerField(default=0)
    group = models.CharField(max_length=20, blank=True)
    value = models.PositiveSmallIntegerField(default=0)
    performance = models.PositiveSmallIntegerField(default=0)
    level = models.PositiveSmallIntegerField(default=0)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("answer tally")
        verbose_name_plural = _("answer tallies")
        constraints = [models.UniqueConstraint(
            fields=["round", "item", "agency_key", "group", "value", "performance", "level"],
            name="assessment_tally_key_uniq")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.item_id}: {self.n}"


class EvidenceKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    OBSERVATION = "observation", _("Observation")
    DOCUMENT = "document", _("Document")
    SYSTEM = "system", _("Figure from Simpul")


class Evidence(TimeStampedModel):
    """An interview (transcript, pseudonymised informant, consent), observation (notes, photo) or document
    (file with its SHA-256), linked to the items it speaks to."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("transcript or notes"), blank=True)
    informant = NameField(_("informant (pseudonym)"), max_length=100, blank=True)
    informant_role = models.CharField(_("informant's role"), max_length=200, blank=True)
    consent_recorded = models.BooleanField(_("consent recorded"), default=False)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    dated = models.DateField(_("date"), null=True, blank=True)
    period = models.CharField(_("period"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to="assessment/evidence/%Y/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    items = models.ManyToManyField(Item, blank=True, related_name="evidence", verbose_name=_("items"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title


class Code(models.Model):
    """A code of a round's hierarchical codebook."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    agreement_resolved = models.BooleanField(_("disagreement resolved"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        constraints = [models.UniqueConstraint(fields=["round", "parent", "name"], name="assessment_code_name_uniq")]

    def __str__(self) -> str:
        return self.name


class Excerpt(models.Model):
    """A highlighted passage of an evidence text (character offsets [start, end)) coded by one coder."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="excerpts")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="excerpts")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["evidence", "start"]
        verbose_name = _("excerpt")
        verbose_name_plural = _("excerpts")
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="assessment_excerpt_span")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class Memo(TimeStampedModel):
    """A memo of the analysis, about a code, a piece of evidence or the round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="memos")
    code = models.ForeignKey(Code, null=True, blank=True, on_delete=models.CASCADE, related_name="memos")
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.CASCADE, related_name="memos")
    text = models.TextField(_("memo"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("memo")
        verbose_name_plural = _("memos")

    def __str__(self) -> str:
        return self.text[:60]


class Finding(TimeStampedModel):
    """A finding of the round, linked to its items, evidence and excerpts (navigable both ways)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    title = models.CharField(_("finding"), max_length=500)
    text = models.TextField(_("description"), blank=True)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="findings")
    excerpts = models.ManyToManyField(Excerpt, blank=True, related_name="findings")

    class Meta:
        ordering = ["id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.title


class Method(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    OBSERVATION = "observation", _("Observation")
    DOCUMENT = "document", _("Documentation")


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    PARTIAL = "partial", _("Partly supports")
    SILENT = "silent", _("Silent")
    CONTRADICTS = "contradicts", _("Contradicts")


class TriangulationRow(models.Model):
    """One row of the triangulation matrix: a statement checked across methods."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="triangulation")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="triangulation")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    statement = models.TextField(_("statement"))
    reconciliation_note = models.TextField(_("reconciliation note"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["round", "order", "id"]
        verbose_name = _("triangulation row")
        verbose_name_plural = _("triangulation rows")

    def __str__(self) -> str:
        return self.statement[:80]


class TriangulationCell(models.Model):
    """What one method shows about a row's statement, with its stance."""

    row = models.ForeignKey(TriangulationRow, on_delete=models.CASCADE, related_name="cells")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    text = models.TextField(_("what the method shows"), blank=True)
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices)
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("triangulation cell")
        verbose_name_plural = _("triangulation cells")
        constraints = [models.UniqueConstraint(fields=["row", "method"], name="assessment_cell_method_uniq")]

    def __str__(self) -> str:
        return f"{self.method}: {self.stance}"


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class RecommendationSource(models.TextChoices):
    IPA = "ipa", _("IPA quadrant I")
    MATURITY = "maturity", _("Maturity gap")
    FINDING = "finding", _("Finding")
    CARRIED = "carried", _("Carried from the previous round")


class Recommendation(TimeStampedModel):
    """An action: owner OPD, due date, status; carried into the next round until done."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="recommendations")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="recommendations")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    item_code = models.CharField(_("item code"), max_length=40, blank=True)
    title = models.CharField(_("recommendation"), max_length=500)
    # generated recommendations are written in both languages; one a person writes may have an English title too
    title_en = models.CharField(_("recommendation (English)"), max_length=500, blank=True, default="")
    source = models.CharField(_("source"), max_length=20, choices=RecommendationSource.choices,
                              default=RecommendationSource.FINDING)
    owner = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("owner OPD"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.OPEN)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="carried_to")
    target_level = models.DecimalField(_("target level"), max_digits=4, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["status", "due_date", "id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.title

