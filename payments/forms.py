"""Forms of the payment screens."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import CourtLevel, FeeItem, PaymentMethod, Refund

MAX_QUANTITY = 50


class CourtForm(forms.Form):
    court = forms.ChoiceField(label=_("Court"), choices=CourtLevel.choices, initial=CourtLevel.DISTRICT)


class QuantitiesForm(forms.Form):
    """One number field per fee item in force: how many of each to quote."""

    def __init__(self, *args: object, items: list[FeeItem], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.items = items
        for item in items:
            self.fields[f"qty_{item.code}"] = forms.IntegerField(
                label=item.description,
                min_value=0,
                max_value=MAX_QUANTITY,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def codes(self) -> list[str]:
        """The quoted items, each code repeated by its quantity."""
        codes: list[str] = []
        for item in self.items:
            codes += [item.code] * (self.cleaned_data.get(f"qty_{item.code}") or 0)
        return codes

    def rows(self) -> list[tuple[FeeItem, forms.BoundField]]:
        return [(item, self[f"qty_{item.code}"]) for item in self.items]


class PayStandaloneForm(forms.Form):
    """Pay a search or inspection fee straight from the calculator."""

    court = forms.ChoiceField(choices=CourtLevel.choices, widget=forms.HiddenInput)
    items = forms.CharField(widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex


class GatewayMethodForm(forms.Form):
    method = forms.ChoiceField(
        choices=[(PaymentMethod.CARD, _("Card")), (PaymentMethod.PPS, _("PPS")), (PaymentMethod.FPS, _("FPS"))]
    )


class TopUpForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (HK$)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reference = forms.CharField(label=_("Bank or cheque reference"), max_length=100)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class RefundRejectForm(forms.Form):
    """Why the accounts office rejects a refund: the payer reads the reason in their language, the note as written."""

    reason = forms.ChoiceField(
        label=_("Reason, as the payer will read it"),
        choices=[("", _("Choose a reason")), *Refund.RejectionReason.choices],
    )
    note = forms.CharField(
        label=_("Note to the payer"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the payer as written. Needed when the reason is the accounts office's note."),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("reason") == Refund.RejectionReason.OTHER and not str(data.get("note", "")).strip():
            self.add_error("note", _("Write the reason in the note: the payer reads it."))
        return data


class OpenDepositAccountForm(forms.Form):
    """The primary administrator accepts the deposit account terms (the version they read)."""

    accept_terms = forms.BooleanField(
        label=_("I have read and accept the deposit account terms on behalf of my organisation"),
        required=True,
        error_messages={"required": _("To open a deposit account, accept its terms.")},
    )
    terms_version = forms.CharField(max_length=20, widget=forms.HiddenInput)


TOP_UP_METHOD_CHOICES = [(PaymentMethod.CARD, _("Card")), (PaymentMethod.FPS, _("FPS"))]


class TopUpOnlineForm(forms.Form):
    """A top-up paid through the gateway, by card or FPS."""

    amount = forms.DecimalField(
        label=_("Amount (HK$)"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    method = forms.ChoiceField(label=_("Pay by"), choices=TOP_UP_METHOD_CHOICES, widget=forms.RadioSelect)
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(
        self, *args: object, minimum: Decimal, maximum: Decimal, methods: list[str], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        amount = self.fields["amount"]
        amount.validators += [MinValueValidator(minimum), MaxValueValidator(maximum)]
        amount.widget.attrs.update(min=str(minimum), max=str(maximum))
        amount.help_text = _("At least HK$%(minimum)s and at most HK$%(maximum)s.") % {
            "minimum": f"{minimum:,.2f}",
            "maximum": f"{maximum:,.2f}",
        }
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)  # noqa: S101  (narrowing for mypy)
        method.choices = [(value, label) for value, label in TOP_UP_METHOD_CHOICES if value in methods]
