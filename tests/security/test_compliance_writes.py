"""Compliance reads and changes nothing: every state-changing URL added for
My calls, WhatsApp messages, walk-in customers, saved views, sign-in unlock
and the import history, posted as a compliance reviewer (with the CSRF
token), leaves the database as it was."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from backoffice.accounts.models import User
from backoffice.customers.models import Customer, MessageTemplate, StatusChange, Touch
from backoffice.customers.statuses import Status
from backoffice.imports import services as import_services
from backoffice.followups.models import Holiday, LeaveDay, StatusAgeing, WorkRules
from backoffice.imports.models import ImportRun
from backoffice.savedviews.models import SavedView
from backoffice.webhooks.models import Delivery, Endpoint, Event
from backoffice.savedviews.services import saved_view_save
from tests.backoffice.imports.conftest import csv_file, run_import
from tests.factories import CustomerFactory, EndpointFactory

pytestmark = pytest.mark.django_db


def _state():
    return (
        list(Customer.objects.order_by("pk").values_list("pk", "status", "remarks",
                                                         "last_contacted", "assigned_to")),
        StatusChange.objects.count(), Touch.objects.count(),
        list(MessageTemplate.objects.order_by("pk").values_list("text", flat=True)),
        list(SavedView.objects.order_by("pk").values_list("name", "query", "shared")),
        list(ImportRun.objects.order_by("pk").values_list("pk", "state")),
        AccessAttempt.objects.count(),
        list(LeaveDay.objects.order_by("pk").values_list("user", "date", "note")),
        list(User.objects.order_by("pk").values_list("daily_new_cap", "max_open_leads")),
        list(WorkRules.objects.values_list("working_days", "sla_minutes", "cadence")),
        list(Holiday.objects.order_by("pk").values_list("date", "name")),
        list(StatusAgeing.objects.order_by("pk").values_list("status", "max_idle_days")),
        list(Endpoint.objects.order_by("pk").values_list("url", "events", "secret", "active",
                                                         "last_test_at")),
        list(Delivery.objects.order_by("pk").values_list("pk", "state")), Event.objects.count(),
    )


def test_compliance_posts_change_nothing(reviewer, manager, alice):
    customer = CustomerFactory(assigned_to=alice)
    template = MessageTemplate.objects.get(status=Status.NEW)
    view = saved_view_save(owner=manager, name="Team", query="area=Kochi", shared=True)
    unstarted = import_services.import_run_create(upload=csv_file(["Anu,9876543211,Kochi,,"]),
                                                  by=manager)
    finished = run_import(["Binu,9876543212,Kochi,,"], by=manager)
    leave = LeaveDay.objects.create(user=alice, date=datetime.date(2030, 1, 2), note="Exam")
    CustomerFactory(name="Free lead")
    WorkRules.objects.get_or_create(pk=1)
    holiday = Holiday.objects.create(date=datetime.date(2030, 1, 26), name="Republic Day")
    ageing = StatusAgeing.objects.order_by("pk").first()
    endpoint = EndpointFactory(url="https://hooks.example.com/alims")
    failed = Delivery.objects.create(endpoint=endpoint, state=Delivery.State.FAILED,
                                     event=Event.objects.create(kind="customer.created"))
    for _ in range(5):
        Client().post("/login/", {"username": "alice", "password": "wrong", "next": "/"})
    before = _state()

    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    from tests.factories import second_factor_given

    second_factor_given(client, reviewer)
    client.get("/")  # the CSRF cookie
    token = client.cookies["csrftoken"].value
    posts = [
        (reverse("admin:customers_customer_touch", args=[customer.pk, "call"]), {}),
        (reverse("admin:customers_customer_my_calls_update", args=[customer.pk]),
         {"status": Status.VALID, "remark": "x"}),
        ("/customers/customer/add/", {"name": "X", "phone": "9876500000", "status": "new",
                                      "_save": "Save"}),
        (reverse("admin:customers_messagetemplate_change", args=[template.pk]),
         {"text": "changed"}),
        (reverse("savedviews:add"), {"name": "Mine", "query": "area=X"}),
        (reverse("savedviews:delete", args=[view.pk]), {}),
        ("/accounts/user/", {"action": "unlock_sign_in", "apply": "1",
                             "_selected_action": [alice.pk]}),
        (reverse("admin:imports_importrun_discard", args=[unstarted.pk]), {"discard": "1"}),
        (reverse("admin:imports_importrun_revert", args=[finished.pk]), {"confirm": "1"}),
        (reverse("admin:imports_importrun_run_again", args=[finished.pk]), {}),
        (reverse("admin:followups_leaveday_add"),
         {"user": alice.pk, "date": "2030-01-05", "_save": "Save"}),
        (reverse("admin:followups_leaveday_change", args=[leave.pk]),
         {"user": alice.pk, "date": "2030-01-09", "note": "changed", "_save": "Save"}),
        (reverse("admin:followups_leaveday_delete", args=[leave.pk]), {"post": "yes"}),
        ("/accounts/user/", {"action": "set_caps", "apply": "1", "daily_new_cap": "1",
                             "_selected_action": [alice.pk]}),
        ("/customers/customer/", {"action": "distribute_evenly", "apply": "1", "confirm": "1",
                                  "counsellors": [alice.pk],
                                  "_selected_action": list(Customer.objects.values_list(
                                      "pk", flat=True))}),
        # the working rules, holidays, ageing limits and recycling (issue 12)
        (reverse("admin:followups_workrules_change", args=[1]),
         {"working_days": ["0"], "day_starts": "09:00", "day_ends": "10:00",
          "sla_minutes": "5", "cadence": "1h", "max_attempts": "1", "digest_time": "09:00",
          "escalate_after_days": "1", "_save": "Save"}),
        (reverse("admin:followups_holiday_add"), {"date": "2030-02-02", "name": "x"}),
        (reverse("admin:followups_holiday_change", args=[holiday.pk]),
         {"date": "2030-02-03", "name": "x"}),
        (reverse("admin:followups_holiday_delete", args=[holiday.pk]), {"post": "yes"}),
        (reverse("admin:followups_statusageing_changelist"),
         {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(ageing.pk),
          "form-0-max_idle_days": "1", "_save": "Save"}),
        (reverse("followups:recycle"), {"to": "share", "reason": "x", "ids": [customer.pk],
                                        "confirm": "1"}),
        # webhooks: compliance reads endpoints and deliveries, changes and sends nothing
        (reverse("admin:webhooks_endpoint_add"),
         {"url": "https://evil.example.com/", "events": ["customer.created"], "active": "on"}),
        (reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]),
         {"url": "https://evil.example.com/", "events": ["customer.created"], "active": "on",
          "new_secret": "on"}),
        (reverse("admin:webhooks_endpoint_send_test", args=[endpoint.pk]), {}),
        (reverse("admin:webhooks_endpoint_delete", args=[endpoint.pk]), {"post": "yes"}),
        (reverse("admin:webhooks_delivery_changelist"),
         {"action": "send_again", "_selected_action": [failed.pk]}),
    ]
    for url, data in posts:
        response = client.post(url, {**data, "csrfmiddlewaretoken": token})
        assert response.status_code in (302, 403, 404), url
    assert _state() == before
