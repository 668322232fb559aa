"""Runs one benchmark's measure() inside a configured Django process and prints its figures as JSON."""

import importlib
import sys

from bench.harness import django_ready, figures_print

django_ready()
name, db = sys.argv[1], sys.argv[2]
figures_print(importlib.import_module(f"bench.{name}").measure(db))
