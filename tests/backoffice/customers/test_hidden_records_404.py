"""Change-history records and import runs answer a counsellor 404 on every
object URL, like every other object she may not see (403 would tell her the
id exists). The lists themselves stay 403, like every list she may not open."""

import pytest
from django.test import Client

from backoffice.audit.models import ActivityLog
from backoffice.imports.models import DataSource, ImportRun
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(alice, bob, manager):
    mine = CustomerFactory(assigned_to=alice)
    theirs = CustomerFactory(assigned_to=bob)
    run = ImportRun.objects.create(original_name="leads.csv", created_by=manager, size=1,
                                   sha256="a" * 64, file="imports/leads.csv")
    source = DataSource.objects.create(name="Fair", slug="fair", importer="generic")
    log = ActivityLog.objects.create(user=manager, action=ActivityLog.Action.EXPORT,
                                     target="customers")
    return {
        "mine": mine, "theirs": theirs, "run": run, "source": source, "log": log,
        "h_mine": mine.history.first().history_id,
        "h_theirs": theirs.history.first().history_id,
    }


OBJECT_URLS = [
    "/customers/historicalcustomer/{h_mine}/change/",
    "/customers/historicalcustomer/{h_theirs}/change/",
    "/customers/historicalcustomer/{h_theirs}/delete/",
    "/customers/historicalcustomer/{h_theirs}/history/",
    "/customers/historicalcustomer/999999/change/",
    "/customers/customer/{theirs.pk}/history/",
    "/customers/customer/{theirs.pk}/history/{h_theirs}/",
    "/customers/customer/{mine.pk}/history/{h_theirs}/",
    "/customers/customer/{mine.pk}/history/999999/",
    "/imports/importrun/{run.pk}/change/",
    "/imports/importrun/{run.pk}/preview/",
    "/imports/importrun/{run.pk}/progress/",
    "/imports/importrun/{run.pk}/errors.csv",
    "/imports/importrun/{run.pk}/errors.xlsx",
    "/imports/importrun/{run.pk}/revert/",
    "/imports/importrun/{run.pk}/discard/",
    "/imports/importrun/{run.pk}/delete/",
    "/imports/importrun/{run.pk}/history/",
    "/imports/importrun/999999/preview/",
    "/imports/datasource/{source.pk}/change/",
    "/imports/datasource/{source.pk}/history/",
    "/audit/activitylog/{log.pk}/change/",
]


@pytest.mark.parametrize("template", OBJECT_URLS)
def test_a_counsellor_gets_404_for_a_record_she_may_not_see(alice_client, records, template):
    url = template.format(**records)
    assert alice_client.get(url).status_code == 404, url


@pytest.mark.parametrize("template", [
    "/customers/historicalcustomer/{h_theirs}/change/",
    "/imports/importrun/{run.pk}/progress/",
    "/imports/importrun/{run.pk}/change/",
    "/audit/activitylog/{log.pk}/change/",
])
def test_the_manager_still_opens_them(manager_client, records, template):
    assert manager_client.get(template.format(**records), follow=True).status_code == 200


def test_her_own_customers_history_still_opens(alice_client, records):
    url = "/customers/customer/{mine.pk}/history/{h_mine}/".format(**records)
    assert alice_client.get(url).status_code == 200


def test_anonymous_people_are_still_sent_to_sign_in(records):
    url = "/customers/historicalcustomer/{h_theirs}/change/".format(**records)
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
