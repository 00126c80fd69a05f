"""'My calls': the counsellor's queue through the admin, for every role."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.customers import queue, selectors, services
from backoffice.customers.models import Customer, MessageTemplate, StatusChange, Touch
from backoffice.customers.statuses import Status
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/customers/customer/my-calls/"
XSS = '"><img src=x onerror=alert(1)>'


def _today():
    return timezone.localdate()


def _days(n):
    return _today() + datetime.timedelta(days=n)


def _lead(owner, **fields):
    fields.setdefault("assigned_at", timezone.now())
    return CustomerFactory(assigned_to=owner, **fields)


def test_the_url_is_the_admins():
    assert reverse("admin:customers_customer_my_calls") == URL


def test_counsellor_sees_groups_in_order_with_counts(alice_client, alice):
    _lead(alice, name="Overdue Two", next_follow_up=_days(-2), status=Status.CALL_LATER)
    _lead(alice, name="Due Today", next_follow_up=_today(), status=Status.CALL_LATER)
    _lead(alice, name="Fresh Lead")
    response = alice_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Due Today") < html.index("Overdue Two") < html.index("Fresh Lead")
    assert html.index('id="group-today"') < html.index('id="group-overdue"') \
        < html.index('id="group-new"')
    for key in ("today", "overdue", "new"):
        group = html[html.index(f'id="group-{key}"'):]
        assert 'data-count="1"' in group[:600]


def test_overdue_is_marked_with_how_late(alice_client, alice):
    _lead(alice, name="Late", next_follow_up=_days(-3), status=Status.CALL_LATER)
    html = alice_client.get(URL).content.decode()
    assert "alims-call-overdue" in html
    assert "Overdue by 3 days" in html


def test_entries_have_formatted_phone_tel_and_whatsapp_links(alice_client, alice):
    _lead(alice, name="Asha", phone="+919876543210")
    html = alice_client.get(URL).content.decode()
    assert "+91 98765 43210" in html
    assert 'href="tel:+919876543210"' in html
    assert "https://wa.me/919876543210?text=Hello%20Asha%2C%20this%20is%20Alice%20Abraham" in html


def test_hostile_names_and_templates_are_escaped(alice_client, alice):
    MessageTemplate.objects.update_or_create(status=Status.NEW,
                                             defaults={"text": XSS + " {name}"})
    _lead(alice, name=XSS)
    html = alice_client.get(URL).content.decode()
    assert "<img src=x" not in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_another_counsellors_customers_are_not_in_the_queue(alice_client, alice, bob):
    _lead(bob, name="Bobs Lead")
    _lead(alice, name="Alices Lead")
    html = alice_client.get(URL).content.decode()
    assert "Alices Lead" in html
    assert "Bobs Lead" not in html


def test_a_customer_shared_with_the_counsellor_is_in_the_queue(alice_client, alice, bob,
                                                               manager):
    shared = _lead(bob, name="Shared Lead")
    services.customer_share(customer=shared, user=alice, by=manager)
    assert "Shared Lead" in alice_client.get(URL).content.decode()


def test_manager_goes_to_the_follow_ups_due(manager_client):
    response = manager_client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/customers/customer/?follow_up=due"


def test_superuser_goes_to_the_follow_ups_due(superuser_client):
    response = superuser_client.get(URL)
    assert response.status_code == 302


def test_compliance_has_no_queue(reviewer_client):
    assert reviewer_client.get(URL).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- the status update from the queue ----------------------------------------

def _update_url(customer):
    return reverse("admin:customers_customer_my_calls_update", args=[customer.pk])


def test_update_with_a_preset_saves_through_the_service_and_opens_the_next(alice_client,
                                                                           alice):
    first = _lead(alice, name="First", assigned_at=timezone.now() - datetime.timedelta(days=2))
    second = _lead(alice, name="Second", assigned_at=timezone.now() - datetime.timedelta(days=1))
    response = alice_client.post(_update_url(first), {
        "status": Status.CALL_NOT_ATTENDED, "remark": "no answer", "preset": "tomorrow"})
    assert response.status_code == 302
    # the next lead opens, scrolled into view
    assert response["Location"] == f"{URL}?after={first.pk}#open-lead"
    assert 'id="open-lead"' in alice_client.get(f"{URL}?after={first.pk}").content.decode()
    first.refresh_from_db()
    assert first.status == Status.CALL_NOT_ATTENDED
    assert first.next_follow_up == _days(1)
    assert first.first_contacted is not None
    change = StatusChange.objects.get(customer=first, to_status=Status.CALL_NOT_ATTENDED)
    assert change.remark == "no answer" and change.changed_by == alice
    html = alice_client.get(response["Location"]).content.decode()
    assert f'id="lead-{first.pk}"' not in html  # left the queue: follow-up tomorrow
    lead = html[html.index(f'id="lead-{second.pk}"'):]
    assert '<details class="alims-call-update" open>' in lead[:3000]


def test_later_today_sets_a_time_and_keeps_the_lead_in_today(alice_client, alice):
    lead = _lead(alice, name="Ravi")
    morning = timezone.make_aware(datetime.datetime.combine(_today(), datetime.time(9, 5)))
    from unittest import mock
    with mock.patch("django.utils.timezone.now", return_value=morning):
        response = alice_client.post(_update_url(lead), {
            "status": Status.CALL_LATER, "remark": "", "preset": "later"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.next_follow_up == _today()
    assert lead.next_follow_up_time == datetime.time(12, 15)


def test_status_that_needs_a_follow_up_without_one_shows_the_rule(alice_client, alice):
    lead = _lead(alice, name="Meera")
    response = alice_client.post(_update_url(lead), {"status": Status.CALL_LATER, "preset": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "needs a follow-up date" in page
    # the form posts to its own card's anchor: the answer opens where the error is
    assert f'{_update_url(lead)}#lead-{lead.pk}"' in page and f'id="lead-{lead.pk}"' in page
    lead.refresh_from_db()
    assert lead.status == Status.NEW


def test_not_attended_without_a_date_says_when_the_schedule_calls_again(alice_client, alice):
    lead = _lead(alice, name="Nisha")
    response = alice_client.post(_update_url(lead), {
        "status": Status.CALL_NOT_ATTENDED, "remark": "", "preset": ""}, follow=True)
    lead.refresh_from_db()
    assert lead.next_follow_up is not None  # the cadence set one
    when = queue.Preset("", "", lead.next_follow_up, lead.next_follow_up_time).when
    assert [str(m) for m in response.context["messages"]] == [
        f"Nisha is now “Call not attended”. Call again on {when} (the team’s call-back schedule)."]


def test_a_preset_is_said_back_in_the_confirmation(alice_client, alice):
    lead = _lead(alice, name="Ravi")
    response = alice_client.post(_update_url(lead), {
        "status": Status.CALL_LATER, "remark": "", "preset": "tomorrow"}, follow=True)
    when = queue.Preset("", "", _days(1)).when
    assert [str(m) for m in response.context["messages"]] == [
        f"Ravi is now “Call later”. Call again on {when}."]


def test_no_follow_up_no_date_in_the_confirmation(alice_client, alice):
    lead = _lead(alice, name="Sara")
    response = alice_client.post(_update_url(lead), {
        "status": Status.VALID, "remark": "", "preset": ""}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Sara is now “Valid”."]


def test_the_hint_says_what_save_without_a_date_does(alice_client, alice):
    _lead(alice, name="Hint")
    page = alice_client.get(URL).content.decode()
    assert "need one" not in page
    assert "gets the next try from the team’s call-back schedule" in page


def test_a_date_typed_is_saved_when_no_preset_is_pressed(alice_client, alice):
    lead = _lead(alice, name="Sunil")
    response = alice_client.post(_update_url(lead), {
        "status": Status.VALID, "next_follow_up": _days(5).isoformat(), "preset": ""})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.next_follow_up == _days(5) and lead.status == Status.VALID


def test_updating_another_counsellors_customer_is_404(alice_client, bob):
    lead = _lead(bob)
    response = alice_client.post(_update_url(lead), {"status": Status.VALID, "preset": ""})
    assert response.status_code == 404
    assert Customer.objects.get(pk=lead.pk).status == Status.NEW


def test_update_from_the_queue_is_post_only(alice_client, alice):
    assert alice_client.get(_update_url(_lead(alice))).status_code == 405


def test_compliance_cannot_update(reviewer_client, alice):
    lead = _lead(alice)
    assert reviewer_client.post(_update_url(lead), {"status": Status.VALID}).status_code == 404


# --- touches -----------------------------------------------------------------

def _touch_url(customer, kind="call"):
    return reverse("admin:customers_customer_touch", args=[customer.pk, kind])


def test_a_tap_on_call_is_recorded_as_a_touch_and_a_contact(alice_client, alice):
    lead = _lead(alice)
    response = alice_client.post(_touch_url(lead))
    assert response.status_code == 204
    touch = Touch.objects.get(customer=lead)
    assert (touch.kind, touch.by) == (Touch.Kind.CALL, alice)
    lead.refresh_from_db()
    assert lead.first_contacted == touch.at == lead.last_contacted


def test_a_second_touch_keeps_first_contacted(alice_client, alice):
    lead = _lead(alice)
    alice_client.post(_touch_url(lead))
    lead.refresh_from_db()
    first = lead.first_contacted
    alice_client.post(_touch_url(lead, "whatsapp"))
    lead.refresh_from_db()
    assert lead.first_contacted == first
    assert lead.last_contacted > first
    assert Touch.objects.filter(customer=lead).count() == 2


def test_touch_needs_csrf(alice, alice_client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = alice_client.cookies
    lead = _lead(alice)
    assert strict.post(_touch_url(lead)).status_code == 403
    assert not Touch.objects.exists()


def test_touch_of_another_counsellors_customer_is_404(alice_client, bob):
    lead = _lead(bob)
    assert alice_client.post(_touch_url(lead)).status_code == 404
    assert not Touch.objects.exists()


def test_touch_of_an_unknown_kind_is_404(alice_client, alice):
    assert alice_client.post(_touch_url(_lead(alice), "fax")).status_code == 404


def test_touch_is_post_only(alice_client, alice):
    assert alice_client.get(_touch_url(_lead(alice))).status_code == 405


def test_compliance_cannot_touch(reviewer_client, alice):
    assert reviewer_client.post(_touch_url(_lead(alice))).status_code == 404


def test_manager_touch_is_recorded(manager_client, manager, alice):
    lead = _lead(alice)
    assert manager_client.post(_touch_url(lead)).status_code == 204
    assert Touch.objects.get(customer=lead).by == manager


def test_calls_counted_without_a_tap_are_not_called_none(alice_client, alice):
    """Five unanswered calls (status updates) and no tap on Call: the page
    does not say "no call recorded" under "5 call attempts"."""
    lead = _lead(alice, status=Status.CALL_NOT_ATTENDED, attempts=5, attempts_unanswered=5)
    page = alice_client.get(reverse("admin:customers_customer_change", args=[lead.pk]))
    html = page.content.decode()
    assert "5 call attempts" in html
    assert "No call or message recorded yet" not in html
    assert "No tap on Call or WhatsApp recorded yet." in html


def test_touches_show_on_the_customer_timeline(alice_client, alice):
    lead = _lead(alice)
    alice_client.post(_touch_url(lead, "whatsapp"))
    services.customer_change_status(customer=lead, status=Status.VALID, remark="spoke",
                                    by=alice)
    html = alice_client.get(reverse("admin:customers_customer_change",
                                    args=[lead.pk])).content.decode()
    touches = html[html.index('id="customer-timeline"'):]
    touches = touches[:touches.index("</section>")]
    # the tap is listed with the calls and messages; the status update is on
    # the Timeline tab, not repeated here
    assert "WhatsApp message" in touches and "spoke" not in touches


# --- bounds and queries ------------------------------------------------------

def test_each_group_is_bounded_with_show_more(alice_client, alice):
    for n in range(selectors.QUEUE_GROUP_FIRST + 5):
        _lead(alice, name=f"Lead {n:02d}")
    html = alice_client.get(URL).content.decode()
    assert html.count('class="alims-call"') == selectors.QUEUE_GROUP_FIRST
    assert "Show 5 more" in html
    html = alice_client.get(URL + "?new=30").content.decode()
    assert html.count('class="alims-call"') == selectors.QUEUE_GROUP_FIRST + 5


def test_a_huge_limit_is_cut_to_the_bound():
    assert selectors.queue_limit("100000") == selectors.QUEUE_GROUP_MAX
    assert selectors.queue_limit("x") == selectors.QUEUE_GROUP_FIRST


def test_fifty_entries_take_a_bounded_number_of_queries(alice_client, alice,
                                                        django_assert_max_num_queries):
    for n in range(50):
        _lead(alice, next_follow_up=[_today(), _days(-1)][n % 2],
              status=Status.CALL_LATER)
    for n in range(30):
        _lead(alice)
    with django_assert_max_num_queries(20):
        response = alice_client.get(URL + "?today=50&overdue=50&new=50")
    assert response.content.decode().count('data-customer=') == 80


# --- the follow-up list, the dashboard, the landing page, the templates' admin

def test_follow_ups_due_is_sorted_by_date_with_overdue_marked_and_titled(alice_client, alice):
    _lead(alice, name="Later Added", next_follow_up=_days(-5), date_added=_today())
    _lead(alice, name="Earlier Added", next_follow_up=_today(),
          date_added=_days(-30))
    html = alice_client.get("/customers/customer/?follow_up=due").content.decode()
    assert html.index("Later Added") < html.index("Earlier Added")
    assert "overdue" in html[html.index("Later Added"):html.index("Earlier Added")]
    assert "<title>Follow-ups due" in html or ">Follow-ups due<" in html


def test_dashboard_to_call_lists_today_first_and_links_the_queue(alice_client, alice):
    for n in range(16):
        _lead(alice, name=f"Old {n}", next_follow_up=_days(-10 - n),
              status=Status.CALL_LATER)
    _lead(alice, name="Call Me Today", next_follow_up=_today(), phone="+919876500001",
          status=Status.CALL_LATER)
    html = alice_client.get("/").content.decode()
    panel = html[html.index('id="panel-due"'):]
    panel = panel[:panel.index("</section>")]
    assert "Call Me Today" in panel
    assert panel.index("Call Me Today") < panel.index("Old 15")  # the oldest overdue
    assert URL in panel
    assert "+91 98765 00001" in panel and 'href="tel:+919876500001"' in panel


def test_counsellor_lands_on_my_calls_after_signing_in(client, alice):
    from tests.factories import PASSWORD

    response = client.post("/login/", {"username": "alice", "password": PASSWORD,
                                       "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == URL
    # the dashboard stays reachable afterwards
    assert client.get("/").status_code == 200


def test_counsellor_asking_for_a_page_lands_on_it(client, alice):
    from tests.factories import PASSWORD

    response = client.post("/login/?next=/customers/customer/", {
        "username": "alice", "password": PASSWORD, "next": "/customers/customer/"})
    assert response["Location"] == "/customers/customer/"
    assert client.get("/").status_code == 200


def test_manager_lands_on_the_dashboard(client, manager):
    from tests.factories import PASSWORD

    response = client.post("/login/", {"username": "maya", "password": PASSWORD, "next": "/"},
                           follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200


def test_manager_edits_the_whatsapp_message_of_a_status(manager_client, alice):
    template = MessageTemplate.objects.get(status=Status.NEW)
    url = reverse("admin:customers_messagetemplate_change", args=[template.pk])
    response = manager_client.post(url, {"text": "Hi {name}, {counsellor} here."})
    assert response.status_code == 302
    _lead(alice, name="Anu")
    client = __import__("tests.conftest", fromlist=["_client_for"])._client_for(alice)
    assert "?text=Hi%20Anu%2C%20Alice%20Abraham%20here." in client.get(URL).content.decode()


def test_a_message_with_a_placeholder_we_do_not_fill_is_refused(manager_client):
    template = MessageTemplate.objects.get(status=Status.NEW)
    before = template.text
    url = reverse("admin:customers_messagetemplate_change", args=[template.pk])
    response = manager_client.post(url, {"text": 'Hi {name} {first_name} "><img src=x>'})
    assert response.status_code == 200
    page = response.content.decode()
    assert "{first_name} would reach the customer as typed" in page
    assert "<img src=x>" not in page
    template.refresh_from_db()
    assert template.text == before


def test_counsellors_and_compliance_cannot_edit_messages(alice_client, reviewer_client):
    template = MessageTemplate.objects.get(status=Status.NEW)
    url = reverse("admin:customers_messagetemplate_change", args=[template.pk])
    assert alice_client.get(url).status_code in (403, 404)
    assert reviewer_client.get(url).status_code in (403, 404)
    assert alice_client.post(url, {"text": "x"}).status_code in (403, 404)
    template.refresh_from_db()
    assert template.text != "x"


def test_every_status_has_a_message_after_migrating():
    assert set(MessageTemplate.objects.values_list("status", flat=True)) == set(Status.values)


def test_a_follow_up_typed_day_first_in_the_queue_is_saved(alice_client, alice):
    lead = _lead(alice, name="Typed Date")
    day = _days(3)
    html = alice_client.get(URL).content.decode()
    assert 'type="date"' not in html  # a native box would read month first in an American browser
    assert 'name="next_follow_up" inputmode="numeric"' in html
    response = alice_client.post(_update_url(lead), {
        "status": Status.CALL_LATER, "remark": "exams", "preset": "",
        "next_follow_up": day.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == Status.CALL_LATER and lead.next_follow_up == day


def test_a_follow_up_typed_month_first_is_refused_with_how_to_write_it(alice_client, alice):
    lead = _lead(alice, name="Wrong Order")
    response = alice_client.post(_update_url(lead), {
        "status": Status.CALL_LATER, "remark": "", "preset": "", "next_follow_up": "12/25/2026"})
    assert response.status_code == 400  # the queue again, the lead open with the error
    assert "Write the date day first" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == Status.NEW
