"""The production URLs plus `/bench/one-query/`: the baseline of portal_load, a view doing one database
query (the customer count) through the same server, middleware and database. Loaded only by
bench/portal_load_settings.py."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from custodian.urls import handler500  # noqa: F401
from custodian.urls import urlpatterns as production


def one_query(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM customers_customer")
        (count,) = cursor.fetchone()
    return HttpResponse(f"{count}\n", content_type="text/plain")


urlpatterns = [path("bench/one-query/", one_query), *production]
