from django.urls import path

from . import views

app_name = "calendar"

urlpatterns = [
    path("", views.registry_hours, name="registry_hours"),
    path("calendar.ics", views.calendar_feed, name="feed"),
]
