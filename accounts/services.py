"""State changes for accounts and organisations.

Each function is one user action: atomic, keyword-only, and it writes its audit row
in the same transaction. Rules of the iCMS account model (icms-reference §5) are
enforced here, not only in templates:

* an organisation cannot file until registry staff approve it;
* administrators manage members and cannot file (see :func:`accounts.selectors.filing_eligibility`);
* only the primary administrator appoints or demotes secondary administrators,
  changes the MFA rule, and hands the primary role on;
* nobody removes the primary administrator; the role is transferred first.

An actor without the right raises ``PermissionDenied``; a request that breaks a rule
raises ``ValidationError`` with a message for the user.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from icms.core.audit import AuditEventType, audit_record
from icms.core.email import absolute_url, email_enqueue_in_languages
from icms.core.messages import render_text

from .hkid import hkid_mask, hkid_normalise
from .models import Invitation, Membership, Organisation, User
from .selectors import email_is_verified, is_staff_user
from .telephone import validate_telephone
from .tokens import token_hash

INVITATION_VALID_FOR = timedelta(days=getattr(settings, "ACCOUNTS_INVITATION_DAYS", 7))


def _notify(*, to: str, language: str, template: str, context: dict[str, object]) -> None:
    """Owe an email to ``to`` in the outbox (sent after commit): in the recipient's language,
    with the other language below it (plain text, never HTML-escaped: "Chan & Co")."""

    def render(language: str) -> tuple[str, str]:
        return (
            render_text(f"accounts/email/{template}_subject.txt", context, language=language),
            render_text(f"accounts/email/{template}_message.txt", context, language=language),
        )

    email_enqueue_in_languages(to=to, language=language or settings.LANGUAGE_CODE, render=render)


def _active_membership(user: User, organisation: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=organisation, deactivated_at__isnull=True).first()


def _require_admin(actor: User, organisation: Organisation) -> Membership:
    membership = _active_membership(actor, organisation)
    if membership is None or not membership.is_admin:
        raise PermissionDenied("Only the organisation's administrators may do this.")
    return membership


def _require_primary(actor: User, organisation: Organisation) -> Membership:
    membership = _require_admin(actor, organisation)
    if membership.role != Membership.Role.PRIMARY_ADMIN:
        raise PermissionDenied("Only the primary administrator may do this.")
    return membership


def _require_decider(actor: User) -> None:
    if not (is_staff_user(actor) and actor.has_perm("accounts.decide_organisation")):
        raise PermissionDenied("Only registry staff may decide organisation applications.")


# --- Profile ----------------------------------------------------------------------


@transaction.atomic
def profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    name_zh: str,
    preferred_language: str,
    hkid: str | None = None,
    hearing_reminders: bool | None = None,
    ip_address: str | None = None,
) -> User:
    """Correct the user's own personal data. ``hkid=None`` keeps the number on file; ``""`` removes it.

    ``hearing_reminders`` turns the email on the working day before each hearing on or off
    (None leaves it as it is).
    """
    before = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "name_zh": user.name_zh,
        "preferred_language": user.preferred_language,
        "hkid": user.hkid_masked,
        "hearing_reminders": user.hearing_reminders,
    }
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.name_zh = name_zh.strip()
    user.preferred_language = preferred_language
    if hkid is not None:
        user.hkid = hkid_normalise(hkid)
    if hearing_reminders is not None:
        user.hearing_reminders = hearing_reminders
    user.full_clean(exclude=["password"])
    user.save()
    changed = ("first_name", "last_name", "name_zh", "preferred_language", "hearing_reminders")
    after = {**before, **{k: getattr(user, k) for k in changed}}
    after["hkid"] = hkid_mask(user.hkid)
    audit_record(
        event_type=AuditEventType.ACCOUNT_PROFILE_UPDATED,
        actor=user,
        target=user,
        before=before,
        after=after,
        ip_address=ip_address,
    )
    return user


# --- Organisation applications ---------------------------------------------------------


@transaction.atomic
def organisation_apply(
    *,
    applicant: User,
    type: str,
    name_en: str,
    name_zh: str = "",
    address: str = "",
    telephone: str = "",
    ip_address: str | None = None,
) -> Organisation:
    """A prospective primary administrator applies to register an organisation.

    The applicant's account becomes the organisation's primary administrator account
    (an administrator account, which cannot file). It must be a verified individual
    account that is not yet in an organisation and is not a party in person.
    """
    applicant = User.objects.select_for_update().get(pk=applicant.pk)
    if is_staff_user(applicant):
        raise PermissionDenied("Staff accounts cannot apply for an organisation.")
    if not email_is_verified(applicant):
        raise ValidationError(_("Verify your email address before you apply."), code="unverified")
    if Membership.objects.filter(user=applicant, deactivated_at__isnull=True).exists():
        raise ValidationError(_("Your account already belongs to an organisation."), code="already_member")
    if applicant.party_roles.exists():
        raise ValidationError(
            _(
                "This account is a party in person in a case. Register a separate account, with another "
                "email address, to administer an organisation."
            ),
            code="party_in_person",
        )
    if telephone.strip():
        validate_telephone(telephone.strip())
    organisation = Organisation(
        type=type,
        name_en=name_en.strip(),
        name_zh=name_zh.strip(),
        address=address.strip(),
        telephone=telephone.strip(),
        applied_by=applicant,
        status=Organisation.Status.APPLIED,
    )
    organisation.full_clean()
    organisation.save()
    membership = Membership(user=applicant, organisation=organisation, role=Membership.Role.PRIMARY_ADMIN)
    membership.full_clean()
    membership.save()
    applicant.kind = User.Kind.ORGANISATION
    applicant.save(update_fields=["kind", "updated_at"])
    audit_record(
        event_type=AuditEventType.ORGANISATION_APPLIED,
        actor=applicant,
        target=organisation,
        after={"type": type, "name_en": organisation.name_en, "name_zh": organisation.name_zh},
        ip_address=ip_address,
    )
    return organisation


def _organisation_decide(
    *,
    organisation: Organisation,
    actor: User,
    to: str,
    reason: str,
    event_type: AuditEventType,
    ip_address: str | None,
) -> Organisation:
    _require_decider(actor)
    allowed_from = {
        Organisation.Status.APPROVED: [Organisation.Status.APPLIED, Organisation.Status.SUSPENDED],
        Organisation.Status.REJECTED: [Organisation.Status.APPLIED],
        Organisation.Status.SUSPENDED: [Organisation.Status.APPROVED],
    }[Organisation.Status(to)]
    now = timezone.now()
    before = organisation.status
    # A guarded transition: a second decision on the same application changes nothing.
    updated = Organisation.objects.filter(pk=organisation.pk, status__in=allowed_from).update(
        status=to, status_reason=reason.strip(), decided_by=actor, decided_at=now, updated_at=now
    )
    if updated != 1:
        raise ValidationError(
            _("This organisation's status has changed: it is no longer open to this decision."), code="stale"
        )
    organisation.refresh_from_db()
    audit_record(
        event_type=event_type,
        actor=actor,
        target=organisation,
        before={"status": before},
        after={"status": to, "reason": organisation.status_reason},
        ip_address=ip_address,
    )
    applicant = organisation.applied_by
    if applicant is not None:
        _notify(
            to=applicant.email,
            language=applicant.preferred_language,
            template="organisation_decision",
            context={
                "organisation": organisation,
                "approved": to == Organisation.Status.APPROVED,
                "status": to,
                "reason": organisation.status_reason,
                "dashboard_url": absolute_url(reverse("accounts:dashboard")),
            },
        )
    return organisation


@transaction.atomic
def organisation_approve(*, organisation: Organisation, actor: User, ip_address: str | None = None) -> Organisation:
    """Registry staff approve an application (or lift a suspension); the applicant is told by email."""
    return _organisation_decide(
        organisation=organisation,
        actor=actor,
        to=Organisation.Status.APPROVED,
        reason="",
        event_type=AuditEventType.ORGANISATION_APPROVED,
        ip_address=ip_address,
    )


@transaction.atomic
def organisation_reject(
    *, organisation: Organisation, actor: User, reason: str, ip_address: str | None = None
) -> Organisation:
    """Registry staff reject an application, giving reasons; the applicant is told by email."""
    if not reason.strip():
        raise ValidationError(_("Give the reasons for the rejection."), code="reason_required")
    return _organisation_decide(
        organisation=organisation,
        actor=actor,
        to=Organisation.Status.REJECTED,
        reason=reason,
        event_type=AuditEventType.ORGANISATION_REJECTED,
        ip_address=ip_address,
    )


@transaction.atomic
def organisation_set_require_mfa(
    *, organisation: Organisation, actor: User, require_mfa: bool, ip_address: str | None = None
) -> Organisation:
    """The primary administrator requires (or stops requiring) two-factor authentication of all members."""
    _require_primary(actor, organisation)
    before = organisation.require_mfa
    organisation.require_mfa = require_mfa
    organisation.save(update_fields=["require_mfa", "updated_at"])
    audit_record(
        event_type=AuditEventType.ORGANISATION_MFA_RULE_CHANGED,
        actor=actor,
        target=organisation,
        before={"require_mfa": before},
        after={"require_mfa": require_mfa},
        ip_address=ip_address,
    )
    return organisation


# --- Invitations -------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    actor: User,
    email: str,
    role: str = Membership.Role.MEMBER,
    branch_code: str = "",
    sees_all_cases: bool = False,
    ip_address: str | None = None,
) -> tuple[Invitation, str]:
    """An administrator invites someone by email. Returns the invitation and its one-time token.

    Only the primary administrator may invite a secondary administrator. The token is
    emailed and never stored: the database keeps its SHA-256.
    """
    admin = _require_admin(actor, organisation)
    if not organisation.is_approved:
        raise ValidationError(_("You can invite members once the registry approves your organisation."))
    if role == Membership.Role.PRIMARY_ADMIN:
        raise ValidationError(_("The primary administrator role is transferred, not given by invitation."))
    if role == Membership.Role.SECONDARY_ADMIN and admin.role != Membership.Role.PRIMARY_ADMIN:
        raise PermissionDenied("Only the primary administrator may appoint secondary administrators.")
    email = User.objects.normalize_email(email.strip()).lower()
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, deactivated_at__isnull=True
    ).exists():
        raise ValidationError(_("This person is already a member of your organisation."), code="already_member")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        branch_code=branch_code.strip().upper(),
        sees_all_cases=sees_all_cases,
        token_hash=token_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        event_type=AuditEventType.INVITATION_CREATED,
        actor=actor,
        target=invitation,
        target_label=f"{email} → {organisation}",
        after={"email": email, "role": role, "branch_code": invitation.branch_code, "sees_all_cases": sees_all_cases},
        ip_address=ip_address,
    )
    invitee = User.objects.filter(email__iexact=email).only("preferred_language").first()
    _notify(
        to=email,
        # The invitee's own language if they have an account; else the language the inviter uses.
        language=invitee.preferred_language if invitee else (translation.get_language() or settings.LANGUAGE_CODE),
        template="invitation",
        context={
            "organisation": organisation,
            "invitation": invitation,
            "inviter": actor,
            "accept_url": absolute_url(reverse("accounts:invitation_accept", args=[token])),
        },
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation with this token, or ``None`` if it is forged, expired, used or revoked."""
    invitation = Invitation.objects.select_related("organisation").filter(token_hash=token_hash(token or "")).first()
    if invitation is None or not invitation.is_open:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User, ip_address: str | None = None) -> Membership:
    """The invited person accepts, signed in with the verified email address the invitation went to.

    The link works once and until it expires. Their account becomes an organisation account.
    """
    invitation = Invitation.objects.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid: it may have expired or been used."), "invalid")
    return invitation_join(invitation_id=invitation.pk, user=user, ip_address=ip_address)


@transaction.atomic
def invitation_join(*, invitation_id: int, user: User, ip_address: str | None = None) -> Membership:
    """``user`` joins the organisation in the invitation's role (by its link, or on verifying the
    email address of the account registered from it: :mod:`accounts.registration`)."""
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").filter(pk=invitation_id)
    ).first()
    if invitation is None or not invitation.is_open:
        raise ValidationError(_("This invitation link is not valid: it may have expired or been used."), "invalid")
    if user.email.lower() != invitation.email.lower() or not email_is_verified(user):
        raise ValidationError(
            _("This invitation was sent to another email address. Sign in with the account it was sent to."),
            code="wrong_account",
        )
    if is_staff_user(user):
        raise ValidationError(_("Staff accounts cannot join an organisation."), code="staff")
    if Membership.objects.filter(user=user, deactivated_at__isnull=True).exists():
        raise ValidationError(_("Your account already belongs to an organisation."), code="already_member")
    if user.party_roles.exists():
        raise ValidationError(
            _("This account is a party in person in a case. Register a separate account to join an organisation."),
            code="party_in_person",
        )
    if not invitation.organisation.is_approved:
        raise ValidationError(_("This organisation cannot take new members at present."), code="not_approved")
    now = timezone.now()
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    membership = Membership(
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        branch_code=invitation.branch_code,
        sees_all_cases=invitation.sees_all_cases,
    )
    membership.full_clean()
    membership.save()
    user.kind = User.Kind.ORGANISATION
    user.save(update_fields=["kind", "updated_at"])
    audit_record(
        event_type=AuditEventType.INVITATION_ACCEPTED,
        actor=user,
        target=membership,
        after={"organisation": invitation.organisation_id, "role": membership.role, "invitation": invitation.pk},
        ip_address=ip_address,
    )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User, ip_address: str | None = None) -> Invitation:
    _require_admin(actor, invitation.organisation)
    updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    if updated != 1:
        raise ValidationError(_("This invitation has already been used or withdrawn."), code="stale")
    invitation.refresh_from_db()
    audit_record(
        event_type=AuditEventType.INVITATION_REVOKED,
        actor=actor,
        target=invitation,
        after={"email": invitation.email},
        ip_address=ip_address,
    )
    return invitation


# --- Memberships ------------------------------------------------------------------


def _require_may_manage(actor: User, membership: Membership) -> Membership:
    """The actor's admin membership, if they may manage ``membership``: the primary administrator
    manages everyone else; a secondary administrator manages Organisation Users only."""
    admin = _require_admin(actor, membership.organisation)
    if membership.role == Membership.Role.PRIMARY_ADMIN:
        raise PermissionDenied("Nobody may remove or change the primary administrator; transfer the role first.")
    if membership.role == Membership.Role.SECONDARY_ADMIN and admin.role != Membership.Role.PRIMARY_ADMIN:
        raise PermissionDenied("Only the primary administrator may manage secondary administrators.")
    return admin


@transaction.atomic
def membership_deactivate(*, membership: Membership, actor: User, ip_address: str | None = None) -> Membership:
    """End a member's access at once. Their filings stay; the membership row stays, deactivated.

    An organisation account with no other organisation is switched off too, which ends
    its open sessions on their next request (Django refuses sessions of inactive users).
    """
    membership = Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    if membership.user_id == actor.pk:
        raise ValidationError(_("You cannot deactivate your own membership."), code="self")
    _require_may_manage(actor, membership)
    if membership.deactivated_at is not None:
        raise ValidationError(_("This membership is already deactivated."), code="stale")
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["deactivated_at", "updated_at"])
    user = membership.user
    if (
        user.kind == User.Kind.ORGANISATION
        and not Membership.objects.filter(user=user, deactivated_at__isnull=True).exists()
    ):
        user.is_active = False
        user.save(update_fields=["is_active", "updated_at"])
    audit_record(
        event_type=AuditEventType.MEMBERSHIP_DEACTIVATED,
        actor=actor,
        target=membership,
        before={"active": True, "role": membership.role},
        after={"active": False, "user_active": user.is_active},
        ip_address=ip_address,
    )
    return membership


@transaction.atomic
def membership_change_role(
    *, membership: Membership, actor: User, role: str, ip_address: str | None = None
) -> Membership:
    """The primary administrator makes an Organisation User a secondary administrator, or the reverse."""
    membership = Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    _require_primary(actor, membership.organisation)
    _require_may_manage(actor, membership)
    if role not in (Membership.Role.MEMBER, Membership.Role.SECONDARY_ADMIN):
        raise ValidationError(_("Use the transfer of the primary administrator role instead."), code="primary")
    if membership.deactivated_at is not None:
        raise ValidationError(_("This membership is deactivated."), code="inactive")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(
        event_type=AuditEventType.MEMBERSHIP_ROLE_CHANGED,
        actor=actor,
        target=membership,
        before={"role": before},
        after={"role": role},
        ip_address=ip_address,
    )
    return membership


@transaction.atomic
def membership_update_access(
    *,
    membership: Membership,
    actor: User,
    branch_code: str,
    sees_all_cases: bool,
    ip_address: str | None = None,
) -> Membership:
    """Set an Organisation User's branch code and whether they see all the organisation's cases."""
    membership = Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    if membership.user_id != actor.pk:
        _require_may_manage(actor, membership)
    else:
        _require_admin(actor, membership.organisation)
    if membership.deactivated_at is not None:
        raise ValidationError(_("This membership is deactivated."), code="inactive")
    before = {"branch_code": membership.branch_code, "sees_all_cases": membership.sees_all_cases}
    membership.branch_code = branch_code.strip().upper()
    membership.sees_all_cases = sees_all_cases
    membership.full_clean()
    membership.save(update_fields=["branch_code", "sees_all_cases", "updated_at"])
    audit_record(
        event_type=AuditEventType.MEMBERSHIP_ACCESS_CHANGED,
        actor=actor,
        target=membership,
        before=before,
        after={"branch_code": membership.branch_code, "sees_all_cases": sees_all_cases},
        ip_address=ip_address,
    )
    return membership


@transaction.atomic
def primary_admin_transfer(
    *, organisation: Organisation, actor: User, to_membership: Membership, ip_address: str | None = None
) -> Membership:
    """The current primary administrator hands the role to a secondary administrator, and becomes one."""
    current = _require_primary(actor, organisation)
    current = Membership.objects.select_for_update().get(pk=current.pk)
    target = Membership.objects.select_for_update().get(pk=to_membership.pk)
    if target.organisation_id != organisation.pk or target.deactivated_at is not None:
        raise ValidationError(_("Choose an active administrator of your organisation."), code="not_member")
    if target.role != Membership.Role.SECONDARY_ADMIN:
        raise ValidationError(
            _("Only a secondary administrator can become the primary administrator."), code="not_secondary"
        )
    # Demote first: one active primary administrator per organisation is a database constraint.
    current.role = Membership.Role.SECONDARY_ADMIN
    current.save(update_fields=["role", "updated_at"])
    target.role = Membership.Role.PRIMARY_ADMIN
    target.save(update_fields=["role", "updated_at"])
    audit_record(
        event_type=AuditEventType.ORGANISATION_PRIMARY_ADMIN_TRANSFERRED,
        actor=actor,
        target=organisation,
        before={"primary_admin": current.user_id},
        after={"primary_admin": target.user_id},
        ip_address=ip_address,
    )
    return target
