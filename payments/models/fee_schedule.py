"""The fee schedule of each court level, and its e-fee concession periods."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from icms.core.languages import in_language
from icms.core.models import TimeStampedModel

from .common import CourtLevel, PaymentPurpose


class FeeItem(TimeStampedModel):
    """One item of a court's fee schedule, in force from ``effective_from`` to ``effective_to``.

    Accounts staff maintain the schedule in the admin. ``verified`` says whether the
    amount was checked against a public source, named in ``source_note``. Only the admin
    shows it: the public pages and receipts show amounts plainly, and ``check --deploy``
    refuses a deployment while an item in force is unverified (icms.E040, payments/checks.py).
    """

    court_level = models.CharField(_("court level"), max_length=2, choices=CourtLevel.choices)
    code = models.CharField(_("code"), max_length=40)
    statutory_ref = models.CharField(_("statutory reference"), max_length=200)
    description_en = models.CharField(_("description in English"), max_length=300)
    description_zh = models.CharField(_("description in Chinese"), max_length=300)
    standard_amount = models.DecimalField(_("standard fee (HK$)"), max_digits=12, decimal_places=2)
    e_fee_eligible = models.BooleanField(
        _("eligible for the e-fee concession"),
        default=True,
        help_text=_("Items primarily or directly related to electronic handling of court documents (Cap. 638E/638F)."),
    )
    nil_e_fee = models.BooleanField(_("no e-fee payable"), default=False)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    verified = models.BooleanField(_("amount verified"), default=False)
    standalone_purpose = models.CharField(
        _("can be paid on its own for"),
        max_length=20,
        choices=PaymentPurpose.choices,
        blank=True,
        help_text=_("Search and inspection fees can be paid from the fee calculator; filing fees are paid on filing."),
    )
    source_note = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["court_level", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["court_level", "code", "effective_from"], name="fee_item_unique_version"),
            models.CheckConstraint(condition=Q(standard_amount__gte=0), name="fee_item_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="fee_item_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.court_level} {self.code} — {self.description_en}"

    @property
    def description(self) -> str:
        return in_language(self.description_en, self.description_zh)


class ConcessionPeriod(TimeStampedModel):
    """The e-fee concession of a court level: ``rate`` off the ordinary fee, dates inclusive (HKT).

    Cap. 638E (District Court, from 6 May 2022) and Cap. 638F (Magistrates' Courts, from
    30 Dec 2022): the e-fee is 80% of the ordinary fee for 5 years, i.e. a 20% concession.
    """

    class Rounding(models.TextChoices):
        DOWN_TO_DOLLAR = "down_dollar", _("Down to the whole dollar")
        HALF_UP_TO_CENT = "half_up_cent", _("To the nearest cent")

    court_level = models.CharField(_("court level"), max_length=2, choices=CourtLevel.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    rate = models.DecimalField(_("concession rate"), max_digits=4, decimal_places=3, default=Decimal("0.200"))
    rounding = models.CharField(
        _("rounding"), max_length=20, choices=Rounding.choices, default=Rounding.DOWN_TO_DOLLAR
    )
    statutory_ref = models.CharField(_("statutory reference"), max_length=200, blank=True)
    source_note = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("concession period")
        verbose_name_plural = _("concession periods")
        ordering = ["court_level", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="concession_dates_in_order"),
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=1), name="concession_rate_between_0_and_1"),
        ]

    def __str__(self) -> str:
        return f"{self.court_level} {self.rate:%} {self.starts_on}–{self.ends_on}"
