"""The preview's forms posted from a page that is out of date (another tab)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice.customers.models import Customer
from backoffice.imports.models import ImportRun

pytestmark = pytest.mark.django_db

CSV = ("name,phone,status\n"
       "A,9876543210,Hot\nB,9876543211,Hot\nC,9876543212,Hot\n"
       "D,9876543213,Cold\nE,9876543214,Cold\n")


def _upload(client, content=CSV):
    r = client.post(reverse("admin:imports_importrun_add"),
                    {"file": SimpleUploadedFile("l.csv", content.encode())})
    assert r.status_code == 302
    return ImportRun.objects.get()


def test_a_status_chosen_on_an_old_page_goes_to_the_status_it_was_chosen_for(manager_client):
    run = _upload(manager_client)
    url = reverse("admin:imports_importrun_preview", args=[run.pk])
    page = manager_client.get(url)
    rows = page.context["forms"]["statuses"].rows()
    assert [value for value, _n, _f, _shown in rows] == ["Hot", "Cold"]
    # tab B: Hot becomes "admission"
    manager_client.post(url, {"statuses": "1", "status_0": "admission", "value_0": "Hot",
                              "value_1": "Cold"})
    manager_client.get(url)
    # tab A (still showing Hot, Cold): Hot -> admission, Cold -> not_interested
    manager_client.post(url, {"statuses": "1", "status_0": "admission", "value_0": "Hot",
                              "status_1": "not_interested", "value_1": "Cold"})
    run.refresh_from_db()
    status_map = run.settings["status_map"]
    assert status_map.get("Cold") in (None, "not_interested"), status_map


def test_confirm_from_a_page_counted_before_another_tab_changed_the_reading_is_refused(
        manager_client, django_capture_on_commit_callbacks):
    content = "name,phone,date\nA,9876543210,02/03/2026\n"
    run = _upload(manager_client, content)
    url = reverse("admin:imports_importrun_preview", args=[run.pk])
    page = manager_client.get(url)
    assert page.status_code == 200
    # tab B changes the date order (and the country) after tab A was shown
    r = manager_client.post(url, {"read_as": "1", "country": "IN", "date_order": "mdy"})
    assert r.status_code == 302
    # tab A starts the import it was shown (day first)
    with django_capture_on_commit_callbacks(execute=True):
        refused = manager_client.post(url, {
            "confirm": "1", "policy": "skip", "assignment": "none", "default_status": "new",
            "counted": page.context["preview"].counted_at.isoformat()})
    assert "read differently since this page was shown" in refused.content.decode()
    run.refresh_from_db()
    customer = Customer.objects.filter(phone="+919876543210").first()
    # what tab A showed: 2 March; what was imported must not be something else unseen
    assert run.state in (ImportRun.State.UPLOADED,) or (
        customer is not None and customer.date_added.month == 3), (
        run.state, customer and customer.date_added)


