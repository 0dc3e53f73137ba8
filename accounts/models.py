"""Users, organisations, memberships and the project-wide audit log."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from icms.core.fields import EncryptedTextField
from icms.core.indexes import contains_index
from icms.core.languages import in_language, is_chinese
from icms.core.models import TimeStampedModel

from .hkid import hkid_mask, validate_hkid


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True, kind=User.Kind.STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractUser, TimeStampedModel):
    """A person who signs in with an email address."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual user")
        ORGANISATION = "organisation", _("Organisation member")
        STAFF = "staff", _("Judiciary staff")

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    kind = models.CharField(_("account kind"), max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name_zh = models.CharField(_("name in Chinese"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    # Collected only for the registry's identity check before a first filing (icms-reference §5),
    # stored normalised (A1234563) and never shown in full: use ``hkid_masked``.
    # Encrypted at rest (icms.core.crypto): a database dump or backup never holds the number.
    hkid = EncryptedTextField(_("HKID number"), blank=True, validators=[validate_hkid])
    hearing_reminders = models.BooleanField(
        _("email me on the working day before each hearing"),
        default=True,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # The staff site finds a filing's, payment's or event's person by email (icms.core.admin_scale).
        indexes = [contains_index("email", name="user_email_contains")]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        """The person's name for the active language: see :meth:`display_name_for`."""
        return self.display_name_for(get_language())

    def display_name_for(self, language: str | None) -> str:
        """The Chinese name to a reader in Chinese, if the person gave one; else the English name.

        Falls back to the other name, then to the email address.
        """
        english = self.get_full_name()
        if is_chinese(language or "") and self.name_zh:
            return self.name_zh
        return english or self.name_zh or self.email

    @property
    def hkid_masked(self) -> str:
        return hkid_mask(self.hkid)


class Organisation(TimeStampedModel):
    """A law firm, chambers, government department or other body with members."""

    class Type(models.TextChoices):
        LAW_FIRM = "law_firm", _("Law firm")
        CHAMBERS = "chambers", _("Barristers' chambers or the Bar Association")
        LAW_SOCIETY = "law_society", _("The Law Society")
        GOVERNMENT = "government", _("Government department")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement agency")
        STATUTORY_BODY = "statutory_body", _("Statutory body")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    name_en = models.CharField(_("name in English"), max_length=255)
    name_zh = models.CharField(_("name in Chinese"), max_length=255, blank=True)
    address = models.TextField(_("business address"), blank=True)
    telephone = models.CharField(_("office telephone"), max_length=30, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    status_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    require_mfa = models.BooleanField(_("require two-factor authentication for members"), default=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en"]
        permissions = [("decide_organisation", "Can approve, reject or suspend organisation applications")]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English."""
        return in_language(self.name_en, self.name_zh)

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Membership(TimeStampedModel):
    """A user's place in an organisation. Deactivation ends it; the row stays."""

    class Role(models.TextChoices):
        PRIMARY_ADMIN = "primary_admin", _("Primary administrator")
        SECONDARY_ADMIN = "secondary_admin", _("Secondary administrator")
        MEMBER = "member", _("Organisation user")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    branch_code = models.CharField(_("branch code"), max_length=20, blank=True)
    sees_all_cases = models.BooleanField(_("sees all the organisation's cases"), default=False)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(role="primary_admin", deactivated_at__isnull=True),
                name="one_active_primary_admin_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(deactivated_at__isnull=True),
                name="one_active_membership_per_user_and_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def is_admin(self) -> bool:
        return self.role in (self.Role.PRIMARY_ADMIN, self.Role.SECONDARY_ADMIN)


class Invitation(TimeStampedModel):
    """An emailed invitation to join an organisation. Only a hash of its token is stored.

    It works once (``accepted_at``), until ``expires_at``, and only for the account
    whose verified email address it was sent to.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    branch_code = models.CharField(_("branch code"), max_length=20, blank=True)
    sees_all_cases = models.BooleanField(_("sees all the organisation's cases"), default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # The account registered from this invitation's link: it joins the organisation when its
    # email address is verified, in whichever browser the verification link is opened
    # (accounts.registration).
    registered_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered from it"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(role="primary_admin"), name="invitation_not_for_primary_admin"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


def _default_scopes() -> list[str]:
    return ["read"]


class ApiToken(models.Model):
    """A personal token for the JSON API (``Authorization: Bearer <token>``).

    Only the SHA-256 of the token is stored: the token itself is shown once, when it
    is made (:func:`accounts.tokens.api_token_create`). A revoked token never works again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, such as the software using it.")
    )

    class Scope(models.TextChoices):
        READ = "read", _("Read: cases, documents, filing status")
        FILE = "file", _("File: start cases and file documents")
        PAY = "pay", _("Pay: charge fees to the deposit account")

    token_hash = models.CharField(max_length=64, unique=True)
    scopes = ArrayField(
        models.CharField(max_length=10, choices=Scope.choices), verbose_name=_("scopes"), default=_default_scopes
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Null only on tokens made before expiry existed; every new token has one.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class ApiIdempotencyKey(models.Model):
    """A POST's ``Idempotency-Key`` and the response it got, replayed to the same key again.

    Keys are per user. The same key with a different body is refused (422); a key whose first
    request is still running is refused (409) until it ends.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_sha256 = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_unique")]
        indexes = [models.Index(fields=["created_at"], name="api_idempotency_created")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class WebhookEndpoint(TimeStampedModel):
    """An organisation's HTTPS endpoint that receives its events, signed with its own secret."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # The HMAC-SHA256 signing secret, encrypted at rest; shown once, when the endpoint is made.
    secret = EncryptedTextField()
    # After a rotation with an overlap, the replaced secret signs too until ``previous_secret_until``,
    # so the receiver can switch without refusing deliveries (Standard Webhooks: several signatures).
    previous_secret = EncryptedTextField(blank=True, default="")
    previous_secret_until = models.DateTimeField(_("previous secret signs until"), null=True, blank=True)
    # Empty: every event type.
    event_types = ArrayField(models.CharField(max_length=50), verbose_name=_("events"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disabled_at = models.DateTimeField(_("turned off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """One event for one organisation; its id is the ``id`` receivers deduplicate by."""

    id = models.UUIDField(primary_key=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_events")
    event_type = models.CharField(_("event"), max_length=50)
    payload = models.JSONField()
    occurred_at = models.DateTimeField(_("occurred at"))

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["organisation", "-occurred_at"], name="webhook_event_org_time")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.id}"


class WebhookDelivery(TimeStampedModel):
    """An event's delivery to one endpoint, tried with backoff until it succeeds or is given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed: will be tried again")
        GAVE_UP = "gave_up", _("Given up")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once_per_endpoint")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """One POST of a delivery: when, what came back, how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField(_("sent at"))
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    manual = models.BooleanField(_("sent again by hand"), default=False)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.started_at:%Y-%m-%d %H:%M:%S}"
