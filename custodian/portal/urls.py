from django.urls import path

from custodian.portal import (
    account_views,
    billing_views,
    my_data_views,
    privacy_views,
    service_views,
    usage_views,
)

app_name = "portal"
urlpatterns = [
    path("enrol/", account_views.enrol, name="enrol"),
    path("confirm/<str:token>/", account_views.confirm, name="confirm"),
    path("sign-in/", account_views.sign_in, name="login"),
    path("sign-out/", account_views.sign_out, name="logout"),
    path("sign-in/code/", account_views.code, name="code"),
    path("me/security/", account_views.security, name="security"),
    path("me/act-for/", account_views.act_for, name="act_for"),
    path("representative/<str:token>/", account_views.representative_setup, name="representative_setup"),
    path("me/", my_data_views.home, name="home"),
    path("me/confirm-it-is-you/", account_views.reauthenticate, name="reauthenticate"),
    path("me/contact/", my_data_views.update_contact, name="update_contact"),
    path("me/marketing/", my_data_views.marketing, name="marketing"),
    path("me/who-has-seen-my-data/", privacy_views.accesses, name="accesses"),
    path(
        "me/who-has-seen-my-data/<id:seq>/receipt.json", privacy_views.access_receipt, name="access_receipt"
    ),
    path("me/who-we-gave-it-to/", privacy_views.disclosures, name="disclosures"),
    path("me/consents/", privacy_views.consents, name="consents"),
    path("me/consents/<id:consent_id>/revoke/", privacy_views.consent_revoke_view, name="consent_revoke"),
    path("me/download.<str:fmt>", privacy_views.download, name="download"),
    path("me/request/", my_data_views.new_request, name="request"),
    path("me/requests/", my_data_views.my_requests, name="requests"),
    path("me/requests/<id:request_id>/disagreement/", my_data_views.disagreement, name="disagreement"),
    path("me/messages/", my_data_views.sent_messages, name="messages"),
    path("me/delete-my-data/", privacy_views.erasure, name="erasure"),
    path("me/messages/<id:message_id>/letter.pdf", my_data_views.sent_letter_pdf, name="letter_pdf"),
    path("me/usage/", usage_views.usage, name="usage"),
    path("me/usage/upload/", usage_views.usage_upload, name="usage_upload"),
    path("me/green-button.<str:fmt>", usage_views.green_button, name="green_button"),
    path("me/comparison/", usage_views.comparison, name="comparison"),
    path("me/comparison.pdf", usage_views.comparison_pdf, name="comparison_pdf"),
    path("me/bills/", billing_views.bills, name="bills"),
    path("me/bills/<id:bill_id>/", billing_views.bill_detail, name="bill"),
    path("me/bills/<id:bill_id>/bill.pdf", billing_views.bill_download, name="bill_pdf"),
    path("me/statement/", billing_views.statement_view, name="statement"),
    path("me/pay/", billing_views.pay, name="pay"),
    path("me/payment-agreement/", billing_views.payment_agreement, name="payment_agreement"),
    path("me/paperless/", billing_views.paperless, name="paperless"),
    path("me/autopay/", billing_views.autopay, name="autopay"),
    path("me/moving/", service_views.moving, name="moving"),
]
