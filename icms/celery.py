"""The Celery application: Redis broker, JSON only, late acks, bounded tasks.

Tasks are thin: each takes primary keys (JSON only, never pickle), loads its
rows and calls a service. The request never waits on a worker.
"""

import os

from celery import Celery, signals

from icms.core.worker_memory import freed_memory_release

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icms.settings.base")

app = Celery("icms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    event_serializer="json",
    # A task is acknowledged only after it has run, so a worker that dies mid-task
    # leaves it to be redelivered; every task therefore claims its work idempotently.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    # WeasyPrint's peak is a few hundred MiB; recycle a child that has grown past this (KiB).
    worker_max_memory_per_child=int(os.environ.get("CELERY_WORKER_MAX_MEMORY_KIB", "700000")),
    task_soft_time_limit=60,
    task_time_limit=90,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 3600},
    timezone="Asia/Hong_Kong",
    enable_utc=True,
    worker_hijack_root_logger=False,
    beat_schedule={
        "worker-heartbeat": {
            "task": "icms.core.tasks.heartbeat",
            "schedule": float(os.environ.get("CELERY_HEARTBEAT_INTERVAL", "30")),
            "options": {"expires": 25},
        },
        # The outbox: send what the dispatch lost, take back dead workers' work, report missing work.
        "outbox-sweep": {
            "task": "icms.core.tasks.outbox_sweep",
            "schedule": float(os.environ.get("OUTBOX_SWEEP_INTERVAL", "30")),
            "options": {"expires": 25},
        },
        # Fixity: the next paced batch of stored documents hashed again (icms/core/fixity.py).
        "fixity-check": {
            "task": "icms.core.tasks.fixity_check",
            "schedule": float(os.environ.get("FIXITY_INTERVAL", "300")),
            "options": {"expires": 240},
        },
        # The cause book search's kept counts: the queued entry changes folded in (causebook/terms.py).
        "causebook-term-counts": {
            "task": "causebook.tasks.term_counts_apply",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        # Sessions are database rows (cached_db): expired ones are deleted once a day.
        "clear-expired-sessions": {
            "task": "icms.core.tasks.expired_sessions_clear",
            "schedule": 86400.0,
            "options": {"expires": 3600},
        },
        # A safety net for lost dispatches: stamp anything still pending whose reopening is known.
        "sweep-deemed-receipts": {
            "task": "icms.calendar.tasks.sweep_deemed_receipts",
            "schedule": 300.0,
            "options": {"expires": 280},
        },
        # Draft filings past FILING_DRAFT_DAYS, with their uploaded files (filing/services/drafts.py).
        "purge-expired-drafts": {
            "task": "filing.tasks.drafts_purge_expired",
            "schedule": 3600.0,
            "options": {"expires": 3300},
        },
        # Bulk batches not filed or resumed within FILING_DRAFT_DAYS expire, before the drafts
        # bucket's lifecycle rule removes their PDFs (filing/bulk/expiry.py).
        "expire-bulk-batches": {
            "task": "filing.tasks.bulk_batches_expire",
            "schedule": 3600.0,
            "options": {"expires": 3300},
        },
        # The API's Idempotency-Keys and their kept answers, after 24 hours (accounts/api_idempotency.py).
        "purge-api-idempotency-keys": {
            "task": "accounts.tasks.api_idempotency_keys_purge",
            "schedule": 3600.0,
            "options": {"expires": 3300},
        },
        # Hearing reminders, from 09:00 HKT on the working day before each hearing (causebook/reminders.py).
        "hearing-reminders": {
            "task": "causebook.tasks.hearing_reminders_send",
            "schedule": 1800.0,
            "options": {"expires": 1700},
        },
        # Gateway payments with no answer for PAYMENT_PENDING_TIMEOUT_MINUTES become failed (timeout).
        "expire-pending-payments": {
            "task": "payments.tasks.payment_orders_expire",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        # The sandbox gateway's delayed callbacks (a stand-in provider; off with PAYMENT_SANDBOX_ENABLED=false).
        "sandbox-gateway-callbacks": {
            "task": "payments.sandbox.tasks.sandbox_callbacks_send_due",
            "schedule": 30.0,
            "options": {"expires": 25},
        },
    },
)
app.autodiscover_tasks()
# After each task a child hands back the memory the task freed, so that its size is what
# it holds, not the peak of its largest render (icms/core/worker_memory.py).
signals.task_postrun.connect(freed_memory_release, weak=False)
