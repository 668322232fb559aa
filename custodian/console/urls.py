from django.urls import path

from custodian.console import views

app_name = "console"
urlpatterns = [
    path("customers/", views.customer_search, name="customers"),
    path("customers/<int:customer_id>/", views.customer_detail, name="customer"),
    path("customers/<int:customer_id>/break-glass/", views.break_glass, name="break_glass"),
    path("requests/", views.request_queue, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/hand-off/", views.request_hand_off_view, name="hand_off"),
    path("requests/<int:request_id>/close/", views.request_close_view, name="close"),
    path("requests/<int:request_id>/package/", views.request_package, name="package"),
    path("requests/<int:request_id>/correction/", views.correction_view, name="correction"),
    path("privacy/", views.privacy_home, name="privacy"),
    path("privacy/break-glass/<int:grant_id>/review/", views.break_glass_review_view, name="review"),
    path("privacy/access/", views.access_review, name="access_review"),
    path("privacy/inventory/", views.inventory, name="inventory"),
    path("marketing/", views.marketing, name="marketing"),
]
