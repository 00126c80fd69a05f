"""Leave days in the admin, by role, and the counsellors' caps on the user list."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.followups.models import Holiday, LeaveDay
from tests.factories import second_factor_given

pytestmark = pytest.mark.django_db

LIST = reverse("admin:followups_leaveday_changelist")
ADD = reverse("admin:followups_leaveday_add")
HOSTILE = '"><img src=x onerror=alert(1)>'


def _change(pk):
    return reverse("admin:followups_leaveday_change", args=[pk])


def _delete(pk):
    return reverse("admin:followups_leaveday_delete", args=[pk])


def _today():
    return timezone.localdate()


def _day(offset):
    return _today() + datetime.timedelta(days=offset)


def test_a_manager_records_leave_for_any_counsellor_past_days_too(manager_client, manager,
                                                                   alice, bob):
    for who, day in ((alice, _day(3)), (bob, _day(-2))):
        response = manager_client.post(ADD, {"user": who.pk, "date": day.isoformat(),
                                             "note": "Exam duty", "_save": "Save"})
        assert response.status_code == 302, response.content.decode()[:2000]
    assert set(LeaveDay.objects.values_list("user", "date", "created_by")) == {
        (alice.pk, _day(3), manager.pk), (bob.pk, _day(-2), manager.pk)}
    page = manager_client.get(LIST).content.decode()
    assert "Alice Abraham" in page and "Bob Babu" in page
    # not a counsellor: refused
    response = manager_client.post(ADD, {"user": manager.pk, "date": _day(1).isoformat(),
                                         "_save": "Save"})
    assert response.status_code == 200 and LeaveDay.objects.count() == 2


def test_a_counsellor_sees_and_records_only_their_own(alice_client, alice, bob):
    theirs = LeaveDay.objects.create(user=bob, date=_day(1), note="Bob's day")
    response = alice_client.post(ADD, {"user": bob.pk, "date": _day(2).isoformat(),
                                       "note": "mine", "_save": "Save"})
    assert response.status_code == 302
    mine = LeaveDay.objects.get(note="mine")
    assert mine.user == alice and mine.created_by == alice  # the user field is them
    page = alice_client.get(LIST).content.decode()
    assert "mine" in page and "Bob&#x27;s day" not in page and "Bob's day" not in page
    for url in (_change(theirs.pk), _delete(theirs.pk)):
        assert alice_client.get(url).status_code == 404
        assert alice_client.post(url, {"date": _day(5).isoformat(), "post": "yes"}).status_code == 404
    assert LeaveDay.objects.filter(pk=theirs.pk, date=_day(1)).exists()
    # a day in the past is refused
    response = alice_client.post(ADD, {"date": _day(-1).isoformat(), "_save": "Save"})
    assert response.status_code == 200 and "past" in response.content.decode()
    assert LeaveDay.objects.filter(user=alice).count() == 1
    # the same day twice: said on the form
    response = alice_client.post(ADD, {"date": _day(2).isoformat(), "_save": "Save"})
    assert response.status_code == 200 and "already recorded" in response.content.decode()
    # and they delete their own
    assert alice_client.post(_delete(mine.pk), {"post": "yes"}).status_code == 302
    assert not LeaveDay.objects.filter(pk=mine.pk).exists()


def test_compliance_reads_leave_and_changes_nothing(reviewer_client, alice):
    leave = LeaveDay.objects.create(user=alice, date=_day(1), note="Visa office")
    assert "Visa office" in reviewer_client.get(LIST).content.decode()
    assert reviewer_client.get(_change(leave.pk)).status_code == 200
    assert reviewer_client.get(ADD).status_code == 403
    reviewer_client.post(_change(leave.pk), {"user": alice.pk, "date": _day(9).isoformat(),
                                             "note": "changed"})
    reviewer_client.post(_delete(leave.pk), {"post": "yes"})
    reviewer_client.post(ADD, {"user": alice.pk, "date": _day(4).isoformat(), "_save": "Save"})
    assert list(LeaveDay.objects.values_list("date", "note")) == [(_day(1), "Visa office")]


def test_a_hostile_note_is_shown_as_text(manager_client, alice_client, alice):
    leave = LeaveDay.objects.create(user=alice, date=_day(1), note=HOSTILE)
    for client, url in ((manager_client, LIST), (alice_client, LIST),
                        (manager_client, _change(leave.pk)), (alice_client, _change(leave.pk))):
        page = client.get(url).content.decode()
        assert "<img src=x" not in page, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, url


def test_managers_set_the_caps_of_counsellors(manager_client, alice, bob):
    changelist = reverse("admin:accounts_user_changelist")
    response = manager_client.post(changelist, {
        "action": "set_caps", "_selected_action": [alice.pk, bob.pk], "apply": "1",
        "daily_new_cap": "30", "max_open_leads": ""}, follow=True)
    assert response.status_code == 200
    assert set(User.objects.filter(pk__in=[alice.pk, bob.pk])
               .values_list("daily_new_cap", "max_open_leads")) == {(30, None)}
    assert "30 a day" in manager_client.get(changelist).content.decode()


def test_a_counsellor_may_not_set_caps(alice_client, alice):
    alice_client.post(reverse("admin:accounts_user_changelist"), {
        "action": "set_caps", "_selected_action": [alice.pk], "apply": "1",
        "daily_new_cap": "300"})
    alice.refresh_from_db()
    assert alice.daily_new_cap is None


def test_the_leave_days_link_is_in_the_sidebar(alice, manager):
    for user in (alice, manager):
        client = Client()
        client.force_login(user)
        second_factor_given(client, user)
        assert LIST in client.get(reverse("admin:index")).content.decode()


def test_a_leave_day_and_a_holiday_are_named_with_the_day_as_elsewhere(alice):
    day = datetime.date(2026, 12, 5)
    assert str(LeaveDay(user=alice, date=day)).endswith(": 5 Dec 2026")
    assert str(Holiday(date=day, name="Feast")) == "5 Dec 2026 Feast"
