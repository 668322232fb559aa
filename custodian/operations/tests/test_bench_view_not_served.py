"""The load benchmark's minimal view (bench/portal_load_urls.py) is loaded only by the benchmark's own
settings: the production URL configuration does not serve it."""

from django.conf import settings
from django.test import Client


def test_the_benchmarks_one_query_view_is_not_served(db):
    assert settings.ROOT_URLCONF == "custodian.urls"
    assert Client().get("/bench/one-query/").status_code == 404
