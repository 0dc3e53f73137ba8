"""Courts, case types, cases, parties and case assignments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from icms.core.models import TimeStampedModel

from ..case_numbers import format_case_number


def _in_active_language(english: str, chinese: str) -> str:
    """``chinese`` when the active language is Chinese and it is set; ``english`` otherwise."""
    return chinese if (get_language() or "").startswith("zh") and chinese else english


class BilingualNameMixin:
    name_en: str
    name_zh: str

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English."""
        if (get_language() or "").startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name_en


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
        if side == Party.Side.APPLICANT:
            return self.applicant_role_en, self.applicant_role_zh
        return self.respondent_role_en, self.respondent_role_zh

    @property
    def applicant_role(self) -> str:
        """The applicant's role in the active language, such as "Plaintiff" or "原告人"."""
        return _in_active_language(*self.role_names(Party.Side.APPLICANT))

    @property
    def respondent_role(self) -> str:
        """The respondent's role in the active language, such as "Defendant" or "被告人"."""
        return _in_active_language(*self.role_names(Party.Side.RESPONDENT))


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


class Party(TimeStampedModel):
    class Side(models.TextChoices):
        APPLICANT = "applicant", _("Applicant side")
        RESPONDENT = "respondent", _("Respondent side")

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company or body")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    ordinal = models.PositiveSmallIntegerField(_("order on the side"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    name_zh = models.CharField(_("name in Chinese"), max_length=255, blank=True)
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
        if (get_language() or "").startswith("zh"):
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    @property
    def role(self) -> str:
        """The role's name on this case type, such as "Plaintiff" or "被告人"."""
        return _in_active_language(*self.case.case_type.role_names(self.side))


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
