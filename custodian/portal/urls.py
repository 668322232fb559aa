from django.urls import path

from custodian.portal import billing_views, views

app_name = "portal"
urlpatterns = [
    path("enrol/", views.enrol, name="enrol"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-in/code/", views.code, name="code"),
    path("me/security/", views.security, name="security"),
    path("me/", views.home, name="home"),
    path("me/confirm-it-is-you/", views.reauthenticate, name="reauthenticate"),
    path("me/contact/", views.update_contact, name="update_contact"),
    path("me/marketing/", views.marketing, name="marketing"),
    path("me/who-has-seen-my-data/", views.accesses, name="accesses"),
    path("me/who-has-seen-my-data/<id:seq>/receipt.json", views.access_receipt, name="access_receipt"),
    path("me/who-we-gave-it-to/", views.disclosures, name="disclosures"),
    path("me/consents/", views.consents, name="consents"),
    path("me/consents/<id:consent_id>/revoke/", views.consent_revoke_view, name="consent_revoke"),
    path("me/download.<str:fmt>", views.download, name="download"),
    path("me/request/", views.new_request, name="request"),
    path("me/messages/", views.sent_messages, name="messages"),
    path("me/delete-my-data/", views.erasure, name="erasure"),
    path("me/messages/<id:message_id>/letter.pdf", views.sent_letter_pdf, name="letter_pdf"),
    path("me/usage/", views.usage, name="usage"),
    path("me/green-button.<str:fmt>", views.green_button, name="green_button"),
    path("me/comparison/", views.comparison, name="comparison"),
    path("me/comparison.pdf", views.comparison_pdf, name="comparison_pdf"),
    path("me/bills/", billing_views.bills, name="bills"),
    path("me/bills/<id:bill_id>/", billing_views.bill_detail, name="bill"),
    path("me/bills/<id:bill_id>/bill.pdf", billing_views.bill_download, name="bill_pdf"),
    path("me/pay/", billing_views.pay, name="pay"),
    path("me/payment-agreement/", billing_views.payment_agreement, name="payment_agreement"),
    path("me/paperless/", billing_views.paperless, name="paperless"),
    path("me/autopay/", billing_views.autopay, name="autopay"),
]
