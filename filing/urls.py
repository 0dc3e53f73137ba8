from django.urls import path

from . import views, views_assignments, views_bulk, views_drafts, views_joining, views_json

app_name = "filing"

urlpatterns = [
    path("", views.file_start, name="start"),
    path("join/", views_joining.join_case, name="join"),
    path("cases/<int:case_id>/", views.case_file, name="case"),
    path("cases/<int:case_id>/file/", views.file_in_case, name="file_in_case"),
    path("new/<str:prefix>/", views.start_case, name="start_case"),
    path("drafts/", views_drafts.drafts_list, name="drafts"),
    path("drafts/<int:draft_id>/", views_drafts.draft_edit, name="draft_edit"),
    path("drafts/<int:draft_id>/review/", views_drafts.draft_review, name="draft_review"),
    path("submissions/", views.submissions_list, name="submissions"),
    path("submissions/<str:reference>/", views.submission_detail, name="submission"),
    path(
        "submissions/<str:reference>/withdraw/",
        views_drafts.submission_withdraw_confirm,
        name="submission_withdraw",
    ),
    path("submissions/<str:reference>/refile/", views_drafts.submission_refile, name="submission_refile"),
    path("submissions/<str:reference>/acknowledgement.pdf", views.acknowledgement_download, name="acknowledgement"),
    path(
        "submissions/<str:reference>/acknowledgement.json",
        views_json.acknowledgement_json,
        name="acknowledgement_json",
    ),
    path(
        "submissions/<str:reference>/acknowledgement-v<int:version>.pdf",
        views.acknowledgement_version_download,
        name="acknowledgement_version",
    ),
    path("documents/<int:document_id>/<str:copy>.pdf", views.document_download, name="document"),
    path("court-documents/<int:document_id>.pdf", views.court_document_download, name="court_document"),
    path("members/<int:membership_id>/cases/", views_assignments.member_case_assign, name="member_case_assign"),
    path(
        "members/<int:membership_id>/cases/<int:assignment_id>/remove/",
        views_assignments.member_case_unassign,
        name="member_case_unassign",
    ),
    path("bulk/", views_bulk.bulk_start, name="bulk"),
    path("bulk/template-<str:language>.<str:kind>", views_bulk.bulk_template, name="bulk_template"),
    path("bulk/<int:batch_id>/", views_bulk.bulk_batch, name="bulk_batch"),
    path("bulk/<int:batch_id>/file/", views_bulk.bulk_batch_file_view, name="bulk_batch_file"),
    path("bulk/<int:batch_id>/resume/", views_bulk.bulk_batch_resume_view, name="bulk_batch_resume"),
    path("bulk/<int:batch_id>/cancel/", views_bulk.bulk_batch_cancel_view, name="bulk_batch_cancel"),
    path("bulk/<int:batch_id>/rows/<int:item_id>/drop/", views_bulk.bulk_item_drop_view, name="bulk_item_drop"),
    path("messages/", views.message_box, name="message_box"),
    path("messages/<int:message_id>/", views.message_detail, name="message"),
    path("messages/<int:message_id>/attachment.pdf", views.message_attachment, name="message_attachment"),
]
