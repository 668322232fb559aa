from django.apps import AppConfig
from django.urls import register_converter

from custodian.bounds import IdConverter


class WebConfig(AppConfig):
    name = "custodian.web"
    label = "web"

    def ready(self):
        # `<id:…>`: ids in URLs fit the database. Registered when the apps are ready, so that it is there
        # before any URL configuration is read, whichever is read first.
        register_converter(IdConverter, "id")
