"""The console's pages read other apps' records only through those apps' selectors, which take the asker and
decide what they may see: the privacy officer's desks answer the privacy officer and nobody else, a customer
finds only themself, a vendor only its own exports."""

from datetime import timedelta

from django.utils import timezone

from custodian.billing.selectors import bill_for, bill_run_list, bills_of_account
from custodian.casework.selectors import subject_requests_open
from custodian.collecting.selectors import (
    account_collections,
    agreement_for,
    agreements_of_customer,
    agreements_requested,
)
from custodian.customers.selectors import (
    account_for,
    accounts_of,
    customer_for,
    customers_found,
    premise_accounts,
    service_change_for,
)
from custodian.disclosures.selectors import (
    consent_for,
    disclosure_desk,
    export_done_for,
    report_mailing_vendors,
    vendor_for,
)
from custodian.incidents.selectors import incident_for, incident_list, incident_record, unusual_access
from custodian.incidents.services import incident_open
from custodian.payments.selectors import autopay_of_customer
from custodian.retention.selectors import destruction_records
from custodian.staff.selectors import staff_list, staff_member_for, staff_member_page
from custodian.testing import vendor_with_determination
from custodian.usage.reports import report_run_list, report_run_request
from custodian.vault.gate import customer_actor, staff_actor, system_actor, vendor_actor
from custodian.vault.selectors import read_holds


def test_customer_rows_for_the_customer_themself_and_staff_only(customer, other_customer, billing_clerk):
    assert customer_for(fetched_by=customer_actor(customer.pk), customer_id=customer.pk) == customer
    assert customer_for(fetched_by=customer_actor(customer.pk), customer_id=other_customer.pk) is None
    assert (
        customer_for(fetched_by=staff_actor(billing_clerk), customer_id=other_customer.pk) == other_customer
    )
    assert customer_for(fetched_by=system_actor("billing_run"), customer_id=customer.pk) is None
    assert customer_for(fetched_by=staff_actor(billing_clerk), customer_id=10**9) is None
    ids = [customer.pk, other_customer.pk]
    assert set(customers_found(fetched_by=staff_actor(billing_clerk), customer_ids=ids)) == {
        customer,
        other_customer,
    }
    assert not customers_found(fetched_by=customer_actor(customer.pk), customer_ids=ids).exists()


def test_the_disclosure_desk_answers_the_privacy_officer_only(privacy_officer, billing_clerk, customer):
    vendor, _ = vendor_with_determination(function="report_mailing", officer=privacy_officer, name="Mailer")
    officer, clerk = staff_actor(privacy_officer), staff_actor(billing_clerk)
    desk = disclosure_desk(fetched_by=officer)
    assert [v for v, _ in desk["vendors"]] == [vendor] and desk["vendors"][0][1] is not None
    assert all(not rows for rows in disclosure_desk(fetched_by=clerk).values())
    assert vendor_for(fetched_by=officer, vendor_id=vendor.pk) == vendor
    assert vendor_for(fetched_by=clerk, vendor_id=vendor.pk) is None
    assert report_mailing_vendors(fetched_by=officer) == [vendor]
    assert report_mailing_vendors(fetched_by=clerk) == []
    assert consent_for(fetched_by=clerk, consent_id=1) is None
    assert export_done_for(fetched_by=vendor_actor(str(vendor.pk), "report_mailing"), export_id=1) is None


def test_incidents_holds_requests_and_destructions_for_the_privacy_officer_only(
    privacy_officer, billing_clerk, customer
):
    now = timezone.now()
    incident = incident_open(
        opened_by=privacy_officer,
        summary="Looked at",
        actor_kind="staff",
        actor_id=str(billing_clerk.pk),
        actor_label=billing_clerk.username,
        window_start=now - timedelta(hours=1),
        window_end=now,
        only_without_request=True,
    )
    officer, clerk = staff_actor(privacy_officer), staff_actor(billing_clerk)
    assert incident_list(fetched_by=officer) == [incident]
    assert incident_for(fetched_by=officer, incident_id=incident.pk) == incident
    assert set(incident_record(fetched_by=officer, incident=incident)) == {"affected", "by_category", "notes"}
    assert incident_list(fetched_by=clerk) == []
    assert incident_for(fetched_by=clerk, incident_id=incident.pk) is None
    assert incident_record(fetched_by=clerk, incident=incident)["notes"] == []
    for read in (unusual_access, read_holds, destruction_records):
        assert read(fetched_by=clerk) == []
    assert not subject_requests_open(fetched_by=clerk).exists()


def test_staff_lists_for_staff_administrators_only(dba, privacy_officer, billing_clerk, customer):
    it = staff_actor(dba)
    assert {row["user"] for row in staff_list(fetched_by=it)} >= {dba, privacy_officer, billing_clerk}
    assert staff_member_for(fetched_by=it, user_id=billing_clerk.pk) == billing_clerk
    assert staff_member_page(fetched_by=it, member=billing_clerk)["services"] == ["billing"]
    clerk = staff_actor(billing_clerk)
    assert staff_list(fetched_by=clerk) == []
    assert staff_member_for(fetched_by=clerk, user_id=dba.pk) is None
    assert staff_member_page(fetched_by=clerk, member=dba) == {
        "services": [],
        "leads": [],
        "second_factor": False,
        "waiting": [],
    }


def test_report_runs_for_staff_who_run_reports(field_tech, billing_clerk, marketer):
    run = report_run_request(requested_by=field_tech)
    assert report_run_list(fetched_by=staff_actor(field_tech)) == ([run], False)  # run at once in tests
    assert report_run_list(fetched_by=staff_actor(marketer)) == ([], False)
    assert report_run_list(fetched_by=customer_actor(1)) == ([], False)


def test_billing_and_collections_reads_for_their_staff_only(
    billing_clerk, collections_agent, marketer, customer
):
    account = accounts_of(fetched_by=staff_actor(billing_clerk), customer_id=customer.pk).first()
    clerk, agent, other = staff_actor(billing_clerk), staff_actor(collections_agent), staff_actor(marketer)
    assert account_for(fetched_by=clerk, account_id=account.pk) == account
    assert account_for(fetched_by=customer_actor(customer.pk), account_id=account.pk) is None
    assert premise_accounts(fetched_by=clerk, premise_id=account.premise_id) == [account]
    assert premise_accounts(fetched_by=customer_actor(customer.pk), premise_id=account.premise_id) == []
    assert service_change_for(fetched_by=system_actor("billing_run"), change_id=1) is None
    assert bill_run_list(fetched_by=clerk) == ([], False)
    assert bill_for(fetched_by=other, bill_id=1) is None
    assert bills_of_account(fetched_by=agent, account_id=account.pk) == []  # none billed yet, but allowed
    empty = {"agreements": [], "notices": [], "orders": []}
    assert account_collections(fetched_by=clerk, account_id=account.pk) == empty
    assert account_collections(fetched_by=other, account_id=account.pk) == empty
    assert (
        agreements_requested(fetched_by=clerk) == []
        and agreement_for(fetched_by=clerk, agreement_id=1) is None
    )
    assert agreements_of_customer(fetched_by=clerk, customer_id=customer.pk) == []
    assert autopay_of_customer(fetched_by=customer_actor(customer.pk + 1), customer_id=customer.pk) == []
