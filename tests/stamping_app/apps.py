from django.apps import AppConfig


class StampingAppConfig(AppConfig):
    """A test-only app with a real model that joins the deemed-receipt re-stamping."""

    name = "tests.stamping_app"
    label = "stamping_app"
