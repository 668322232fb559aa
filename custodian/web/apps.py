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
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.housekeeping import prune_register
        from custodian.web.once import spent_past_mattering, spent_prune

        # The tokens of forms sent, a day after (`web.once`): the daily retention run deletes them.
        prune_register(
            "forms_sent",
            "one-time tokens of forms sent more than a day ago, kept only to tell a form sent twice",
            due=lambda now: spent_past_mattering(now).count(),
            prune=spent_prune,
        )
