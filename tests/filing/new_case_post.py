"""The new-case form's fields as a browser posts them (filing.forms_new_case.NewCaseForm).

Each side is a formset inside the form's ``case`` prefix: ``case-applicants-0-name_en``,
with its management form. Tests that start a case through the page build their POST here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SIDE_PREFIXES = {
    "applicants": "case-applicants",
    "respondents": "case-respondents",
    "third_parties": "case-third_parties",
}

ADDRESS = "Flat A, 12/F, Harbour Building, 1 Queen's Road Central, Hong Kong"


def party_rows(prefix: str, rows: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """One side's rows and its management form."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in {"kind": "person", **row}.items()})
    return data


def new_case_data(
    *,
    nature_en: str = "Money claim",
    amount_claimed: str | None = "250000.00",
    applicants: Sequence[Mapping[str, str]] = ({"name_en": "CHAN Tai Man", "address_for_service": ADDRESS},),
    respondents: Sequence[Mapping[str, str]] = ({"name_en": "GOLDEN HARBOUR LIMITED", "kind": "company"},),
    third_parties: Sequence[Mapping[str, str]] = (),
) -> dict[str, str]:
    """The claim and parties of a new case, ready to merge into a POST of the filing form."""
    data = {"case-nature_en": nature_en}
    if amount_claimed is not None:
        data["case-amount_claimed"] = amount_claimed
    for side, rows in (("applicants", applicants), ("respondents", respondents), ("third_parties", third_parties)):
        data.update(party_rows(SIDE_PREFIXES[side], rows))
    return data
