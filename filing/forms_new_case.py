"""The new-case form: the claim, and any number of parties on each side.

One form object holds three formsets of party rows (applicants, respondents, third
parties). The view binds it to ``request.POST`` alone, asks :attr:`NewCaseForm.adding_row`
first ("Add another defendant", a submit button that works without JavaScript), then
:meth:`NewCaseForm.is_valid` and :meth:`NewCaseForm.new_case`. Each row names its errors
("Defendant 2: …") next to its fields and in the page's one error summary (icms_forms).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.forms.renderers import BaseRenderer
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from icms.core.languages import in_language

from .claim_limits import claim_amount_asked, claim_amount_check, claim_limits
from .forms_summons import SUMMONS_FIELD_NAMES, nature_of, summons_clean, summons_fields, summons_input
from .models import CaseType, Party
from .party_ids import party_id_check
from .services.submissions import NewCase, NewParty
from .services.summonses import is_summons_case_type

# Far more than any originating document names; a bound on what one POST may make us build.
MAX_PARTIES_PER_SIDE = 50
SIDES: tuple[str, ...] = (Party.Side.APPLICANT, Party.Side.RESPONDENT, Party.Side.THIRD_PARTY)
# The formset of each side, by its prefix inside the form's ("case-applicants-0-name_en").
SIDE_PREFIXES: dict[str, str] = {
    Party.Side.APPLICANT: "applicants",
    Party.Side.RESPONDENT: "respondents",
    Party.Side.THIRD_PARTY: "third_parties",
}
# The name of the "Add another …" buttons inside the form's prefix; the value is the side.
ADD_ROW = "add_party"


def role_name(case_type: CaseType | None, side: str) -> str:
    """The name of a side's role on the case type, in the reader's language ("Defendant", "被告人")."""
    if case_type is None:
        if side == Party.Side.APPLICANT:
            return str(_("Applicant"))
        return str(_("Respondent") if side == Party.Side.RESPONDENT else _("Third party"))
    role_en, role_zh = case_type.role_names(side)
    return in_language(role_en, role_zh)


def party_label(case_type: CaseType | None, side: str, number: int) -> str:
    """A party's row as the form names it: "Plaintiff 1", "第2被告人"."""
    return str(_("%(role)s %(number)s") % {"role": role_name(case_type, side), "number": number})


class PartyForm(forms.Form):
    """One party as the originating document names it."""

    name_en = forms.CharField(
        label=_("Name in English"),
        max_length=255,
        required=False,
        help_text=_("Give the name in English, in Chinese, or both."),
    )
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("The party is"), choices=Party.Kind.choices, initial=Party.Kind.PERSON)
    address_for_service = forms.CharField(
        label=_("Address for service"),
        required=False,
        error_messages={"required": _("Give the address for service.")},
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where documents in the case are to be served: a Hong Kong address."),
    )
    id_kind = forms.ChoiceField(
        label=_("Identity document"),
        required=False,
        choices=[("", _("None given")), *Party.IdKind.choices],
    )
    id_number = forms.CharField(
        label=_("Identity document number"),
        max_length=40,
        required=False,
        help_text=_("Optional. Kept encrypted, and only ever shown in part, for example A123***(*)."),
        # An identity number is kept out of the browser's stores (as on the profile's HKID).
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def __init__(
        self,
        *args: Any,
        side: str,
        address_required: bool,
        error_group: str,
        own_details: bool,
        id_required: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.side = side
        self.error_group = error_group
        self.address_required = address_required
        # A summons defendant: served at the address, and enquires about the summons with the ID.
        self.id_required = id_required
        self.fields["address_for_service"].required = address_required
        if id_required:
            self.fields["id_number"].help_text = _(
                "Kept encrypted, and only ever shown in part. The defendant enquires about the summons "
                "with its last four characters."
            )
        if not address_required:
            self.fields["address_for_service"].help_text = _("Optional. Where documents are to be served, if known.")
        # WCAG 1.3.5: the tokens describe the person filling in the form, so only the filer's own
        # party (the first applicant) carries them; the others are somebody else's name and address.
        tokens = {"name_en": "name", "address_for_service": "street-address"} if own_details else {}
        for name in ("name_en", "address_for_service"):
            self.fields[name].widget.attrs["autocomplete"] = tokens.get(name, "off")
        # The Chinese name never carries "name": a browser would fill in the English one.
        self.fields["name_zh"].widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name_en", "").strip() or data.get("name_zh", "").strip()):
            self.add_error("name_en", _("Give the name in English, in Chinese, or both."))
        if self.id_required and not (data.get("id_kind") and data.get("id_number", "").strip()):
            self.add_error("id_number", _("Give the defendant's identity document and its number."))
            return data
        try:
            party_id_check(data.get("id_kind", ""), data.get("id_number", ""))
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def new_party(self) -> NewParty:
        data = self.cleaned_data
        return NewParty(
            name_en=data["name_en"],
            name_zh=data["name_zh"],
            kind=data["kind"],
            address_for_service=data["address_for_service"],
            id_kind=data["id_kind"],
            id_number=data["id_number"],
        )


class BasePartyFormSet(BaseFormSet[PartyForm]):
    """The parties on one side, in order. Rows left blank are left out (any but the first required)."""

    # Set by formset_factory (and by Django's __init__); django-stubs does not declare it.
    renderer: BaseRenderer

    def __init__(self, *args: Any, case_type: CaseType, side: str, own_details: bool, **kwargs: Any) -> None:
        self.case_type = case_type
        self.side = side
        self.own_details = own_details
        super().__init__(*args, **kwargs)

    @property
    def role(self) -> str:
        return role_name(self.case_type, self.side)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        number = (index or 0) + 1
        defendant = self.side == Party.Side.RESPONDENT and is_summons_case_type(self.case_type)
        return {
            "side": self.side,
            "address_required": self.side == Party.Side.APPLICANT or defendant,
            "id_required": defendant,
            "error_group": party_label(self.case_type, self.side, number) if index is not None else "",
            "own_details": self.own_details and index == 0,
            # A blank row is left out, even one carried over from an "Add another" round trip;
            # the required rows (min_num) never are.
            "empty_permitted": index is None or index >= self.min_num,
        }

    @property
    def empty_form(self) -> PartyForm:
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            use_required_attribute=False,
            renderer=self.renderer,
            **self.get_form_kwargs(None),
        )
        self.add_fields(form, None)
        return form

    def filled_forms(self) -> list[PartyForm]:
        """The rows with a party in them, in order (after validation)."""
        return [form for form in self.forms if form.has_changed() or not form.empty_permitted]


def _party_formset(min_num: int) -> type[BasePartyFormSet]:
    # formset_factory returns a subclass of the formset it is given; django-stubs types it as the base.
    return cast(
        type[BasePartyFormSet],
        formset_factory(
            PartyForm,
            formset=BasePartyFormSet,
            extra=0,
            min_num=min_num,
            max_num=MAX_PARTIES_PER_SIDE,
            validate_max=True,
        ),
    )


@dataclass(frozen=True)
class PartySection:
    """One side of the case as the page shows it (filing/_new_case_fields.html)."""

    side: str
    formset: BasePartyFormSet
    intro: str
    add_label: str
    at_most: bool  # the side has as many rows as one form takes: no "Add another" button


SIDE_INTROS: dict[str, Any] = {
    Party.Side.APPLICANT: _(
        "Your side: each party starting the case, in the order the originating document names them."
    ),
    Party.Side.RESPONDENT: _("The other side: each party the case is brought against, in the same order."),
    Party.Side.THIRD_PARTY: _("Third parties: only if the originating document names any. Leave this out otherwise."),
}

# At least one applicant and one respondent; third parties are optional, none at first.
PARTY_FORMSETS: dict[str, type[BasePartyFormSet]] = {
    Party.Side.APPLICANT: _party_formset(1),
    Party.Side.RESPONDENT: _party_formset(1),
    Party.Side.THIRD_PARTY: _party_formset(0),
}


class NewCaseForm(forms.Form):
    """The claim and the parties of a new proceeding. The filer's side comes first.

    Built as ``NewCaseForm(request.POST or None, prefix="case", case_type=..., initial=new_case_initial(user))``.
    When the POST pressed an "Add another …" button, :attr:`adding_row` is true and the form
    is already the page to show again: unbound, filled with what was typed, with one more
    blank row on that side. Nothing is validated and nothing is filed.
    """

    nature_en = forms.CharField(label=_("Nature of the claim (English)"), max_length=255, required=False)
    nature_zh = forms.CharField(label=_("Nature of the claim (Chinese)"), max_length=255, required=False)
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed (HK$)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("As the writ or claim states it, in Hong Kong dollars, for example 250000.00."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(
        self, data: Any = None, *, case_type: CaseType, initial: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data, initial=initial, **kwargs)
        self.case_type = case_type
        data = self._with_no_third_parties_by_default(data)
        self.is_summons = is_summons_case_type(case_type)
        # Read once: whether the amount is asked for, and later the limit it is checked against.
        self.claim_limits = claim_limits(case_type)
        if not claim_amount_asked(case_type, limits=self.claim_limits) or self.is_summons:
            del self.fields["amount_claimed"]
        if self.is_summons:
            # A summons states the offence, which is also the case's nature (filing/forms_summons.py).
            del self.fields["nature_en"], self.fields["nature_zh"]
            self.fields.update(summons_fields())
        applicant = {key.removeprefix("applicant_"): v for key, v in (initial or {}).items()}
        self.own_details = bool(applicant)
        self.adding_side = self._side_to_add()
        self.formsets: dict[str, BasePartyFormSet] = {
            side: PARTY_FORMSETS[side](
                data,
                prefix=self.add_prefix(SIDE_PREFIXES[side]),
                initial=[applicant] if side == Party.Side.APPLICANT and applicant else None,
                case_type=case_type,
                side=side,
                own_details=self.own_details and side == Party.Side.APPLICANT,
            )
            for side in SIDES
        }
        if self.adding_side:
            self._show_again_with_a_row_added()

    # --- The parts, for templates and the error summary -----------------------------------

    @property
    def applicants(self) -> BasePartyFormSet:
        return self.formsets[Party.Side.APPLICANT]

    @property
    def respondents(self) -> BasePartyFormSet:
        return self.formsets[Party.Side.RESPONDENT]

    @property
    def third_parties(self) -> BasePartyFormSet:
        return self.formsets[Party.Side.THIRD_PARTY]

    @property
    def asks_amount(self) -> bool:
        """Whether this kind of case states the amount claimed (it has a claim limit)."""
        return "amount_claimed" in self.fields

    @property
    def offence_fields(self) -> list[forms.BoundField]:
        """A summons's "The offence" fieldset, in the page's order (none for another case type)."""
        return [self[name] for name in SUMMONS_FIELD_NAMES] if self.is_summons else []

    @property
    def sections(self) -> list[PartySection]:
        """Each side's rows with what the page says about them, in the page's order.

        A summons names no third parties: the informant, and the defendants.
        """
        return [
            PartySection(
                side=side,
                formset=self.formsets[side],
                intro=str(SIDE_INTROS[side]),
                add_label=str(_("Add another %(role)s") % {"role": role_name(self.case_type, side).lower()}),
                at_most=len(self.formsets[side].forms) >= MAX_PARTIES_PER_SIDE,
            )
            for side in SIDES
            if not (self.is_summons and side == Party.Side.THIRD_PARTY)
        ]

    @property
    def error_parts(self) -> list[BasePartyFormSet]:
        """The formsets whose errors are this form's too, in the page's order (icms_forms)."""
        return [self.formsets[side] for side in SIDES]

    @property
    def adding_row(self) -> bool:
        """Whether the POST pressed an "Add another …" button rather than submitting."""
        return self.adding_side is not None

    @property
    def add_row_name(self) -> str:
        """The name of the "Add another …" buttons; each one's value is its side."""
        return self.add_prefix(ADD_ROW)

    def _with_no_third_parties_by_default(self, data: Any) -> Any:
        """A POST that says nothing of third parties (an older page, a script) names none."""
        if data is None:
            return None
        prefix = self.add_prefix(SIDE_PREFIXES[Party.Side.THIRD_PARTY])
        if f"{prefix}-TOTAL_FORMS" in data:
            return data
        data = data.copy()
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = "0"
        return data

    def _side_to_add(self) -> str | None:
        if not self.is_bound:
            return None
        side = self.data.get(self.add_prefix(ADD_ROW))
        return side if side in SIDES else None

    def _show_again_with_a_row_added(self) -> None:
        """Become the unbound form showing what was posted, with one more blank row on the side."""
        values = {name: self[name].value() for name in self.fields}
        rebuilt: dict[str, BasePartyFormSet] = {}
        for side, formset in self.formsets.items():
            rows = [{name: form[name].value() for name in form.fields} for form in formset.forms]
            if side == self.adding_side and len(rows) < MAX_PARTIES_PER_SIDE:
                rows.append({})
            rebuilt[side] = PARTY_FORMSETS[side](
                prefix=formset.prefix,
                initial=rows or None,
                case_type=self.case_type,
                side=side,
                own_details=formset.own_details,
            )
        self.formsets = rebuilt
        self.is_bound = False
        self.data = MultiValueDict()
        self.initial = values
        # Each BoundField keeps the initial it first read; django-stubs does not declare the cache.
        self._bound_fields_cache.clear()  # type: ignore[attr-defined]
        # Move the keyboard to the new row's first field (no error summary takes focus here).
        new_rows = self.formsets[cast(str, self.adding_side)].forms
        if new_rows:
            new_rows[-1].fields["name_en"].widget.attrs["autofocus"] = True

    # --- Validation --------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_summons:
            summons_clean(self, data)
        elif not (data.get("nature_en", "").strip() or data.get("nature_zh", "").strip()):
            self.add_error("nature_en", _("Describe the claim briefly, in English or Chinese."))
        if "amount_claimed" in self.fields and data.get("amount_claimed") is not None:
            try:
                claim_amount_check(case_type=self.case_type, amount=data["amount_claimed"], limits=self.claim_limits)
            except ValidationError as error:
                self.add_error("amount_claimed", error)
        return data

    def is_valid(self) -> bool:
        """The claim and every party row; all are checked, so that every error shows at once."""
        results = [super().is_valid()] + [formset.is_valid() for formset in self.error_parts]
        return all(results)

    def new_case(self) -> NewCase:
        """The new proceeding the valid form describes, for ``submission_create``."""
        data = self.cleaned_data
        parties = {side: [form.new_party() for form in self.formsets[side].filled_forms()] for side in SIDES}
        summons = summons_input(data) if self.is_summons else None
        return NewCase(
            case_type=self.case_type,
            nature_en=nature_of(summons.offence_en) if summons else data["nature_en"],
            nature_zh=nature_of(summons.offence_zh) if summons else data["nature_zh"],
            applicants=parties[Party.Side.APPLICANT],
            respondents=parties[Party.Side.RESPONDENT],
            third_parties=[] if summons else parties[Party.Side.THIRD_PARTY],
            amount_claimed=data.get("amount_claimed"),
            summons=summons,
        )


def new_case_initial(user: User | AnonymousUser) -> dict[str, str]:
    """What the new-case form need not ask an Individual User again (WCAG 3.3.7): acting in person,
    they are the first applicant, named as at registration (surname in capitals first, as court
    documents do)."""
    if not isinstance(user, User) or user.kind != User.Kind.INDIVIDUAL:
        return {}
    name_en = " ".join(part for part in (user.last_name.upper(), user.first_name) if part)
    return {"applicant_name_en": name_en, "applicant_name_zh": user.name_zh, "applicant_kind": Party.Kind.PERSON}
