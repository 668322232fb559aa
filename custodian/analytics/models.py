"""Non-identifying visit statistics of the public website. No cookie, no raw IP address, no query string,
no full referrer: see custodian.analytics.capture; the day's visitor code and campaign tags:
custodian.analytics.visitors."""

from django.db import models


class PageView(models.Model):
    at = models.DateTimeField(db_index=True)
    path = models.CharField(max_length=300)
    browser = models.CharField(max_length=60)
    browser_major = models.CharField(max_length=10, blank=True)
    os = models.CharField(max_length=60)
    device = models.CharField(max_length=10)  # capture.DEVICE_CLASSES: desktop, phone, tablet, tv … bot
    ip_prefix = models.CharField(max_length=50, help_text="the address masked to /24 (IPv4) or /48 (IPv6)")
    referrer_host = models.CharField(max_length=255, blank=True)
    is_bot = models.BooleanField(default=False)
    # A keyed hash that is the same for one visitor on one local day only (its key is destroyed at midnight);
    # empty on views counted before visitors were.
    visitor = models.CharField(max_length=16, blank=True)
    utm_source = models.CharField(max_length=60, blank=True)
    utm_medium = models.CharField(max_length=60, blank=True)
    utm_campaign = models.CharField(max_length=60, blank=True)
