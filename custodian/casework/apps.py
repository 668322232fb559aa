from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "custodian.casework"
    label = "casework"

    def ready(self):
        # Imported here: these modules import models, which load only once the app registry is ready.
        from custodian.audit.selectors import who_words_register
        from custodian.casework.representatives import representatives_in_words
        from custodian.casework.selectors import OpenRequestsInCasework
        from custodian.vault import open_requests

        open_requests.register(OpenRequestsInCasework())
        who_words_register(representatives_in_words)
        # Requests and representatives' authority, in a data request's answer and the customer's download.
        from custodian.casework import records

        records.register()
