from django.urls import path

from . import views

app_name = "causebook"

urlpatterns = [
    path("", views.search, name="search"),
    path("purchases/", views.purchase_create, name="purchase_create"),
    path("purchases/<str:token>/", views.purchase_detail, name="purchase"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/hearings.ics", views.case_hearings_feed, name="case_hearings_feed"),
    path("hearings.ics", views.my_hearings_feed, name="my_hearings_feed"),
    path(
        "organisations/<int:organisation_id>/hearings.ics",
        views.organisation_hearings_feed,
        name="organisation_hearings_feed",
    ),
    path("cause-list/", views.cause_list, name="cause_list"),
    path("inspect/<str:kind>/<int:document_id>/", views.inspection_create, name="inspection_create"),
    path("inspections/<str:token>/", views.inspection_detail, name="inspection"),
    path("inspections/<str:token>/copy.pdf", views.inspection_copy, name="inspection_copy"),
]
