"""Every kind of audit event the portal records, in one place.

The value of each member is the stable dotted code stored in ``AuditEvent.event_type``
(``<area>.<what happened>``). Stored rows keep their code for ever, so a value is never
renamed or removed: add a member for a new kind of event, and leave old ones in place.
The label is what the admin's audit log shows and filters by.

Every call of :func:`icms.core.audit.audit_record` passes a member of
:class:`AuditEventType`; docs/development.md ("Audit") says how to add one.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventType(models.TextChoices):
    """The kinds of audit event, grouped by the app that records them."""

    # icms.core: the outbox of side effects
    OUTBOX_EMAIL_FAILED = "outbox.email_failed", _("Email could not be sent")
    OUTBOX_WORK_RETRIED = "outbox.work_retried", _("Failed or overdue work tried again")
    # icms.core: fixity of stored documents
    FIXITY_OBJECT_FAILED = "fixity.object_failed", _("Stored document missing or altered")

    # accounts: the account itself (allauth and django.contrib.auth signals, the admin)
    ACCOUNT_SIGNED_UP = "account.signed_up", _("Account registered")
    ACCOUNT_LOGGED_IN = "account.logged_in", _("Signed in")
    ACCOUNT_LOGGED_OUT = "account.logged_out", _("Signed out")
    ACCOUNT_LOGIN_FAILED = "account.login_failed", _("Sign-in failed")
    ACCOUNT_EMAIL_VERIFIED = "account.email_verified", _("Email address verified")
    ACCOUNT_EMAIL_CHANGED = "account.email_changed", _("Email address changed")
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed", _("Password changed")
    ACCOUNT_PASSWORD_SET = "account.password_set", _("Password set")
    ACCOUNT_PASSWORD_RESET = "account.password_reset", _("Password reset")
    ACCOUNT_PROFILE_UPDATED = "account.profile_updated", _("Profile updated")
    ACCOUNT_CREATED_IN_ADMIN = "account.created_in_admin", _("Account created in the admin")
    ACCOUNT_CHANGED_IN_ADMIN = "account.changed_in_admin", _("Account changed in the admin")
    ACCOUNT_GROUPS_CHANGED_IN_ADMIN = "account.groups_changed_in_admin", _("Account's groups changed in the admin")
    # accounts: two-factor authentication (allauth.mfa signals)
    MFA_AUTHENTICATOR_ADDED = "mfa.authenticator_added", _("Two-factor authenticator added")
    MFA_AUTHENTICATOR_REMOVED = "mfa.authenticator_removed", _("Two-factor authenticator removed")
    MFA_AUTHENTICATOR_RESET = "mfa.authenticator_reset", _("Two-factor authenticator reset")
    MFA_AUTHENTICATOR_USED = "mfa.authenticator_used", _("Two-factor authenticator used")
    MFA_AUTHENTICATION_FAILED = "mfa.authentication_failed", _("Two-factor authentication failed")
    # accounts: API tokens
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    # accounts: an organisation's webhook endpoints and their deliveries
    WEBHOOK_ENDPOINT_CREATED = "webhook_endpoint.created", _("Webhook endpoint registered")
    WEBHOOK_ENDPOINT_CHANGED = "webhook_endpoint.changed", _("Webhook endpoint changed")
    WEBHOOK_ENDPOINT_SECRET_ROTATED = "webhook_endpoint.secret_rotated", _("Webhook signing secret replaced")
    WEBHOOK_ENDPOINT_DELETED = "webhook_endpoint.deleted", _("Webhook endpoint deleted")
    WEBHOOK_DELIVERY_FAILED = "webhook.delivery_failed", _("Webhook delivery failed in the portal")
    # accounts: organisations, invitations and memberships
    ORGANISATION_APPLIED = "organisation.applied", _("Organisation application received")
    ORGANISATION_APPROVED = "organisation.approved", _("Organisation approved")
    ORGANISATION_REJECTED = "organisation.rejected", _("Organisation rejected")
    ORGANISATION_MFA_RULE_CHANGED = "organisation.mfa_rule_changed", _("Organisation's two-factor rule changed")
    ORGANISATION_PRIMARY_ADMIN_TRANSFERRED = (
        "organisation.primary_admin_transferred",
        _("Primary administrator role transferred"),
    )
    INVITATION_CREATED = "invitation.created", _("Invitation sent")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    INVITATION_REVOKED = "invitation.revoked", _("Invitation withdrawn")
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed", _("Member's role changed")
    MEMBERSHIP_ACCESS_CHANGED = "membership.access_changed", _("Member's case access changed")
    MEMBERSHIP_DEACTIVATED = "membership.deactivated", _("Membership deactivated")

    # icms.calendar: the registry calendar (one trio per kind of calendar record)
    CALENDAR_CLOSURE_CREATED = "calendar.closure_created", _("Closure created")
    CALENDAR_CLOSURE_CHANGED = "calendar.closure_changed", _("Closure changed")
    CALENDAR_CLOSURE_DELETED = "calendar.closure_deleted", _("Closure deleted")
    CALENDAR_EXTRA_HOLIDAY_CREATED = "calendar.extra_holiday_created", _("Additional general holiday created")
    CALENDAR_EXTRA_HOLIDAY_CHANGED = "calendar.extra_holiday_changed", _("Additional general holiday changed")
    CALENDAR_EXTRA_HOLIDAY_DELETED = "calendar.extra_holiday_deleted", _("Additional general holiday deleted")
    CALENDAR_MAINTENANCE_WINDOW_CREATED = "calendar.maintenance_window_created", _("Maintenance window created")
    CALENDAR_MAINTENANCE_WINDOW_CHANGED = "calendar.maintenance_window_changed", _("Maintenance window changed")
    CALENDAR_MAINTENANCE_WINDOW_DELETED = "calendar.maintenance_window_deleted", _("Maintenance window deleted")
    CALENDAR_REGISTRY_HOURS_CREATED = "calendar.registry_hours_created", _("Registry hours created")
    CALENDAR_REGISTRY_HOURS_CHANGED = "calendar.registry_hours_changed", _("Registry hours changed")
    CALENDAR_REGISTRY_HOURS_DELETED = "calendar.registry_hours_deleted", _("Registry hours deleted")
    # icms.calendar: deemed receipt
    CALENDAR_DEEMED_RECEIPT_STAMPED = "calendar.deemed_receipt_stamped", _("Deemed receipt stamped")
    CALENDAR_DEEMED_RECEIPT_RESTAMPED = "calendar.deemed_receipt_restamped", _("Deemed receipt re-stamped")
    CALENDAR_DEEMED_RECEIPT_CORRECTED = "calendar.deemed_receipt_corrected", _("Deemed receipt corrected")
    CALENDAR_DEEMED_RECEIPT_CONFLICT_LISTED = (
        "calendar.deemed_receipt_conflict_listed",
        _("Deemed receipt conflict listed"),
    )
    CALENDAR_DEEMED_RECEIPT_CONFLICT_DISMISSED = (
        "calendar.deemed_receipt_conflict_dismissed",
        _("Deemed receipt conflict dismissed"),
    )
    CALENDAR_RESTAMP_FAILED = "calendar.restamp_failed", _("Re-stamping of deemed receipts failed")

    # filing
    CASE_ASSIGNED = "case.assigned", _("Case assigned")
    CASE_UNASSIGNED = "case.unassigned", _("Case unassigned")
    FILING_SUBMISSION_RECEIVED = "filing.submission_received", _("Submission received")
    FILING_SUBMISSION_ACCEPTED = "filing.submission_accepted", _("Submission accepted")
    FILING_SUBMISSION_RETURNED = "filing.submission_returned", _("Submission returned")
    FILING_SUBMISSION_WITHDRAWN = "filing.submission_withdrawn", _("Submission withdrawn by the filer")
    FILING_ACCESS_CODE_ISSUED = "filing.access_code_issued", _("Case access code issued")
    FILING_ACCESS_CODE_REVOKED = "filing.access_code_revoked", _("Case access code revoked")
    FILING_ACCESS_CODE_LOCKED = "filing.access_code_locked", _("Case access attempts locked")
    FILING_REPRESENTATION_STARTED = "filing.representation_started", _("Representation went on record")
    FILING_REPRESENTATION_ENDED = "filing.representation_ended", _("Representation came off record")
    FILING_PARTY_ADDED = "filing.party_added", _("Party added by staff")
    FILING_PARTY_CHANGED = "filing.party_changed", _("Party corrected by staff")
    FILING_PARTY_REMOVED = "filing.party_removed", _("Party removed by staff")
    FILING_COURT_DOCUMENT_ISSUED = "filing.court_document_issued", _("Court document issued")
    FILING_DOCUMENT_VIEWED_BY_STAFF = "filing.document_viewed_by_staff", _("Document viewed by staff")
    FILING_DOCUMENT_WITHDRAWN = "filing.document_withdrawn", _("Document withdrawn from view")
    FILING_DOCUMENT_REINSTATED = "filing.document_reinstated", _("Document put back in view")
    FILING_ACKNOWLEDGEMENT_FAILED = "filing.acknowledgement_failed", _("Acknowledgement could not be made")
    FILING_SEALING_FAILED = "filing.sealing_failed", _("Sealed copies could not be made")
    FILING_COURT_DOCUMENT_DELIVERY_FAILED = (
        "filing.court_document_delivery_failed",
        _("Court document could not be delivered"),
    )
    FILING_DRAFT_FILES_DELETE_FAILED = "filing.draft_files_delete_failed", _("Draft files could not be removed")
    # filing: bulk filing of summonses (filing/bulk/)
    FILING_BULK_BATCH_CHECKED = "filing.bulk_batch_checked", _("Bulk filing manifest checked")
    FILING_BULK_BATCH_STARTED = "filing.bulk_batch_started", _("Bulk filing paid and started")
    FILING_BULK_BATCH_INTERRUPTED = "filing.bulk_batch_interrupted", _("Bulk filing interrupted")
    FILING_BULK_BATCH_RESUMED = "filing.bulk_batch_resumed", _("Bulk filing resumed")
    FILING_BULK_BATCH_FINISHED = "filing.bulk_batch_finished", _("Bulk filing finished")
    FILING_BULK_BATCH_CANCELLED = "filing.bulk_batch_cancelled", _("Bulk filing batch cancelled")

    # payments: orders, gateways and receipts
    PAYMENTS_ORDER_CREATED = "payments.order_created", _("Payment order created")
    PAYMENTS_ORDER_STARTED = "payments.order_started", _("Payment started")
    PAYMENTS_ORDER_PAID = "payments.order_paid", _("Payment order paid")
    PAYMENTS_ORDER_FAILED = "payments.order_failed", _("Payment failed")
    PAYMENTS_ORDER_CANCELLED = "payments.order_cancelled", _("Payment order cancelled")
    PAYMENTS_ORDER_REOPENED = "payments.order_reopened", _("Payment order reopened")
    PAYMENTS_ORDER_REFUNDED = "payments.order_refunded", _("Payment order refunded")
    PAYMENTS_CALLBACK_REJECTED = "payments.callback_rejected", _("Gateway callback refused")
    PAYMENTS_CALLBACK_MISMATCH = "payments.callback_mismatch", _("Gateway callback did not match the order")
    PAYMENTS_SECOND_CHARGE_RECEIVED = "payments.second_charge_received", _("Second charge received")
    PAYMENTS_RECEIPT_ISSUED = "payments.receipt_issued", _("Receipt issued")
    PAYMENTS_RECEIPT_RERENDERED = "payments.receipt_rerendered", _("Receipt rendered again")
    PAYMENTS_RECEIPT_FAILED = "payments.receipt_failed", _("Receipt PDF could not be made")
    PAYMENTS_FOLLOW_UP_FAILED = "payments.follow_up_failed", _("Follow-up of a payment or refund failed")
    PAYMENTS_SANDBOX_CALLBACK_FAILED = "payments.sandbox_callback_failed", _("Sandbox gateway callback not delivered")
    # payments: refunds
    PAYMENTS_REFUND_REQUESTED = "payments.refund_requested", _("Refund requested")
    PAYMENTS_REFUND_FIRST_APPROVAL = (
        "payments.refund_first_approval",
        _("Refund approved once, awaiting a second approval"),
    )
    PAYMENTS_REFUND_APPROVED = "payments.refund_approved", _("Refund approved")
    PAYMENTS_REFUND_REJECTED = "payments.refund_rejected", _("Refund rejected")
    PAYMENTS_REFUND_COMPLETED = "payments.refund_completed", _("Refund completed")
    PAYMENTS_REFUND_FAILED = "payments.refund_failed", _("Refund failed")
    PAYMENTS_REFUND_PAYOUT_FAILED = "payments.refund_payout_failed", _("Refund could not be sent to the gateway")
    PAYMENTS_SECOND_CHARGE_REFUND_STARTED = (
        "payments.second_charge_refund_started",
        _("Refund of a second charge started"),
    )
    # payments: deposit accounts (one ledger event per kind of ledger entry)
    PAYMENTS_DEPOSIT_ACCOUNT_OPENED = "payments.deposit_account_opened", _("Deposit account opened")
    PAYMENTS_LEDGER_TOP_UP = "payments.ledger_top_up", _("Deposit account topped up")
    PAYMENTS_LEDGER_FEE = "payments.ledger_fee", _("Fee charged to a deposit account")
    PAYMENTS_LEDGER_REFUND = "payments.ledger_refund", _("Refund credited to a deposit account")
    PAYMENTS_LEDGER_ADJUSTMENT = "payments.ledger_adjustment", _("Deposit account adjusted")

    # causebook
    CAUSEBOOK_SEARCH_ACCESS_GRANTED = "causebook.search_access_granted", _("Cause book search access granted")
    CAUSEBOOK_INSPECTION_PAID = "causebook.inspection_paid", _("Document inspection paid")
    CAUSEBOOK_INSPECTION_COPY_MADE = "causebook.inspection_copy_made", _("Copy made for a document inspection")
    CAUSEBOOK_HEARING_LISTED = "causebook.hearing_listed", _("Hearing listed")
    CAUSEBOOK_HEARING_CHANGED = "causebook.hearing_changed", _("Hearing changed")
    CAUSEBOOK_HEARING_DELETED = "causebook.hearing_deleted", _("Hearing deleted")
    CAUSEBOOK_HEARING_ADJOURNED = "causebook.hearing_adjourned", _("Hearing adjourned")
    CAUSEBOOK_HEARING_VACATED = "causebook.hearing_vacated", _("Hearing vacated")
    # causebook: hearing calendars (iCalendar subscription addresses)
    CAUSEBOOK_CALENDAR_ADDRESSES_RENEWED = (
        "causebook.calendar_addresses_renewed",
        _("Calendar addresses renewed (old addresses revoked)"),
    )
    # causebook: Enquire Summons, the public look-up of a summons by its number and the ID's last four
    CAUSEBOOK_SUMMONS_ENQUIRY_LOCKED = "causebook.summons_enquiry_locked", _("Summons enquiries locked")
    # causebook: copies, certified true copies and certificates
    CAUSEBOOK_COPY_APPLIED = "causebook.copy_applied", _("Copy or certificate applied for")
    CAUSEBOOK_COPY_PAID = "causebook.copy_paid", _("Copy or certificate paid for")
    CAUSEBOOK_COPY_ISSUED = "causebook.copy_issued", _("Copy or certificate issued")
    CAUSEBOOK_COPY_REFUSED = "causebook.copy_refused", _("Copy or certificate refused")
