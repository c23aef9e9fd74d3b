"""Models every Simpul app relies on: audit log, personal-data access log, outbox, idempotency records, holidays."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.core.pdp import EncryptedTextField


class TimeStampedModel(models.Model):
    """Abstract base: creation and last-change times."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry: the log is append-only."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Reads only: bulk writes would bypass the hash chain, so they are refused."""

    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("audit entries are append-only: no UPDATE")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are append-only: no DELETE")

    def bulk_create(self, *args: object, **kwargs: object) -> list[AuditEntry]:
        raise AppendOnlyError("audit entries are written one by one through audit_record")

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise AppendOnlyError("audit entries are append-only: no UPDATE")

    def link(self, *, pk: int, seq: int, prev_hash: str, entry_hash: str) -> int:
        """The chainer's one write: give a pending entry its place in the chain. An entry already chained is
        never touched (the filter on `seq IS NULL`), so a link, once made, cannot be made again."""
        pending = self.filter(pk=pk, seq__isnull=True)
        return models.QuerySet.update(pending, seq=seq, prev_hash=prev_hash, entry_hash=entry_hash)


class AuditEntry(models.Model):
    """One append-only, hash-chained entry of the audit log.

    Written in two steps, so writers never wait on each other:

    1. `simpul.core.services.audit_record` inserts the entry *pending*, in the caller's transaction and without
       any lock: its content, a random `nonce`, and `content_mac`, an HMAC under SIMPUL_AUDIT_KEY over both
       (so a pending entry edited in the database is detected too).
    2. `simpul.core.services.audit_chain` (the worker, every pass; `simpul audit chain`) takes the committed
       pending entries in insertion order under the chain head's lock and gives each its `seq`, `prev_hash`
       and `entry_hash`, an HMAC over the sequence, the previous hash and `content_mac`.

    Entries chained before the two-step scheme carry no `content_mac`: their `entry_hash` is the HMAC over
    all their fields and `prev_hash` (plain SHA-256 before the chain head's `keyed_from`). `simpul audit
    verify` recomputes both kinds and names the first broken link.
    """

    # Empty (NULL) while the entry waits for the chainer; then its place in the chain.
    seq = models.BigIntegerField(_("sequence"), unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("time"))
    # DO_NOTHING without a database constraint: deleting a user must not rewrite (and so break) the chain;
    # the entry keeps the id and `actor_label` of who acted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("actor account"),
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    nonce = models.CharField(_("nonce"), max_length=32, blank=True, default="")
    content_mac = models.CharField(_("content HMAC"), max_length=64, unique=True, null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, default="")
    entry_hash = models.CharField(_("hash"), max_length=64, unique=True, null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        # Insertion order: the chain's order for every entry, pending ones included.
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"]),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="core_audit_pending"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries are append-only: an existing entry cannot be saved again")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries are append-only: no DELETE")

    @property
    def chained(self) -> bool:
        return self.seq is not None


class AuditChainHead(models.Model):
    """A single row locked by the chainer (SELECT ... FOR UPDATE) so links are added one chainer at a time."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    # The cut-over to the keyed chain: entries before `keyed_from` were written with the unkeyed SHA-256 scheme
    # (before SIMPUL_AUDIT_KEY existed); `keyed_from_mac` is an HMAC under the key over `keyed_from` and the last
    # unkeyed entry's hash, so moving the cut-over to pass rewritten entries off as unkeyed is detected.
    keyed_from = models.BigIntegerField(default=1)
    keyed_from_mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.seq}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")


class OutboxMessage(TimeStampedModel):
    """A side effect (notification, webhook, G2G delivery) written in the same transaction as its cause.

    The worker delivers it through the backend named in `backend` (see `simpul.core.outbox`), retrying with
    exponential backoff; after `max_attempts` failures it becomes a dead letter that an admin can re-send.
    `ordering_key` (for example a case reference) keeps messages of one key in order per backend.
    """

    backend = models.CharField(_("backend"), max_length=100, db_index=True)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    ordering_key = models.CharField(_("ordering key"), max_length=100, blank=True, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(_("maximum attempts"), default=12)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    lease_token = models.CharField(_("lease token"), max_length=32, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    receipt = models.JSONField(_("receipt"), default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.backend}:{self.topic} #{self.pk} ({self.status})"


class OutboxAttempt(models.Model):
    """The log of one delivery attempt of an outbox message."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"attempt {self.pk} of {self.message_id}"


class IdempotencyState(models.TextChoices):
    IN_FLIGHT = "in_flight", _("In flight")
    DONE = "done", _("Done")


class IdempotencyRecord(models.Model):
    """A client-made Idempotency-Key, scoped per client, with the stored response of the first request.

    Written and read only through `simpul.core.idempotency.idempotent`. `lock_token` names the call that
    owns an in-flight record; `locked_at` lets a later call take over a record whose owner died.
    """

    scope = models.CharField(_("client scope"), max_length=200)
    key = models.CharField(_("key"), max_length=200)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    state = models.CharField(
        _("state"), max_length=20, choices=IdempotencyState.choices, default=IdempotencyState.IN_FLIGHT
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    lock_token = models.CharField(_("lock token"), max_length=32, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="core_idempotency_scope_key_uniq")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class Holiday(models.Model):
    """A non-working day entered by an admin: cuti bersama or a local holiday.

    National public holidays come from the `holidays` library; these rows add to them.
    """

    class Kind(models.TextChoices):
        CUTI_BERSAMA = "cuti_bersama", _("Collective leave (cuti bersama)")
        LOCAL = "local", _("Local holiday")

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CUTI_BERSAMA)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class JobStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("Succeeded")
    ERROR = "error", _("Failed")


class ScheduledJobRun(models.Model):
    """The last run of one periodic job (see `simpul.core.schedule`).

    Worker processes claim a due job with a conditional UPDATE on `last_run_at`, so a job runs at most once
    per interval however many workers are running.
    """

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_status = models.CharField(_("last status"), max_length=20, choices=JobStatus.choices, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")

    def __str__(self) -> str:
        return f"{self.name} ({self.last_status or '-'})"


class RateCounter(models.Model):
    """One key's hits in its current window, for `simpul.core.limits` (the key is a keyed hash)."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key[:12]}: {self.count}"


class AccessDoor(models.TextChoices):
    """Where personal data of a case was read (the door of `PersonalDataAccess`)."""

    CASE_VIEW = "case_view", _("Case page")
    SEARCH = "search", _("Search by name or number")
    RECEIPT = "receipt", _("Receipt printed")
    EXPORT = "export", _("Export")
    API_READ = "api_read", _("API read")


class PersonalDataAccess(models.Model):
    """One read of personal data (UU 27/2022): who opened which case, through which door, when, from where.

    An access log, not an audit entry: reads are many times more frequent than changes, so they are kept out of
    the hash chain (one plain INSERT each, no lock) and purged after `SIMPUL_ACCESS_LOG_RETENTION_DAYS`
    (`core.access_log_purge`). Written only by `simpul.core.services.personal_data_access_record`.

    The case is named by id and reference without a foreign key (core points at no app above it, and the row
    outlives a case's anonymisation). A search term may itself be personal data (a name, a NIK): it is kept
    encrypted like a NIK, beside a keyed hash of its normalised form so an auditor can ask "who searched for X"
    without reading every term.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    door = models.CharField(_("door"), max_length=20, choices=AccessDoor.choices)
    # DO_NOTHING without a constraint, as in the audit log: deleting a user leaves who read what.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+", verbose_name=_("staff account"),
    )
    api_client_id = models.PositiveIntegerField(_("API client id"), null=True, blank=True)
    actor_label = models.CharField(_("API client"), max_length=200, blank=True)
    case_id = models.BigIntegerField(_("case id"), null=True, blank=True)
    reference = models.CharField(_("case reference"), max_length=40, blank=True, db_index=True)
    term = EncryptedTextField(_("search term"), blank=True)
    term_hash = models.CharField(_("search term hash"), max_length=64, blank=True, db_index=True)
    ip = models.CharField(_("client IP address"), max_length=45, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.door} {self.reference or '-'} @ {self.at:%Y-%m-%d %H:%M}"
