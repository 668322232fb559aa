from django.urls import path

from custodian.api import console_views

app_name = "tokens"
urlpatterns = [
    path("tokens/", console_views.tokens, name="list"),
    path("tokens/issue/", console_views.token_issue, name="issue"),
    path("tokens/<id:token_id>/revoke/", console_views.token_revoke, name="revoke"),
]
