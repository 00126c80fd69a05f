"""Stored (and reflected) XSS: hostile text in every text field a person or a
file can fill, then every page it reaches, parsed as a browser would, must
show it as text.

The pages are every route of the site (read from the resolver) filled with
the hostile objects' ids, plus what routes alone do not reach: each role's
dashboard, every report, Ctrl+K, bulk-action pages, toasts, querystrings
echoed back."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from backoffice.audit.models import ActivityLog
from backoffice.audit.services import activity_record
from backoffice.customers import services
from backoffice.customers.models import Customer, Enquiry
from backoffice.imports import services as import_services
from backoffice.imports.models import DataSource
from backoffice.reports.registry import report_classes
from tests.factories import second_factor_given
from tests.security.payloads import XSS_ALL, XSS_LINK, live_payloads
from tests.security.site import is_jobs, routes

pytestmark = pytest.mark.django_db

# a file name needs no slash (a path would be cut at it)
HOSTILE_FILE_NAME = '"><img src=x onerror=alert(1)>{{7*7}}\';alert(1).csv'


def _csv(text: str) -> bytes:
    import csv
    import io

    rows = [[XSS_ALL if cell == "@" else cell for cell in row.split("|")]
            for row in text.strip().splitlines()]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def hostile(db, manager, superuser, settings):
    """Payloads in every text field of every model a person or a file fills."""
    from backoffice.accounts.models import User
    from tests.factories import CounsellorFactory

    counsellor = CounsellorFactory(username="hostile", first_name=XSS_ALL[:150],
                                   last_name=XSS_LINK)
    # usernames are validated by the forms; stored as written anyway (a
    # directory sync, a shell), they must still render as text
    User.objects.filter(pk=counsellor.pk).update(username=XSS_ALL[:150])
    counsellor.refresh_from_db()
    source = DataSource.objects.create(name=XSS_ALL, slug="hostile", importer="standard",
                                       default_area=XSS_ALL, extra_aliases={"area": [XSS_ALL]})
    typed = services.customer_create(name=XSS_ALL, phone="9876522211", area=XSS_ALL,
                                     remarks=XSS_ALL, by=manager, assigned_to=counsellor)
    linked = services.customer_create(name=XSS_LINK, phone="9876522212", area=XSS_LINK,
                                      remarks=XSS_LINK, by=manager, assigned_to=counsellor)
    Customer.objects.filter(pk__in=[typed.pk, linked.pk]).update(data_source=source)
    services.customer_change_status(customer=typed, status="valid", remark=XSS_ALL,
                                    by=counsellor)
    services.customer_change_status(customer=linked, status="call_later", remark=XSS_LINK,
                                    by=counsellor,
                                    next_follow_up=timezone.localdate())
    typed.refresh_from_db()
    # a web enquiry of the known customer: on its page, beside its calls
    Enquiry.objects.create(customer=typed, data_source=source, source_name=XSS_ALL[:200],
                           text=f"{XSS_ALL[:100]}: {XSS_ALL}; message: {XSS_LINK}")

    header = _csv(f"name|phone|area|remarks|@\n@|9876522201|@|@|@\n@|12|@|@|@\n"
                  f"{XSS_LINK}|9876522202|{XSS_LINK}|{XSS_LINK}|{XSS_LINK}")
    done = import_services.import_run_create(
        upload=ContentFile(header, name=HOSTILE_FILE_NAME), by=manager, data_source=source)
    done.settings = {**done.settings, "policy": "skip"}
    done.save()
    import_services.import_run_execute(run=done)
    waiting = import_services.import_run_create(
        upload=ContentFile(header, name=HOSTILE_FILE_NAME), by=manager)
    activity_record(user=counsellor, action=ActivityLog.Action.EXPORT, target=XSS_ALL,
                    details={"filters": XSS_ALL}, rows=1)
    # the bell and the notification list (the finished import above tells the manager too)
    from backoffice.notifications.services import notify
    notify(recipients=[counsellor, manager, superuser], kind="assigned", title=XSS_ALL,
           body=XSS_LINK, url=XSS_LINK, key="hostile")

    from backoffice.followups.models import LeaveDay

    leave = LeaveDay.objects.create(user=counsellor, note=XSS_ALL[:120],
                                    date=timezone.localdate())
    from backoffice.webhooks.models import Delivery, Endpoint, Event

    endpoint = Endpoint.objects.create(url=("https://hooks.example.com/?q=" + XSS_ALL)[:500],
                                       description=XSS_ALL[:200], events=["customer.created"],
                                       secret="whsec_hostile")
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=Event.objects.create(
            kind="customer.created", data={"customers": [{"name": XSS_ALL}], "x": XSS_LINK}),
        state=Delivery.State.RETRYING, response_status=500, error=XSS_ALL[:500],
        response_excerpt=XSS_ALL + XSS_LINK)
    return {
        "webhooks.endpoint": endpoint,
        "webhooks.delivery": delivery,
        "followups.leaveday": leave,
        "counsellor": counsellor,
        "customers.customer": typed,
        "customers.statuschange": typed.status_changes.order_by("-pk").first(),
        "customers.historicalcustomer": typed.history.first(),
        "imports.datasource": source,
        "imports.importrun": done,
        "waiting_run": waiting,
        "audit.activitylog": ActivityLog.objects.filter(target=XSS_ALL).first(),
        "accounts.user": counsellor,
        "versions": {"customers.customer": typed.history.latest().history_id,
                     "imports.datasource": source.history.latest().history_id,
                     "accounts.user": counsellor.history.latest().history_id},
    }


def _assert_shown_as_text(response, url):
    assert response.status_code < 500, (url, response.status_code)
    if "html" not in response.get("Content-Type", ""):
        return
    content = b"".join(response.streaming_content) if response.streaming else response.content
    problems = live_payloads(content.decode("utf-8", "replace"))
    assert not problems, (url, problems)


# --- every page of the site, with the hostile objects --------------------------------

KNOWN: dict = {}  # route name -> why it still fails, while a fix is pending


def _page_routes():
    for route in routes():
        if is_jobs(route) or route.name in ("admin:logout", "health") \
                or "password_reset" in route.name:
            continue
        if route.name.endswith(("_delete",)) or route.name == "reports:export":
            continue  # GET only shows a page; covered by the crawl through the change page
        marks = []
        if route.name in KNOWN:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[route.name]))
        yield pytest.param(route, marks=marks, id=str(route))


@pytest.mark.parametrize("route", list(_page_routes()))
def test_every_page_shows_hostile_data_as_text(hostile, superuser, route):
    client = Client()
    client.force_login(superuser)
    second_factor_given(client, superuser)
    label = route.model_label
    obj = hostile.get(label)
    if route.name == "admin:imports_importrun_preview":
        obj = hostile["waiting_run"]
    urls = []
    if route.name == "reports:report":
        urls = [route.url(identifier=cls.identifier) for cls in report_classes()]
    elif obj is not None:
        urls = [route.url(object_id=obj.pk, pk=obj.pk,
                          version_id=hostile["versions"].get(label, 1))]
    else:
        urls = [route.url()]
    for url in urls:
        _assert_shown_as_text(client.get(url, follow=True), url)


def test_the_delete_confirmation_pages_show_hostile_data_as_text(hostile, superuser):
    client = Client()
    client.force_login(superuser)
    second_factor_given(client, superuser)
    for label in ("customers.customer", "imports.datasource", "accounts.user"):
        route = next(r for r in routes() if r.model_label == label
                     and r.name.endswith("_delete"))
        url = route.url(object_id=hostile[label].pk)
        _assert_shown_as_text(client.get(url), url)


# --- what the routes alone do not reach --------------------------------------------------


def _role_clients(hostile, manager):
    counsellor = Client()
    counsellor.force_login(hostile["counsellor"])
    boss = Client()
    boss.force_login(manager)
    return {"manager": boss, "counsellor": counsellor}


@pytest.mark.parametrize("who", ["manager", "counsellor"])
def test_the_dashboards_and_reports_show_hostile_data_as_text(hostile, manager, who):
    client = _role_clients(hostile, manager)[who]
    urls = ["/", "/reports/"]
    for cls in report_classes():
        urls += [f"/reports/{cls.identifier}/", f"/reports/{cls.identifier}/?preset=year"]
        urls.append(f"/reports/{cls.identifier}/?area={XSS_ALL}&preset=custom"
                    f"&date_from={XSS_ALL}")
    for url in urls:
        _assert_shown_as_text(client.get(url), url)


@pytest.mark.parametrize("who", ["manager", "counsellor"])
@pytest.mark.parametrize("term", ["img", "alert", "7*7", XSS_ALL, XSS_LINK])
def test_ctrl_k_and_the_sidebar_search_show_hostile_data_as_text(hostile, manager, who, term):
    client = _role_clients(hostile, manager)[who]
    for query in ({"s": term}, {"s": term, "extended": "1"}, {"s": term, "extended": "1",
                                                                 "page": "1"}):
        response = client.get("/search/", query)
        _assert_shown_as_text(response, f"/search/ {query}")


@pytest.mark.parametrize("path", [
    "/customers/customer/", "/customers/statuschange/", "/customers/historicalcustomer/",
    "/audit/activitylog/", "/imports/importrun/", "/imports/datasource/",
    "/accounts/user/",
])
def test_querystrings_echoed_in_the_lists_are_shown_as_text(hostile, superuser, path):
    client = Client()
    client.force_login(superuser)
    second_factor_given(client, superuser)
    for query in ({"q": XSS_ALL}, {"q": XSS_LINK}, {"area": XSS_ALL, "status": XSS_ALL},
                  {"o": XSS_ALL}, {"p": XSS_ALL}, {XSS_ALL: XSS_ALL},
                  {"_changelist_filters": XSS_ALL}):
        response = client.get(path, query, follow=True)
        _assert_shown_as_text(response, f"{path} {query}")


def test_the_login_page_shows_a_hostile_next_as_text(db):
    for next_url in (XSS_ALL, XSS_LINK):
        response = Client().get("/login/", {"next": next_url})
        _assert_shown_as_text(response, f"/login/?next={next_url}")


def test_the_bulk_action_pages_show_hostile_data_as_text(hostile, manager):
    client = _role_clients(hostile, manager)["manager"]
    ids = list(Customer.objects.values_list("pk", flat=True))
    for action in ("assign_to_counsellor", "distribute_evenly", "change_status",
                   "delete_selected"):
        response = client.post("/customers/customer/", {"action": action,
                                                        "_selected_action": ids})
        _assert_shown_as_text(response, f"bulk action {action}")


def test_the_distribution_plan_shows_hostile_data_as_text(hostile, manager):
    """A counsellor with a hostile name, on leave, in the plan and in the
    message after Apply."""
    from tests.factories import CounsellorFactory

    client = _role_clients(hostile, manager)["manager"]
    other = CounsellorFactory(first_name=XSS_LINK, daily_new_cap=1)
    ids = [services.customer_create(name=XSS_ALL, phone=f"98765331{i:02d}", by=manager).pk
           for i in range(3)]
    posted = {"action": "distribute_evenly", "_selected_action": ids, "apply": "1",
              "counsellors": [hostile["counsellor"].pk, other.pk]}
    page = client.post("/customers/customer/", posted)
    assert b"distribution-plan" in page.content
    _assert_shown_as_text(page, "distribution plan")
    done = client.post("/customers/customer/", {**posted, "confirm": "1"}, follow=True)
    _assert_shown_as_text(done, "after distributing")


def test_the_status_update_toast_shows_hostile_data_as_text(hostile, manager):
    client = _role_clients(hostile, manager)["counsellor"]
    customer = hostile["customers.customer"]
    client.post(f"/customers/customer/{customer.pk}/update-status/",
                {"_form_submitted": "1", "status": "not_interested", "remark": XSS_ALL},
                headers={"HX-Request": "true"})
    customer.refresh_from_db()
    assert customer.status == "not_interested"  # the update went through: a toast waits
    _assert_shown_as_text(client.get("/customers/customer/"), "list after the toast")


def test_the_pages_do_show_the_hostile_text(hostile, superuser):
    """The control: the scans above read pages that hold the payloads."""
    from django.utils.html import escape

    client = Client()
    client.force_login(superuser)
    second_factor_given(client, superuser)
    page = client.get("/customers/customer/").content.decode()
    assert escape(XSS_ALL) in page or escape(XSS_ALL).replace("&#x27;", "&#39;") in page
    assert live_payloads(page) == []


def test_the_counsellor_pages_of_their_own_hostile_customer_show_it_as_text(hostile, manager):
    client = _role_clients(hostile, manager)["counsellor"]
    customer = hostile["customers.customer"]
    page = client.get(f"/customers/customer/{customer.pk}/change/").content.decode()
    assert 'data-kind="enquiry"' in page  # the control: the web enquiry is on the page
    for url in (f"/customers/customer/{customer.pk}/change/",
                f"/customers/customer/{customer.pk}/history/",
                "/customers/customer/", "/customers/statuschange/",
                f"/customers/customer/?q={XSS_ALL}"):
        _assert_shown_as_text(client.get(url), url)


def test_the_update_status_dialog_shows_the_customers_name_as_text(hostile, manager):
    client = _role_clients(hostile, manager)["counsellor"]
    url = f"/customers/customer/{hostile['customers.customer'].pk}/update-status/"
    _assert_shown_as_text(client.get(url), url)
