"""Runs one benchmark's measure() inside a configured Django process and prints its figures as JSON."""

import importlib
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "custodian.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Measure as in production: no per-query debug bookkeeping (it costs ours and the baseline alike).
settings.DEBUG = False

name, db = sys.argv[1], sys.argv[2]
figures = importlib.import_module(f"bench.{name}").measure(db)
print(json.dumps(figures))
