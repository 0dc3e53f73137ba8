from django.urls import path

from . import views, views_tokens, views_webhooks

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("organisation/apply/", views.organisation_apply, name="organisation_apply"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/two-factor/", views.organisation_mfa_rule, name="organisation_mfa_rule"),
    path("organisation/transfer/", views.primary_transfer, name="primary_transfer"),
    path("organisation/invitations/new/", views.invitation_create, name="invitation_create"),
    path("organisation/invitations/<int:invitation_id>/withdraw/", views.invitation_revoke, name="invitation_revoke"),
    path("organisation/members/<int:membership_id>/", views.member_detail, name="member_detail"),
    path("organisation/members/<int:membership_id>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("organisation/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("organisation/members/<int:membership_id>/access/", views.member_access, name="member_access"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("api-tokens/", views_tokens.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views_tokens.api_token_revoke, name="api_token_revoke"),
    path("organisation/webhooks/", views_webhooks.webhooks, name="webhooks"),
    path("organisation/webhooks/<int:endpoint_id>/", views_webhooks.webhook_endpoint, name="webhook_endpoint"),
    path(
        "organisation/webhooks/<int:endpoint_id>/secret/",
        views_webhooks.webhook_secret_rotate,
        name="webhook_secret_rotate",
    ),
    path(
        "organisation/webhooks/<int:endpoint_id>/delete/",
        views_webhooks.webhook_endpoint_delete,
        name="webhook_endpoint_delete",
    ),
    path(
        "organisation/webhooks/deliveries/<int:delivery_id>/send-again/",
        views_webhooks.webhook_delivery_send_again,
        name="webhook_delivery_send_again",
    ),
]
