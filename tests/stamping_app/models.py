from django.db import models

from icms.calendar.models import DeemedReceiptFields


class StampedFiling(DeemedReceiptFields):
    title = models.CharField(max_length=100, default="")
