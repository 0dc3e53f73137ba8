"""A summons case's own details: the offence, the prosecutor and the department's reference."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from ..models import Case, CaseType, Court, SummonsDetails
from .filing_input import SubmissionRefused, SummonsInput


def is_summons_case_type(case_type: CaseType) -> bool:
    """Whether cases of ``case_type`` are summonses in a Magistrates' summons court."""
    return case_type.court.level == Court.Level.MAGISTRATES


def summons_details_create(*, case: Case, summons: SummonsInput | None, organisation: Organisation | None) -> None:
    """Record ``summons`` for the new ``case`` (inside the filing's transaction).

    A summons case must have its details and any other case must not. A department's
    reference is filed once: the same reference again is refused with the case it is in.
    """
    if not is_summons_case_type(case.case_type):
        if summons is not None:
            raise SubmissionRefused(_("Only a summons in a Magistrates' summons court has offence details."))
        return
    if summons is None:
        raise SubmissionRefused(
            _("Give the offence, the ordinance and section, and the date and place of the offence.")
        )
    SummonsDetails.objects.filter(case=case).delete()  # a returned summons filed again replaces its details
    if organisation is not None:
        taken = SummonsDetails.objects.filter(
            prosecutor=organisation, department_reference=summons.department_reference.strip()
        ).exclude(case=case)
        if taken.exists():
            raise SubmissionRefused(
                _("Your department's reference %(reference)s is already on another summons.")
                % {"reference": summons.department_reference.strip()},
                code="duplicate_reference",
            )
    details = SummonsDetails(
        case=case,
        offence_en=summons.offence_en.strip(),
        offence_zh=summons.offence_zh.strip(),
        ordinance=summons.ordinance.strip(),
        section=summons.section.strip(),
        offence_date=summons.offence_date,
        offence_place=summons.offence_place.strip(),
        prosecutor=organisation,
        officer_reference=summons.officer_reference.strip(),
        department_reference=summons.department_reference.strip(),
    )
    try:
        details.full_clean(exclude=["case"])
    except ValidationError as error:
        raise SubmissionRefused(error.messages[0]) from None
    details.save()
