"""Courts, case types, cases, parties and case assignments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icms.core.fields import EncryptedTextField
from icms.core.languages import in_language, is_chinese
from icms.core.models import TimeStampedModel

from ..case_numbers import format_case_number
from ..party_ids import party_id_mask


class BilingualNameMixin:
    name_en: str
    name_zh: str

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English."""
        return in_language(self.name_en, self.name_zh)


class Court(BilingualNameMixin, TimeStampedModel):
    class Level(models.TextChoices):
        DISTRICT = "DC", _("District Court")
        MAGISTRATES = "MC", _("Magistrates' Courts")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name_en = models.CharField(_("name in English"), max_length=150)
    name_zh = models.CharField(_("name in Chinese"), max_length=150)
    level = models.CharField(_("level"), max_length=2, choices=Level.choices)

    class Meta:
        verbose_name = _("court")
        verbose_name_plural = _("courts")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name_en


class CaseType(BilingualNameMixin, TimeStampedModel):
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="case_types")
    prefix = models.CharField(_("case number prefix"), max_length=10, unique=True)
    name_en = models.CharField(_("name in English"), max_length=150)
    name_zh = models.CharField(_("name in Chinese"), max_length=150)
    applicant_role_en = models.CharField(_("applicant role (English)"), max_length=50)
    applicant_role_zh = models.CharField(_("applicant role (Chinese)"), max_length=50)
    respondent_role_en = models.CharField(_("respondent role (English)"), max_length=50)
    respondent_role_zh = models.CharField(_("respondent role (Chinese)"), max_length=50)
    individuals_may_start = models.BooleanField(_("individual users may start a case"), default=True)
    organisations_may_start = models.BooleanField(_("organisation users may start a case"), default=True)

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["court__level", "prefix"]

    def __str__(self) -> str:
        return f"{self.prefix} — {self.name_en}"

    def role_names(self, side: str) -> tuple[str, str]:
        """The English and Chinese names of a party's role on this case type, by its side."""
        if side == Party.Side.THIRD_PARTY:
            return THIRD_PARTY_ROLE
        if side == Party.Side.APPLICANT:
            return self.applicant_role_en, self.applicant_role_zh
        return self.respondent_role_en, self.respondent_role_zh

    @property
    def applicant_role(self) -> str:
        """The applicant's role in the active language, such as "Plaintiff" or "原告人"."""
        return in_language(*self.role_names(Party.Side.APPLICANT))

    @property
    def respondent_role(self) -> str:
        """The respondent's role in the active language, such as "Defendant" or "被告人"."""
        return in_language(*self.role_names(Party.Side.RESPONDENT))


class Case(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending acceptance")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="cases")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    nature_en = models.CharField(_("nature of claim (English)"), max_length=255, blank=True)
    nature_zh = models.CharField(_("nature of claim (Chinese)"), max_length=255, blank=True)
    issued_at = models.DateTimeField(_("date of issue"), null=True, blank=True)
    # A money claim's amount as the originating document states it (DCCJ); checked against
    # the court's limit (ClaimLimit) when the case is started.
    amount_claimed = models.DecimalField(
        _("amount claimed (HK$)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["case_type", "year", "number"], name="unique_case_number"),
            models.CheckConstraint(
                condition=Q(number__isnull=True, year__isnull=True) | Q(number__isnull=False, year__isnull=False),
                name="case_number_and_year_together",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number or gettext("draft case no. %(id)s") % {"id": self.pk}

    @property
    def case_number(self) -> str:
        """``PREFIX NUMBER/YEAR``, e.g. ``DCCJ 3618/2010``; empty until accepted."""
        return format_case_number(self.case_type.prefix, self.number, self.year)


class CaseNumberSequence(models.Model):
    """The last number given out per prefix and year. Locked while a number is given out."""

    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case_type", "year"], name="one_sequence_per_prefix_and_year")]

    def __str__(self) -> str:
        return f"{self.case_type.prefix} {self.year}: {self.last_number}"


class ClaimLimit(TimeStampedModel):
    """The most a court may award in a kind of case, from a date: data, with its source, never code.

    The District Court's civil limit is HK$3,000,000 (District Court Ordinance, Cap. 336,
    s. 32, as amended from 3 December 2018). A claim above the limit in force belongs
    in the Court of First Instance of the High Court.
    """

    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="claim_limits")
    amount = models.DecimalField(_("limit (HK$)"), max_digits=14, decimal_places=2)
    effective_from = models.DateField(_("in force from"))
    source_note = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("claim limit")
        verbose_name_plural = _("claim limits")
        ordering = ["case_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "effective_from"], name="one_claim_limit_per_type_and_date")
        ]

    def __str__(self) -> str:
        return f"{self.case_type.prefix} HK${self.amount:,} from {self.effective_from}"


# A third party's role is the same in every kind of case.
THIRD_PARTY_ROLE = ("Third Party", "第三方")


class Party(TimeStampedModel):
    class Side(models.TextChoices):
        APPLICANT = "applicant", _("Applicant side")
        RESPONDENT = "respondent", _("Respondent side")
        THIRD_PARTY = "third_party", _("Third party")

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company or body")

    class IdKind(models.TextChoices):
        HKID = "hkid", _("Hong Kong identity card")
        PASSPORT = "passport", _("Passport")
        BUSINESS_REGISTRATION = "br", _("Business registration certificate")
        OTHER = "other", _("Other identity document")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    ordinal = models.PositiveSmallIntegerField(_("order on the side"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    name_zh = models.CharField(_("name in Chinese"), max_length=255, blank=True)
    address_for_service = models.TextField(_("address for service"), blank=True)
    id_kind = models.CharField(_("identity document"), max_length=10, choices=IdKind.choices, blank=True)
    # Encrypted at rest like a user's HKID number (icms.core.crypto); shown masked.
    id_number = EncryptedTextField(_("identity document number"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_roles",
        help_text=_("The registered user, when this party acts in person."),
    )
    representative = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_parties",
        verbose_name=_("organisation on record"),
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "side", "ordinal"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_en="", name_zh=""), name="party_has_a_name"),
        ]

    def __str__(self) -> str:
        return self.name_en or self.name_zh

    @property
    def name(self) -> str:
        """The name in the active language, falling back to the other one."""
        if is_chinese():
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    @property
    def role(self) -> str:
        """The role's name on this case type, such as "Plaintiff" or "被告人"."""
        return in_language(*self.case.case_type.role_names(self.side))

    @property
    def id_number_masked(self) -> str:
        """The identity document's number as pages show it, never whole (filing.party_ids)."""
        return party_id_mask(self.id_kind, self.id_number)


class Representation(TimeStampedModel):
    """Who was on record for a party, and when: the history behind ``Party.representative`` and ``Party.user``.

    ``Party`` holds who is on record now (the access policy reads it); each change also
    ends the current row here and starts a new one, in the same transaction, with the
    filing or the staff reason that made it.
    """

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="representations")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="representations"
    )
    in_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("on record from"))
    ended_at = models.DateTimeField(_("on record until"), null=True, blank=True)
    submission = models.ForeignKey(
        "filing.Submission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filing that put it on record"),
    )
    reason = models.TextField(_("reason"), blank=True)
    # Null only on rows carried over from before the history was kept.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.TextField(_("reason for ending"), blank=True)

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        ordering = ["party", "-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, in_person__isnull=True)
                | Q(organisation__isnull=True, in_person__isnull=False),
                name="representation_by_organisation_or_in_person",
            ),
            models.UniqueConstraint(
                fields=["party"], condition=Q(ended_at__isnull=True), name="one_current_representation_per_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} ← {self.organisation or self.in_person}"


class CaseAccessCode(TimeStampedModel):
    """The code on a sealed originating document that lets a named respondent join the case.

    One current code per party. Looked up by ``digest`` (an HMAC of the normalised code,
    filing/joining.py); ``code`` is kept encrypted only so the seal can print it. Staff
    may revoke a code and issue a new one.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="access_codes")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="access_codes")
    digest = models.CharField(max_length=64, unique=True)
    code = EncryptedTextField(_("code"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("case access code")
        verbose_name_plural = _("case access codes")
        ordering = ["case", "party", "-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["party"], condition=Q(revoked_at__isnull=True), name="one_current_access_code_per_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} — {self.party}"


class CaseAssignment(TimeStampedModel):
    """ "Account linking": an organisation's administrator assigns a case to one of its users.

    Read through :mod:`filing.access`, never directly: an assignment counts only while
    the membership is active and its organisation is on record for a party to the case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="case_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        constraints = [
            models.UniqueConstraint(fields=["case", "membership"], name="one_assignment_per_case_and_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.membership.user}"
