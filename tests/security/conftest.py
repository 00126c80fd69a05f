import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client

from backoffice.accounts.roles import ROLE_PERMISSIONS
from backoffice.audit.models import ActivityLog
from backoffice.audit.services import activity_record
from backoffice.customers import services
from backoffice.customers.models import MessageTemplate
from backoffice.imports import services as import_services
from backoffice.imports.models import DataSource
from tests.factories import second_factor_given
from tests.factories import UserFactory, role_group
from tests.security.site import ROLES, Role


@pytest.fixture(autouse=True)
def _jobs_and_files_of_this_test(jobs_in_process, private_storage):
    """Jobs run in-process and files go to this test's own folder
    (tests/conftest.py); test_worker.py files run a real rq worker instead."""
    return private_storage


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    second_factor_given(client, user)
    return client


def role_user(role: Role, username: str | None = None):
    """A user holding ``role``; the test is skipped while the role does not
    exist yet (a role added to site.ROLES before its migration)."""
    if role.group in ROLE_PERMISSIONS:
        group = role_group(role.group)
    else:
        group = Group.objects.filter(name=role.group).first()
        if group is None:
            pytest.skip(f"no “{role.group}” group yet")
    user = UserFactory(username=username or f"sec-{role.key}", first_name=role.key.title(),
                       last_name="Tester")
    user.groups.add(group)
    return user


@pytest.fixture(params=ROLES, ids=lambda role: role.key)
def role(request):
    return request.param


@pytest.fixture
def other_counsellor(db):
    return role_user(next(r for r in ROLES if r.key == "counsellor"), "sec-other")


@pytest.fixture
def world(db, manager, superuser, other_counsellor):
    """One stored object of every model the admin shows, none of them
    belonging to the role users the tests create: ``world[label]`` is the
    object, ``world.versions[label]`` a history record id where it has one."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from backoffice.exports.models import ExportJob
    from backoffice.followups.models import Holiday, StatusAgeing, WorkRules

    class World(dict):
        versions: dict

    objects = World()
    customer = services.customer_create(name="Hidden lead", phone="9876500001", by=manager,
                                        assigned_to=other_counsellor)
    services.customer_change_status(customer=customer, status="valid", remark="ok",
                                    by=other_counsellor)
    source = DataSource.objects.create(name="Hidden source", slug="hidden-source",
                                       importer="standard")
    run = import_services.import_run_create(
        upload=ContentFile(b"name,phone\nAnu,9876500002\n", name="hidden.csv"), by=manager)
    from backoffice.followups.models import LeaveDay

    objects.update({
        "followups.leaveday": LeaveDay.objects.create(user=other_counsellor,
                                                      date=datetime.date(2030, 1, 2),
                                                      note="Hidden leave"),
        "customers.customer": customer,
        "customers.statuschange": customer.status_changes.first(),
        "customers.historicalcustomer": customer.history.first(),
        "customers.messagetemplate": MessageTemplate.objects.order_by("pk").first(),
        "followups.workrules": WorkRules.objects.get_or_create(pk=1)[0],
        "followups.holiday": Holiday.objects.create(date=datetime.date(2026, 12, 25),
                                                    name="Christmas"),
        "followups.statusageing": StatusAgeing.objects.order_by("pk").first(),
        "imports.datasource": source,
        "imports.importrun": run,
        "audit.activitylog": activity_record(user=manager, action=ActivityLog.Action.EXPORT,
                                             target="Customers (CSV)", rows=1),
        "accounts.user": superuser,
        "auth.group": Group.objects.get(name="Sales Manager"),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="x", ip_address="10.0.0.1", user_agent="ua", http_accept="*/*",
            path_info="/login/", get_data="", post_data="", failures_since_start=1),
        "axes.accesslog": AccessLog.objects.create(
            username="x", ip_address="10.0.0.1", user_agent="ua", http_accept="*/*",
            path_info="/login/"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="x", ip_address="10.0.0.1", user_agent="ua", http_accept="*/*",
            path_info="/login/"),
        # an export of someone else's: only its owner (and superusers) may open it
        "exports.exportjob": ExportJob.objects.create(
            kind=ExportJob.Kind.CUSTOMERS, title="Customers", format="csv",
            fingerprint="hidden", created_by=superuser,
            state=ExportJob.State.COMPLETED),
    })
    from backoffice.webhooks.models import Delivery, Endpoint, Event

    endpoint = Endpoint.objects.create(url="https://hooks.example.com/alims",
                                       events=["customer.created"], secret="whsec_hidden",
                                       description="Hidden endpoint", created_by=superuser)
    objects["webhooks.endpoint"] = endpoint
    objects["webhooks.delivery"] = Delivery.objects.create(
        endpoint=endpoint, event=Event.objects.create(kind="customer.created"),
        state=Delivery.State.FAILED, response_status=500, error="Hidden error")
    objects.versions = {
        "followups.workrules": objects["followups.workrules"].history.latest().history_id,
        "followups.holiday": objects["followups.holiday"].history.latest().history_id,
        "customers.customer": customer.history.latest().history_id,
        "imports.datasource": source.history.latest().history_id,
        "accounts.user": superuser.history.latest().history_id
        if hasattr(superuser, "history") and superuser.history.exists() else 1,
    }
    return objects


def object_url(route, world) -> str:
    obj = world[route.model_label]
    return route.url(object_id=obj.pk, pk=obj.pk,
                     version_id=world.versions.get(route.model_label, 1))
