"""Cause book purchases, the daily cause list's hearings, and the search's own tables.

The search reads :class:`CauseBookEntry` (one row per party of a case in the cause
book) and corrects misspellings against :class:`NameToken` and :class:`NameTokenVariant`.
All three are derived from filing's tables by database triggers (migrations ``0002``
and ``0006``), so every way of writing a case or a party keeps them current: see
``docs/causebook.md`` for the design and the measurements behind it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from icms.core.indexes import contains_index
from icms.core.models import TimeStampedModel
from icms.core.time import HONG_KONG


class SearchPurchase(TimeStampedModel):
    """One paid cause book search: 24 hours of access to one result set, by an unguessable token.

    ``query`` is the search in normal form (:meth:`causebook.query.SearchQuery.normal_form`),
    so "CHAN Tai-man" and "chan  tai-man" are the same purchase. ``expires_at`` is null
    until the search fee is paid (:func:`causebook.services.search_purchase_grant`),
    which also keeps the result set (``case_ids``) that the token then opens.
    """

    query = models.CharField(_("search in normal form"), max_length=500)
    result_count = models.PositiveIntegerField(_("matching cases when bought"))
    token = models.CharField(_("access token"), max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="search_purchases",
        help_text=_("Null for a member of the public who is not signed in."),
    )
    # The payment order, by its public reference: payments.PaymentOrder does not exist yet
    # (issue 7 seam); the reference keeps causebook free of an import of payments.
    payment_reference = models.CharField(_("payment order reference"), max_length=64, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("access expires at"), null=True, blank=True)
    # The result set bought: the matching cases in rank order when the fee was paid.
    # Paging through it is stable (a capped search's 1,000 are always the same 1,000),
    # what the buyer saw can be told afterwards, and a page costs no search. Null for a
    # purchase paid before it was kept (those are searched again).
    case_ids = ArrayField(
        models.BigIntegerField(), verbose_name=_("result set"), null=True, blank=True, editable=False
    )
    capped = models.BooleanField(_("more matches than the result set holds"), default=False, editable=False)
    count_is_estimate = models.BooleanField(_("the count of matches is an estimate"), default=False, editable=False)

    class Meta:
        verbose_name = _("cause book search purchase")
        verbose_name_plural = _("cause book search purchases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paid_at__isnull=True, expires_at__isnull=True)
                | models.Q(paid_at__isnull=False, expires_at__isnull=False),
                name="search_purchase_paid_and_expiry_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.query} ({self.result_count})"


class Hearing(TimeStampedModel):
    """One listing on the daily cause list, entered by registry staff in the admin."""

    class HearingType(models.TextChoices):
        MENTION = "mention", _("Mention")
        CHECK_LIST_REVIEW = "check_list_review", _("Case management / check list review")
        PRE_TRIAL_REVIEW = "pre_trial_review", _("Pre-trial review")
        INTERLOCUTORY = "interlocutory", _("Interlocutory application")
        TRIAL = "trial", _("Trial")
        ASSESSMENT = "assessment", _("Assessment of damages")
        JUDGMENT = "judgment", _("Handing down of judgment")
        PLEA = "plea", _("Plea")
        SENTENCE = "sentence", _("Sentence")

    class Status(models.TextChoices):
        LISTED = "listed", _("Listed")
        ADJOURNED = "adjourned", _("Adjourned")
        VACATED = "vacated", _("Vacated")
        HEARD = "heard", _("Heard")

    case = models.ForeignKey("filing.Case", on_delete=models.PROTECT, related_name="hearings", verbose_name=_("case"))
    court = models.ForeignKey(
        "filing.Court", on_delete=models.PROTECT, related_name="hearings", verbose_name=_("court")
    )
    courtroom = models.CharField(_("courtroom"), max_length=30, help_text=_("For example: Court No. 31."))
    judge_en = models.CharField(_("judge or magistrate (English)"), max_length=150)
    judge_zh = models.CharField(_("judge or magistrate (Chinese)"), max_length=150, blank=True)
    starts_at = models.DateTimeField(_("date and time"))
    hearing_type = models.CharField(_("hearing type"), max_length=30, choices=HearingType.choices)
    nature_en = models.CharField(
        _("nature (English)"), max_length=255, blank=True, help_text=_("Leave blank to use the case's nature.")
    )
    nature_zh = models.CharField(_("nature (Chinese)"), max_length=255, blank=True)
    representation_en = models.CharField(_("representation (English)"), max_length=500, blank=True)
    representation_zh = models.CharField(_("representation (Chinese)"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.LISTED)
    # An adjourned hearing's new listing points at the one it replaces.
    adjourned_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjourned_to",
        verbose_name=_("adjourned from"),
    )
    # The notice of hearing issued to the parties when it was fixed (or the notice of its change).
    notice = models.ForeignKey(
        "filing.CourtDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("notice of hearing"),
    )

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["starts_at", "courtroom"]
        indexes = [
            models.Index(fields=["court", "starts_at"], name="hearing_court_day"),
            models.Index(fields=["case", "starts_at"], name="hearing_case_time"),
            # The registry's list of hearings (causebook/admin.py, icms.core.admin_scale): its
            # order, its date hierarchy's probes, and its search.
            models.Index(fields=["starts_at", "courtroom"], name="hearing_listing_order"),
            contains_index("courtroom", name="hearing_courtroom_contains"),
            contains_index("judge_en", name="hearing_judge_en_contains"),
            contains_index("judge_zh", name="hearing_judge_zh_contains"),
        ]

    def __str__(self) -> str:
        return f"{self.case} — {self.label_time}"

    @property
    def label_time(self) -> str:
        """The start in Hong Kong time, as labels and audit records write it (stored in UTC)."""
        return f"{self.starts_at.astimezone(HONG_KONG):%Y-%m-%d %H:%M}"


class HearingReminder(models.Model):
    """One reminder email sent to one user for one hearing: the reminder task's claim, so none goes twice."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("hearing reminder")
        verbose_name_plural = _("hearing reminders")
        constraints = [models.UniqueConstraint(fields=["hearing", "user"], name="one_reminder_per_hearing_and_user")]

    def __str__(self) -> str:
        return f"{self.hearing} → {self.user_id}"


class CalendarKeys(models.Model):
    """Which generation of calendar addresses a user's are: raising it stops every address given before.

    A calendar address carries a signed key (:mod:`causebook.ical`) that names the user and
    this generation; a user who shared an address by mistake asks for new ones
    (:func:`causebook.services.calendar_addresses_renew`), and the old ones answer 404.
    No row is generation 0, the generation of keys made before addresses could be renewed.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    generation = models.PositiveIntegerField(default=0)
    renewed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("calendar addresses")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.generation}"


class NameToken(models.Model):
    """The vocabulary of words in parties' English names: what misspelt words are corrected to.

    Kept by a database trigger on ``filing_party`` (migration ``0002_search_indexes``), so
    every way of writing a party (services, the admin, COPY with triggers on) updates it.
    pg_trgm's documentation recommends exactly this: match misspellings against a small
    table of distinct words, never against every row.
    """

    token = models.CharField(max_length=100, primary_key=True)

    class Meta:
        verbose_name = _("name word")
        verbose_name_plural = _("name words")

    def __str__(self) -> str:
        return self.token


class NameTokenVariant(models.Model):
    """Each vocabulary word, and the word with any one letter deleted: its "deletes".

    Two words within one edit (a letter wrong, missing, doubled, or two letters
    swapped) share a delete, so a misspelt word finds its corrections by equality on
    this table's primary key (the symmetric-delete method), with no scan of the
    vocabulary and no similarity computed per word. Kept by a trigger on
    :class:`NameToken` (migration ``0006_cause_book_entries``).
    """

    pk = models.CompositePrimaryKey("variant", "token")
    variant = models.CharField(max_length=100)
    token = models.CharField(max_length=100)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.variant} → {self.token}"


class CauseBookEntry(models.Model):
    """One party of a case that is in the cause book, in the shape the search reads.

    Derived data: a trigger on ``filing_party`` and one on ``filing_case`` (migration
    ``0006_cause_book_entries``) keep exactly the parties of numbered, active or closed
    cases here, with the case's type, year, status and date of issue beside the name,
    so that a search and its filters read one narrow table and never visit a case it
    will not show. Never written by the application.
    """

    party_id = models.BigIntegerField(primary_key=True)
    case_id = models.BigIntegerField()
    case_type_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField(null=True)
    status = models.CharField(max_length=20)
    issued_at = models.DateTimeField(null=True)
    # The English name's normal words (``causebook_name_tokens``), and the Chinese name
    # without spaces; the Chinese bigram index is an expression over ``name_zh``.
    tokens = ArrayField(models.TextField())
    name_zh = models.TextField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["case_id"], name="causebook_entry_case")]

    def __str__(self) -> str:
        return f"party {self.party_id} of case {self.case_id}"


class TermCount(models.Model):
    """How many cause book entries hold a search term: kept counts, not the planner's guess.

    Terms (``causebook_count_keys``, migration ``0011``): a word ("chan"), an unordered
    pair of words ("hong kong"), two words in order ("hong>kong"), a Chinese character or
    pair of characters ("z:陳", "z:有限"), and "@<bucket>" for the entries issued in each
    28-day bucket; and each pair tagged with the entry's case type, year and status
    ("sze wong#t3#2020#active", ``causebook_pair_count_keys``, migration ``0016``), which
    count a two-word name's matches inside the filters. The search chooses its plan from
    these (``causebook.search``).
    Triggers queue each entry added or removed in :class:`TermCountChange`; the beat
    task ``causebook.tasks.term_counts_apply`` folds the queue in every minute, so no
    filing ever waits on a shared counter row (the counts may lag by that minute).
    """

    term = models.CharField(max_length=240, primary_key=True)
    entries = models.BigIntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.term}: {self.entries}"


class TermCountChange(models.Model):
    """An entry added (+1) or removed (-1), waiting to be folded into :class:`TermCount`."""

    id = models.BigAutoField(primary_key=True)
    tokens = ArrayField(models.TextField())
    name_zh = models.TextField()
    issued_at = models.DateTimeField(null=True)
    # The entry's tags, for the tagged pairs' counts (none in changes queued before migration 0016).
    case_type_id = models.BigIntegerField(null=True)
    year = models.SmallIntegerField(null=True)
    status = models.TextField(blank=True, default="")
    sign = models.SmallIntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.sign:+d} {' '.join(self.tokens)} {self.name_zh}"


class InspectionPurchase(TimeStampedModel):
    """One paid inspection of one document open to public inspection, for 24 hours.

    Exactly one of ``document`` (a filed document) and ``court_document`` is set.
    The buyer receives an inspection copy, watermarked; never the original or the
    sealed copy.
    """

    document = models.ForeignKey(
        "filing.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    court_document = models.ForeignKey(
        "filing.CourtDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    token = models.CharField(_("access token"), max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    payment_reference = models.CharField(_("payment order reference"), max_length=64, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("access expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document inspection")
        verbose_name_plural = _("document inspections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(document__isnull=False, court_document__isnull=True)
                | models.Q(document__isnull=True, court_document__isnull=False),
                name="inspection_of_exactly_one_document",
            ),
        ]

    def __str__(self) -> str:
        return f"inspection {self.pk}"

    @property
    def target(self) -> Any:
        return self.document or self.court_document


class CopyApplication(TimeStampedModel):
    """An application for a copy, a certified true copy or a certificate, and what was issued for it.

    A party applies for a copy of a document in their case (``document`` or ``court_document``),
    or in the summons courts for a certificate of trial or conviction (``case`` only). The public
    may apply for copies of documents open to public inspection. The applicant pays the fee in
    the fee schedule; staff then issue the copy or certificate as a court document with a DRN
    (``issued``), to the applicant's message box, or by a link for a member of the public.
    """

    class Kind(models.TextChoices):
        COPY = "copy", _("Copy")
        CERTIFIED_COPY = "certified_copy", _("Certified true copy")
        CERTIFICATE_OF_TRIAL = "certificate_of_trial", _("Certificate of trial")
        CERTIFICATE_OF_CONVICTION = "certificate_of_conviction", _("Certificate of conviction")

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid: with the registry")
        ISSUED = "issued", _("Issued")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("application reference"), max_length=20, unique=True)
    kind = models.CharField(_("applying for"), max_length=30, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_PAYMENT)
    case = models.ForeignKey("filing.Case", on_delete=models.PROTECT, related_name="copy_applications")
    document = models.ForeignKey(
        "filing.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="copy_applications"
    )
    court_document = models.ForeignKey(
        "filing.CourtDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="copy_applications"
    )
    copies = models.PositiveSmallIntegerField(_("number of copies"), default=1)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="copy_applications"
    )
    # A member of the public: where the link to the issued copy is sent, and the token in that link.
    applicant_name = models.CharField(_("applicant's name"), max_length=255, blank=True)
    applicant_email = models.EmailField(_("applicant's email"), blank=True)
    access_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    fee_amount = models.DecimalField(_("fee (HK$)"), max_digits=12, decimal_places=2, default=0)
    payment_reference = models.CharField(_("payment order reference"), max_length=64, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    issued = models.OneToOneField(
        "filing.CourtDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_for_application",
        verbose_name=_("issued as"),
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)

    class Meta:
        verbose_name = _("application for a copy or certificate")
        verbose_name_plural = _("applications for copies and certificates")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(document__isnull=False) & models.Q(court_document__isnull=False)),
                name="copy_application_at_most_one_document",
            ),
            models.CheckConstraint(
                condition=models.Q(applicant__isnull=False) | ~models.Q(applicant_email=""),
                name="copy_application_has_an_applicant",
            ),
        ]

    def __str__(self) -> str:
        return self.reference
