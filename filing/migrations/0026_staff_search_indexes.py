"""Trigram indexes for the staff site's searches of the filing tables (icms.core.admin_scale).

Django's admin matches ``UPPER(field::text) LIKE``, which no plain btree answers: each of these
tables grows with the register. Built concurrently, so that filing and paying go on meanwhile.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations

from icms.core.indexes import contains_index


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("accounts", "0016_staff_search_indexes"), ("filing", "0025_bulk_rows_forget_filed_data")]

    operations = [
        AddIndexConcurrently(model_name="bulkitem", index=contains_index("department_reference", name="bulk_item_reference_contains")),
        AddIndexConcurrently(model_name="courtdocument", index=contains_index("title", name="court_document_title_contains")),
        AddIndexConcurrently(model_name="courtdocument", index=contains_index("drn", name="court_document_drn_contains")),
        AddIndexConcurrently(model_name="messageitem", index=contains_index("subject_en", name="message_subject_en_contains")),
        AddIndexConcurrently(model_name="messageitem", index=contains_index("subject_zh", name="message_subject_zh_contains")),
        AddIndexConcurrently(model_name="submission", index=contains_index("reference", name="submission_reference_contains")),
    ]
