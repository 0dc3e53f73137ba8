"""The Celery app of the worker that ``bench/worker_memory.py`` starts: the portal's own
(``icms.celery.app``), except that work the worker itself owes (the e-mails an
acknowledgement sends) goes to the bench's default queue, never to the ``celery`` queue
that another worker on the same Redis database (``make run``'s) would take.
"""

import os

from icms.celery import app

app.conf.task_default_queue = os.environ["BENCH_WORKER_MEMORY_DEFAULT_QUEUE"]

__all__ = ["app"]
