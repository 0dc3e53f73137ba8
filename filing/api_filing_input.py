"""What an API client sends to start a case or file into one, read through the web form's own forms.

The JSON becomes the POST the filing form would send (``case-nature_en``,
``case-respondents-0-name_en``, ...) and is checked by :class:`~filing.forms.NewCaseForm` and
:class:`~filing.forms_drafts.FilingDetailsForm`: the same rules and the same messages as the web
form, with no second copy. Each form error comes back with a path into the JSON
(``case.parties[2].address_for_service``) so that a program can show it by the field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.forms import Form
from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import Schema

from .forms import NewCaseForm
from .forms_drafts import FilingDetailsForm
from .forms_new_case import SIDE_PREFIXES
from .models import CaseType, Party
from .services.summonses import is_summons_case_type

CASE_PREFIX = "case"


class PartyIn(Schema):
    """One party, as the originating document names it (ECF CaseParticipant)."""

    #: ``applicant`` (plaintiff, informant), ``respondent`` (defendant) or ``third_party``.
    side: str
    name_en: str = ""
    name_zh: str = ""
    #: ``person`` or ``company``.
    kind: str = Party.Kind.PERSON
    address_for_service: str = ""
    #: ``hkid``, ``passport``, ``br``, ``other``, or "" for none.
    id_kind: str = ""
    id_number: str = ""


class SummonsIn(Schema):
    """The offence of a summons (Magistrates' summons courts only)."""

    offence_en: str = ""
    offence_zh: str = ""
    ordinance: str = ""
    section: str = ""
    #: ``YYYY-MM-DD``.
    offence_date: str = ""
    offence_place: str = ""
    department_reference: str = ""
    officer_reference: str = ""


class CaseIn(Schema):
    """A new proceeding: the claim (or a summons's offence) and its parties, in the document's order."""

    nature_en: str = ""
    nature_zh: str = ""
    #: HK$, as the writ or claim states it (a case type with a claim limit only), e.g. "250000.00".
    amount_claimed: Decimal | None = None
    summons: SummonsIn | None = None
    parties: list[PartyIn] = []


class PartyRefIn(Schema):
    """A party of the case by its side and its place on that side (1 = first)."""

    side: str
    ordinal: int


class FieldError(Exception):
    """The request's fields are refused; ``errors`` lists ``(path, message)``, in order."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(errors[0][1] if errors else "")
        self.errors = errors


def _form_errors(form: Form, path: str, *, names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    found = []
    for field, messages in form.errors.items():
        where = path if field == "__all__" else f"{path}.{(names or {}).get(field, field)}".lstrip(".")
        found += [(where or "request", str(message)) for message in messages]
    return found


def case_form_data(case: CaseIn, case_type: CaseType) -> tuple[QueryDict, dict[str, list[int]]]:
    """The web form's POST for ``case``, and for each side the indexes in ``case.parties`` of its rows."""
    bad_sides = [index for index, party in enumerate(case.parties) if party.side not in SIDE_PREFIXES]
    if bad_sides:
        raise FieldError(
            [
                (f"case.parties[{index}].side", _("A party's side is applicant, respondent or third_party."))
                for index in bad_sides
            ]
        )
    if case.summons is not None and not is_summons_case_type(case_type):
        raise FieldError([("case.summons", _("Only a summons in a Magistrates' summons court has offence details."))])
    sides = {party.side for party in case.parties}
    if not {Party.Side.APPLICANT, Party.Side.RESPONDENT} <= sides:
        raise FieldError([("case.parties", _("Name at least one party on each side."))])
    data = QueryDict(mutable=True)
    data[f"{CASE_PREFIX}-nature_en"] = case.nature_en
    data[f"{CASE_PREFIX}-nature_zh"] = case.nature_zh
    if case.amount_claimed is not None:
        data[f"{CASE_PREFIX}-amount_claimed"] = str(case.amount_claimed)
    for name, value in (case.summons.dict() if case.summons is not None else {}).items():
        data[f"{CASE_PREFIX}-{name}"] = value
    rows: dict[str, list[int]] = {}
    for side, prefix in SIDE_PREFIXES.items():
        rows[side] = [index for index, party in enumerate(case.parties) if party.side == side]
        data[f"{CASE_PREFIX}-{prefix}-TOTAL_FORMS"] = str(len(rows[side]))
        data[f"{CASE_PREFIX}-{prefix}-INITIAL_FORMS"] = "0"
        for row, index in enumerate(rows[side]):
            party = case.parties[index]
            for name in ("name_en", "name_zh", "kind", "address_for_service", "id_kind", "id_number"):
                data[f"{CASE_PREFIX}-{prefix}-{row}-{name}"] = getattr(party, name)
    return data, rows


def new_case_form_checked(case: CaseIn, case_type: CaseType) -> QueryDict:
    """The web form's POST for ``case``, once :class:`NewCaseForm` accepts it; else :class:`FieldError`."""
    data, rows = case_form_data(case, case_type)
    form = NewCaseForm(data, prefix=CASE_PREFIX, case_type=case_type)
    if form.is_valid():
        return data
    summons_names = set(SummonsIn.model_fields)
    names = {name: f"summons.{name}" for name in summons_names}
    found = _form_errors(form, "case", names=names)
    for side, formset in form.formsets.items():
        found += [("case.parties", str(message)) for message in formset.non_form_errors()]
        for row, party_form in enumerate(formset.forms):
            index = rows[side][row] if row < len(rows[side]) else row
            found += _form_errors(party_form, f"case.parties[{index}]")
    raise FieldError(found or [("case", _("Complete the case's details before you submit."))])


def filing_details_checked(
    *, filer_reference: str, filed_for: PartyRefIn | None, parties: QuerySet[Party] | None
) -> FilingDetailsForm:
    """The web form's "Your reference" and "Filed for", checked as the form checks them."""
    party_id = ""
    if filed_for is not None and parties is not None:
        chosen = parties.filter(side=filed_for.side, ordinal=filed_for.ordinal).first()
        party_id = str(chosen.pk) if chosen is not None else "0"  # not one of the choices: the form says so
    form = FilingDetailsForm({"filer_reference": filer_reference, "for_party": party_id}, parties=parties, prefix=None)
    if not form.is_valid():
        raise FieldError(_form_errors(form, "", names={"for_party": "filed_for"}))
    return form


def refused_body(errors: list[tuple[str, str]]) -> dict[str, Any]:
    """The 400 body: the first message as ``detail``, and every field's."""
    return {
        "detail": errors[0][1] if errors else _("The request was refused."),
        "errors": [{"field": field, "message": message} for field, message in errors],
    }
