"""On a case's admin page: who is on record for each party, and the respondents' case access codes.

Registry supervisors (who may change parties) may put an organisation or a party in
person on record for a party, or take whoever is on record off it
(filing/services/representation.py); registry clerks (who decide filings) may revoke a
respondent's access code and issue a new one (filing/services/joining.py). Each needs
a reason, which the audit log keeps. A new code is shown once, on the page that issues
it, for the clerk to send to the party by post; it is never shown again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from icms.core.http import client_ip

from ..joining import access_code_format
from ..models import Case, CaseAccessCode, Party
from ..services.joining import access_code_reissue, access_code_revoke
from ..services.representation import representation_end, representation_start

ACCESS_CODE_PERMISSION = "filing.change_submission"
REPRESENTATION_PERMISSION = "filing.change_party"


class AccessCodeForm(forms.Form):
    action = forms.ChoiceField(
        label=_("What to do"),
        choices=[
            ("reissue", _("Revoke the current code and issue a new one")),
            ("revoke", _("Revoke the current code only")),
        ],
        widget=forms.RadioSelect,
        initial="reissue",
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log, such as “The defendant says the served copy was lost.”"),
    )


class RepresentationForm(forms.Form):
    action = forms.ChoiceField(
        label=_("What to do"),
        choices=[
            ("organisation", _("Put an organisation on record")),
            ("in_person", _("Put a registered user on record as a party in person")),
            ("end", _("Take whoever is on record off the record")),
        ],
        widget=forms.RadioSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(status=Organisation.Status.APPROVED).order_by("name_en"),
        required=False,
    )
    email = forms.EmailField(label=_("Email address of the party in person's account"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log and on the record of who acted, such as the court's order."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "organisation" and not data.get("organisation"):
            self.add_error("organisation", _("Choose the organisation."))
        if action == "in_person":
            user = User.objects.filter(email__iexact=data.get("email", ""), is_active=True).first()
            if user is None:
                self.add_error("email", _("No active account has this email address."))
            data["user"] = user
        return data


def _on_record(party: Party) -> str:
    if party.representative is not None:
        return str(party.representative)
    if party.user is not None:
        return gettext("%(name)s, in person") % {"name": party.user.get_full_name() or party.user.email}
    return gettext("Nobody")


class CaseJoiningAdminMixin(admin.ModelAdmin[Case]):
    """The case page's "Parties on record and access codes" section, and its two pages."""

    @admin.display(description=_("parties on record and access codes"))
    def parties_on_record(self, case: Case) -> SafeString:
        if case.pk is None:
            return SafeString("—")
        parties = case.parties.select_related("representative", "user").order_by("side", "ordinal")
        current = {row.party_id: row for row in CaseAccessCode.objects.filter(case=case, revoked_at__isnull=True)}
        rows = []
        for party in parties:
            code = current.get(party.pk)
            if party.side == Party.Side.RESPONDENT and case.number is not None:
                code_text = (
                    gettext("issued %(date)s") % {"date": code.issued_at.date().isoformat()}
                    if code is not None
                    else gettext("none")
                )
                code_link = format_html(
                    ' · <a href="{}">{}</a>',
                    reverse("admin:filing_case_access_code", args=[case.pk, party.pk]),
                    gettext("Revoke or issue a new code"),
                )
            else:
                code_text, code_link = "—", SafeString("")
            rows.append(
                (
                    party.get_side_display(),
                    party.ordinal,
                    str(party),
                    _on_record(party),
                    reverse("admin:filing_case_representation", args=[case.pk, party.pk]),
                    gettext("Change who is on record"),
                    code_text,
                    code_link,
                )
            )
        body = format_html_join(
            "",
            '<tr><td>{} {}</td><td>{}</td><td>{} · <a href="{}">{}</a></td><td>{}{}</td></tr>',
            rows,
        )
        return format_html(
            '<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            gettext("Side"),
            gettext("Party"),
            gettext("On record"),
            gettext("Case access code"),
            body,
        )

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:case_id>/party/<int:party_id>/access-code/",
                wrap(self.access_code_view),
                name="filing_case_access_code",
            ),
            path(
                "<int:case_id>/party/<int:party_id>/representation/",
                wrap(self.representation_view),
                name="filing_case_representation",
            ),
            *super().get_urls(),
        ]

    def _party(self, request: HttpRequest, case_id: int, party_id: int, *, permission: str) -> tuple[Party, User]:
        if not isinstance(request.user, User) or not request.user.has_perm(permission):
            raise PermissionDenied
        party = get_object_or_404(Party.objects.select_related("case__case_type", "representative"), pk=party_id)
        if party.case_id != case_id:
            raise PermissionDenied
        return party, request.user

    def _page(self, request: HttpRequest, party: Party, template: str, **context: Any) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "party": party,
                "case": party.case,
                "on_record": _on_record(party),
                **context,
            },
        )

    def access_code_view(self, request: HttpRequest, case_id: int, party_id: int) -> HttpResponseBase:
        # Those who decide filings (registry clerks) issue the codes when they accept a writ.
        party, actor = self._party(request, case_id, party_id, permission=ACCESS_CODE_PERMISSION)
        form = AccessCodeForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                if form.cleaned_data["action"] == "revoke":
                    access_code_revoke(party=party, actor=actor, reason=reason, ip_address=client_ip(request))
                    new_code = ""
                else:
                    new_code = access_code_reissue(
                        party=party, actor=actor, reason=reason, ip_address=client_ip(request)
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if not new_code:
                    self.message_user(request, gettext("The access code of %(party)s is revoked.") % {"party": party})
                    return HttpResponseRedirect(reverse("admin:filing_case_change", args=[case_id]))
                # Shown once, here: it is not kept in a message or anywhere the clerk can reach it again.
                return self._page(
                    request,
                    party,
                    "admin/filing/case/access_code_issued.html",
                    title=gettext("New case access code"),
                    code=access_code_format(new_code),
                )
        current = CaseAccessCode.objects.filter(party=party, revoked_at__isnull=True).first()
        return self._page(
            request,
            party,
            "admin/filing/case/access_code.html",
            title=gettext("Case access code"),
            form=form,
            current=current,
        )

    def representation_view(self, request: HttpRequest, case_id: int, party_id: int) -> HttpResponseBase:
        # Those who may correct a case's parties (registry supervisors).
        party, actor = self._party(request, case_id, party_id, permission=REPRESENTATION_PERMISSION)
        form = RepresentationForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "end":
                    representation_end(party=party, actor=actor, reason=data["reason"], ip_address=client_ip(request))
                else:
                    representation_start(
                        party=party,
                        actor=actor,
                        reason=data["reason"],
                        organisation=data.get("organisation") if data["action"] == "organisation" else None,
                        user=data.get("user") if data["action"] == "in_person" else None,
                        ip_address=client_ip(request),
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, gettext("Who is on record for %(party)s is changed.") % {"party": party})
                return HttpResponseRedirect(reverse("admin:filing_case_change", args=[case_id]))
        history = party.representations.select_related("organisation", "in_person").order_by("-started_at")
        return self._page(
            request,
            party,
            "admin/filing/case/representation.html",
            title=gettext("Who is on record"),
            form=form,
            history=history,
        )
