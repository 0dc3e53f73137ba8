from django.urls import path

from . import views, views_copies, views_summons

app_name = "causebook"

urlpatterns = [
    path("", views.search, name="search"),
    path("purchases/", views.purchase_create, name="purchase_create"),
    path("purchases/<str:token>/", views.purchase_detail, name="purchase"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/hearings.ics", views.case_hearings_feed, name="case_hearings_feed"),
    path("hearings.ics", views.my_hearings_feed, name="my_hearings_feed"),
    path("calendar-addresses/renew/", views.calendar_addresses_renew, name="calendar_addresses_renew"),
    path(
        "organisations/<int:organisation_id>/hearings.ics",
        views.organisation_hearings_feed,
        name="organisation_hearings_feed",
    ),
    path("cause-list/", views.cause_list, name="cause_list"),
    path("summons/", views_summons.summons_enquiry, name="summons_enquiry"),
    path("inspect/<str:kind>/<int:document_id>/", views.inspection_create, name="inspection_create"),
    path("inspections/<str:token>/", views.inspection_detail, name="inspection"),
    path("inspections/<str:token>/copy.pdf", views.inspection_copy, name="inspection_copy"),
    # Copies, certified true copies and certificates (causebook/copies.py).
    path("cases/<int:case_id>/copies/", views_copies.case_copies, name="case_copies"),
    path("cases/<int:case_id>/copies/<str:key>/", views_copies.copy_apply, name="copy_apply"),
    path("copies/", views_copies.copies_mine, name="copies_mine"),
    path("copies/public/<str:kind>/<int:document_id>/", views_copies.public_copy_apply, name="public_copy_apply"),
    path("copies/<str:token>/", views_copies.copy_status, name="copy_status"),
    path("copies/<str:token>/copy.pdf", views_copies.copy_download, name="copy_download"),
]
