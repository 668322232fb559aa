from django.urls import path

from custodian.console import account_views as av
from custodian.console import approval_views as apv
from custodian.console import billing_views as bv
from custodian.console import collections_views as cv
from custodian.console import (
    customer_views,
    deposit_views,
    desk_views,
    marketing_views,
    operations_views,
    privacy_views,
    read_import_views,
    report_views,
    request_views,
    web_stats,
)
from custodian.console import disclosure_views as dv
from custodian.console import incident_views as iv
from custodian.console import people_views as pv
from custodian.console import representative_views as rv
from custodian.console import third_party_views as tpv

app_name = "console"
urlpatterns = [
    path("customers/", customer_views.customer_search, name="customers"),
    path("operations/", operations_views.operations, name="operations"),
    path("reports/", report_views.reports, name="reports"),
    path("customers/<id:customer_id>/", customer_views.customer_detail, name="customer"),
    path("customers/<id:customer_id>/break-glass/", customer_views.break_glass, name="break_glass"),
    path(
        "customers/<id:customer_id>/green-button.xml",
        customer_views.customer_green_button,
        name="green_button",
    ),
    path(
        "customers/<id:customer_id>/usage-import/", customer_views.customer_usage_import, name="usage_import"
    ),
    path("customers/<id:customer_id>/representatives/", rv.representatives, name="representatives"),
    path(
        "representatives/<id:representative_id>/verify/",
        rv.representative_verify_view,
        name="representative_verify",
    ),
    path(
        "representatives/<id:representative_id>/revoke/",
        rv.representative_revoke_view,
        name="representative_revoke",
    ),
    path("requests/", request_views.request_queue, name="requests"),
    path("requests/new/", request_views.request_new, name="request_new"),
    path("requests/<id:request_id>/", request_views.request_detail, name="request"),
    path("requests/<id:request_id>/hand-off/", request_views.request_hand_off_view, name="hand_off"),
    path("requests/<id:request_id>/close/", request_views.request_close_view, name="close"),
    path("requests/<id:request_id>/take/", desk_views.request_take_view, name="request_take"),
    path("requests/<id:request_id>/assign/", desk_views.request_assign_view, name="request_assign"),
    path("requests/<id:request_id>/note/", desk_views.request_note_view, name="request_note"),
    path("requests/<id:request_id>/reply/", desk_views.request_reply_view, name="request_reply"),
    path("requests/<id:request_id>/package/", request_views.request_package, name="package"),
    path("requests/<id:request_id>/verify/", request_views.request_verify_view, name="request_verify"),
    path("requests/<id:request_id>/answer/", request_views.request_answer_view, name="request_answer"),
    path("requests/<id:request_id>/in-full/", request_views.request_in_full_view, name="request_in_full"),
    path("requests/<id:request_id>/correction/", request_views.correction_view, name="correction"),
    path(
        "requests/<id:request_id>/meter-result/",
        request_views.meter_challenge_result_view,
        name="meter_challenge_result",
    ),
    path(
        "requests/<id:request_id>/notices/<id:notice_id>/",
        request_views.correction_notice_view,
        name="correction_notice",
    ),
    path("privacy/corrections/", privacy_views.correction_notices, name="correction_notices"),
    path("privacy/third-parties/", tpv.third_parties, name="third_parties"),
    path(
        "privacy/third-parties/<id:third_party_id>/review/",
        tpv.third_party_review_view,
        name="third_party_review",
    ),
    path("privacy/", privacy_views.privacy_home, name="privacy"),
    path("privacy/break-glass/<id:grant_id>/review/", privacy_views.break_glass_review_view, name="review"),
    path("privacy/access/", privacy_views.access_review, name="access_review"),
    path("privacy/inventory/", privacy_views.inventory, name="inventory"),
    path("privacy/incidents/", iv.incidents, name="incidents"),
    path("privacy/incidents/open/", iv.incident_open_view, name="incident_open"),
    path("privacy/incidents/from-flag/", iv.incident_from_flag, name="incident_from_flag"),
    path("privacy/flags/review/", iv.flag_review_view, name="flag_review"),
    path("privacy/incidents/assessment/", iv.assessment_add, name="assessment_add"),
    path("privacy/incidents/<id:incident_id>/", iv.incident_detail, name="incident"),
    path("privacy/incidents/<id:incident_id>/note/", iv.incident_note, name="incident_note"),
    path("privacy/incidents/<id:incident_id>/determine/", iv.incident_determine, name="incident_determine"),
    path("privacy/incidents/<id:incident_id>/delay/", iv.incident_delay, name="incident_delay"),
    path("privacy/incidents/<id:incident_id>/notify/", iv.incident_notify, name="incident_notify"),
    path("privacy/incidents/<id:incident_id>/agencies/", iv.incident_agencies, name="incident_agencies"),
    path("privacy/incidents/<id:incident_id>/report/", iv.incident_report, name="incident_report"),
    path("privacy/holds/<id:hold_id>/decide/", iv.hold_decide, name="hold_decide"),
    path("privacy/retention/", privacy_views.retention, name="retention"),
    path("marketing/", marketing_views.marketing, name="marketing"),
    path("web/", web_stats.web_dashboard, name="web_stats"),
    path("privacy/disclosures/", dv.desk, name="disclosures"),
    path("privacy/disclosures/vendors/", dv.vendor_add, name="vendor_add"),
    path(
        "privacy/disclosures/vendors/<id:vendor_id>/determination/",
        dv.vendor_determination,
        name="determination",
    ),
    path("privacy/disclosures/vendors/<id:vendor_id>/export/", dv.vendor_export, name="vendor_export"),
    path("privacy/disclosures/exports/<id:export_id>/<str:part>/", dv.export_file, name="export_file"),
    path("privacy/disclosures/consents/", dv.consent_add, name="consent_add"),
    path(
        "privacy/disclosures/consents/<id:consent_id>/revoke/", dv.consent_revoke_view, name="consent_revoke"
    ),
    path("privacy/disclosures/authorities/", dv.authority_add, name="authority_add"),
    path("privacy/disclosures/disclose/", dv.disclose_view, name="disclose"),
    path("billing/", bv.billing_home, name="billing"),
    path("billing/bills/<id:bill_id>/", bv.bill_detail, name="bill"),
    path("billing/bills/<id:bill_id>/correct/", bv.bill_correct_view, name="bill_correct"),
    path("billing/accounts/<id:account_id>/", bv.account_history, name="billing_account"),
    path("collections/", cv.collections, name="collections"),
    path("collections/agreements/<id:agreement_id>/agree/", cv.agreement_agree, name="agreement_agree"),
    path(
        "collections/accounts/<id:account_id>/notice/", cv.disconnection_notice, name="disconnection_notice"
    ),
    path(
        "collections/accounts/<id:account_id>/disconnect/", cv.disconnection_order, name="disconnection_order"
    ),
    path("collections/accounts/<id:account_id>/protections/", cv.protection_facts, name="protection_facts"),
    path("billing/accounts/<id:account_id>/deposit/", deposit_views.deposit_ask_view, name="deposit_ask"),
    path("billing/deposits/<id:deposit_id>/paid/", deposit_views.deposit_paid_view, name="deposit_paid"),
    path("billing/refunds/<id:refund_id>/sent/", deposit_views.refund_sent_view, name="refund_sent"),
    path("billing/accounts/<id:account_id>/budget/", deposit_views.budget_view, name="budget"),
    path("accounts/", av.service_desk, name="service_desk"),
    path("accounts/start/", av.service_start, name="service_start"),
    path("accounts/reads/import/", read_import_views.reads_import, name="reads_import"),
    path("accounts/<id:account_id>/", av.account_service, name="account_service"),
    path("accounts/<id:account_id>/reads/", av.meter_reads, name="meter_reads"),
    path("accounts/<id:account_id>/stop/", av.account_stop_view, name="account_stop"),
    path("accounts/<id:account_id>/move/", av.account_move_view, name="account_move"),
    path(
        "accounts/changes/<id:change_id>/withdraw/",
        av.service_change_withdraw,
        name="service_change_withdraw",
    ),
    path("people/", pv.people, name="people"),
    path("people/<id:user_id>/", pv.person, name="person"),
    path("people/<id:user_id>/services/", pv.person_services, name="person_services"),
    path("people/<id:user_id>/deactivate/", pv.person_deactivate, name="person_deactivate"),
    path("people/<id:user_id>/reactivate/", pv.person_reactivate, name="person_reactivate"),
    path("people/<id:user_id>/second-factor/", pv.person_second_factor, name="person_second_factor"),
    path("people/<id:user_id>/password/", pv.person_password, name="person_password"),
    path("people/changes/", apv.staff_changes, name="staff_changes"),
    path("people/changes/<id:change_id>/approve/", apv.staff_change_approve, name="staff_change_approve"),
    path("people/changes/<id:change_id>/decline/", apv.staff_change_decline, name="staff_change_decline"),
]
