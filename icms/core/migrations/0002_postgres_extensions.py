from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm and unaccent, which the cause book's name search relies on."""

    dependencies = [("core", "0001_initial")]

    operations = [TrigramExtension(), UnaccentExtension()]
