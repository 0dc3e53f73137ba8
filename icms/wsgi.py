import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icms.settings.base")

application = get_wsgi_application()

# A web process never migrates; it refuses to serve an unmigrated schema (icms/core/release.py).
if settings.RELEASE_REFUSE_PENDING_MIGRATIONS:
    from icms.core.release import refuse_pending_migrations

    refuse_pending_migrations()
