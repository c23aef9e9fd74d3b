"""Users of Simpul (one custom model from the first migration) and their roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.accounts.validators import validate_kbli_list, validate_nib
from simpul.core.models import TimeStampedModel
from simpul.core.pdp import EncryptedTextField, mask_nik
from simpul.core.text import NameField
from simpul.regions.models import RegionLevel


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business")
    VILLAGE_OPERATOR = "village_operator", _("Village operator")
    OFFICER = "officer", _("Agency officer")
    AGENCY_HEAD = "agency_head", _("Agency head")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")
    EVALUATOR = "evaluator", _("Evaluator")
    DATA_STEWARD = "data_steward", _("Data steward")


STAFF_ROLES = frozenset(
    {
        Role.VILLAGE_OPERATOR,
        Role.OFFICER,
        Role.AGENCY_HEAD,
        Role.PLATFORM_ADMIN,
        Role.EVALUATOR,
        Role.DATA_STEWARD,
    }
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str | None = None, password: str | None = None, **extra: Any) -> User:
        if email:
            email = self.normalize_email(email).lower()
        if not email and not extra.get("phone"):
            raise ValueError("A user needs an email address or a phone number.")
        user = self.model(email=email or None, **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.PLATFORM_ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address or a phone number."""

    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, unique=True, null=True, blank=True)
    full_name = NameField(_("full name"), max_length=200, blank=True)
    role = models.CharField(
        _("role"), max_length=30, choices=Role.choices, default=Role.CITIZEN, db_index=True
    )
    village = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village (for village operators)"),
    )
    preferred_language = models.CharField(_("preferred language"), max_length=5, default="id")
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False), name="accounts_user_email_or_phone"
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"user {self.pk}"

    @property
    def is_staff_role(self) -> bool:
        """Staff roles must use TOTP MFA."""
        return self.role in STAFF_ROLES or self.is_superuser

    def clean(self) -> None:
        """A village operator is scoped to exactly one desa/kelurahan."""
        from django.core.exceptions import ValidationError

        super().clean()
        if self.role == Role.VILLAGE_OPERATOR:
            if self.village_id is None:
                raise ValidationError({"village": _("A village operator must be assigned to one village.")})
            if self.village is not None and self.village.level != RegionLevel.DESA:
                raise ValidationError(
                    {"village": _("Choose a village (desa or kelurahan), not a larger region.")}
                )


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class CitizenProfile(TimeStampedModel):
    """A citizen's identity: NIK (encrypted at rest, with a keyed hash for look-up), name, domicile.

    The NIK is never stored in clear: `nik` holds Fernet ciphertext (`simpul.core.pdp`), `nik_hash` an
    HMAC-SHA256 that keeps NIKs unique and searchable. Birth date and sex are decoded from the NIK.
    """

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="citizen_profile", verbose_name=_("user")
    )
    nik = EncryptedTextField(_("NIK"))
    nik_hash = models.CharField(_("NIK look-up hash"), max_length=64, unique=True, editable=False)
    full_name = NameField(_("full name (as on the ID card)"), max_length=200)
    birth_date = models.DateField(_("date of birth"), editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    domicile = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village of residence"),
    )
    phone = models.CharField(_("phone number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nik_masked})"

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)


class BusinessProfile(TimeStampedModel):
    """A business (pelaku usaha) with its OSS business number (NIB) and KBLI activity codes."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="business_profile", verbose_name=_("user")
    )
    business_name = NameField(_("business name"), max_length=200)
    nib = models.CharField(_("NIB (business number)"), max_length=13, unique=True)
    kbli_codes = models.JSONField(_("KBLI codes"), default=list)
    address = models.CharField(_("address"), max_length=300)
    desa = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    phone = models.CharField(_("phone number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("business profile")
        verbose_name_plural = _("business profiles")

    def __str__(self) -> str:
        return f"{self.business_name} (NIB {self.nib})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, Any] = {}
        try:
            self.nib = validate_nib(self.nib)
        except ValidationError as exc:
            errors["nib"] = exc.error_list
        try:
            self.kbli_codes = validate_kbli_list(list(self.kbli_codes or []))
        except ValidationError as exc:
            errors["kbli_codes"] = exc.error_list
        if errors:
            raise ValidationError(errors)
