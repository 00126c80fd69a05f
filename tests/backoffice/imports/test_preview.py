"""The preview page, where the manager decides how a file is read: its header
row, what each column holds, the country and date order, our status for the
file's own statuses, and saves all that as a data source.

What the file's facts say (countries, a likely country, ambiguous dates,
unknown statuses) is put in place through ``pipeline.file_facts`` (the seam
the analysis fills); everything else goes through a real file."""

from collections import Counter

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice.customers.models import Customer
from backoffice.imports import pipeline, services
from backoffice.imports.analysis import FileFacts
from backoffice.imports.models import DataSource, ImportRun
from backoffice.imports.regions import REGION_NAMES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

XSS = '"><img src=x onerror=alert(1)>'
ESCAPED = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
CSV_XSS = '"""><img src=x onerror=alert(1)>"'  # the payload as one CSV cell

LEADS = (
    "Website enquiries\n"
    "Exported 2026-11-30\n"
    "Student Name,Mobile,Parent Contact,Internal Code,Programme Interest\n"
    "Anu Nair,98765 43210,98470 11111,X-1,BSc Nursing\n"
    "Rahul,98765 43211,98470 22222,X-2,BCom\n"
)


def _upload(client, content=LEADS, name="leads.csv", **extra):
    if isinstance(content, str):
        content = content.encode()
    response = client.post(reverse("admin:imports_importrun_add"),
                           {"file": SimpleUploadedFile(name, content), **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRun.objects.order_by("-pk").first()


def _url(run):
    return reverse("admin:imports_importrun_preview", args=[run.pk])


def _columns(run, **choices):
    """A columns POST: every column kept as a source detail unless chosen."""
    run.refresh_from_db()
    headers = services.import_preview_stored(run).plan.headers  # the page was seen
    data = {"remap": "1"}
    for index in range(len(headers)):
        data[f"col_{index}"] = choices.get(f"col_{index}", "__keep__")
    return data


def _confirm(client, run):
    return client.post(_url(run), {"confirm": "1", "policy": "skip", "assignment": "none",
                                   "default_status": "new"})


@pytest.fixture
def facts(monkeypatch):
    """Put the file's facts in place: ``facts(likely_country="US", ...)``."""
    def put(**values):
        made = FileFacts(**values)
        monkeypatch.setattr(pipeline, "file_facts", lambda rows, options: made)
        return made
    return put


# --- header row ------------------------------------------------------------------


def test_the_header_row_is_chosen_from_the_files_first_rows_shown_escaped(manager_client):
    run = _upload(manager_client, LEADS.replace("Website enquiries", CSV_XSS))
    page = manager_client.get(_url(run))
    text = page.content.decode()
    options = dict(page.context["forms"]["header"].fields["header_row"].choices)
    assert sorted(options) == [1, 2, 3, 4, 5]
    assert options[3].startswith("Row 3: Student Name · Mobile · Parent Contact")
    assert page.context["forms"]["header"]["header_row"].value() == 3
    assert ESCAPED in text and XSS not in text


def test_choosing_the_header_row_keeps_it_and_finds_the_columns_again(manager_client):
    run = _upload(manager_client)
    manager_client.get(_url(run))
    manager_client.post(_url(run), _columns(run, col_0="name", col_2="phone"))
    run.refresh_from_db()
    assert run.settings["mapping"] == {"name": 0, "phone": 2}
    response = manager_client.post(_url(run), {"header": "1", "header_row": "3"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.settings["header_row"] == 3
    assert run.settings["mapping"] == {"name": 0, "phone": 1}  # found again, under the headers


def test_the_chosen_header_row_is_the_one_read(manager_client):
    content = ("Mobile,Name\n9876543299,Title row that looks like data\n"
               "Student Name,Mobile,Area\nAnu,9876543210,Kochi\n")
    run = _upload(manager_client, content)
    assert services.import_preview(run=run).plan.header_row == 3  # the best headers
    manager_client.post(_url(run), {"header": "1", "header_row": "1"})
    preview = manager_client.get(_url(run)).context["preview"]
    assert preview.plan.header_row == 1 and preview.plan.headers == ["Mobile", "Name"]


# --- columns -----------------------------------------------------------------------


def test_each_column_shows_its_header_and_examples_and_offers_every_field(manager_client):
    run = _upload(manager_client, LEADS.replace("Internal Code", CSV_XSS).replace("X-1", CSV_XSS))
    page = manager_client.get(_url(run))
    columns = page.context["columns"]
    assert [(number, header) for number, header, _examples, _field in columns][:3] == [
        (1, "Student Name"), (2, "Mobile"), (3, "Parent Contact")]
    assert columns[2][2] == ["98470 11111", "98470 22222"]
    selects = [field.value() for *_rest, field in columns]
    assert selects == ["name", "phone", "__keep__", "__keep__", "__keep__"]
    offered = [value for value, _label in columns[2][3].field.choices]
    assert offered[:2] == ["__keep__", "__ignore__"]
    assert {"name", "phone", "alternate_phone", "email", "area", "date_added", "remarks",
            "status", "country"} <= set(offered)
    text = page.content.decode()
    assert XSS not in text and text.count(ESCAPED) >= 2  # the header and the example


def test_a_column_mapped_to_a_field_and_one_ignored_change_what_is_stored(manager_client):
    run = _upload(manager_client)
    manager_client.get(_url(run))
    response = manager_client.post(
        _url(run), _columns(run, col_0="name", col_1="phone", col_2="alternate_phone",
                            col_3="__ignore__"), follow=True)
    run.refresh_from_db()
    assert run.settings["mapping"] == {"name": 0, "phone": 1, "alternate_phone": 2}
    assert run.settings["ignored_headers"] == ["Internal Code"]
    first = response.context["preview"].first_rows[0]
    assert first.clean.alternate_phone == "+919847011111"
    assert first.clean.details == {"Programme Interest": "BSc Nursing"}
    assert [field.value() for *_rest, field in response.context["columns"]] == [
        "name", "phone", "alternate_phone", "__ignore__", "__keep__"]


def test_a_field_chosen_for_two_columns_is_refused(manager_client):
    run = _upload(manager_client)
    manager_client.get(_url(run))
    response = manager_client.post(_url(run), _columns(run, col_1="phone", col_2="phone"))
    assert response.status_code == 200
    assert "Phone is already column 2" in response.content.decode()
    run.refresh_from_db()
    assert run.settings["mapping"] == {"name": 0, "phone": 1}


def test_a_refused_choice_is_said_at_the_top_of_the_page_with_a_link_to_it(manager_client):
    run = _upload(manager_client)
    manager_client.get(_url(run))
    response = manager_client.post(_url(run), _columns(run, col_1="phone", col_2="phone"))
    said = [str(message) for message in response.context["messages"]]
    assert any("That choice was not applied:" in m and "already column 2" in m
               and 'href="#remap-section"' in m for m in said), said


def test_the_phone_column_must_be_chosen(manager_client):
    run = _upload(manager_client)
    manager_client.get(_url(run))
    response = manager_client.post(_url(run), _columns(run, col_0="name"))
    assert "Choose the column that holds the phone." in response.content.decode()
    run.refresh_from_db()
    assert run.settings["mapping"] == {"name": 0, "phone": 1}


def test_a_column_without_a_header_cannot_be_ignored(manager_client):
    run = _upload(manager_client, "Name,Mobile,\nAnu,9876543210,x\n")
    manager_client.get(_url(run))
    response = manager_client.post(_url(run), _columns(run, col_0="name", col_1="phone",
                                                       col_2="__ignore__"))
    assert "A column without a header cannot be left out" in response.content.decode()


def test_a_plugin_that_maps_its_rows_itself_offers_only_its_own_fields(manager_client):
    run = _upload(manager_client, "First Name,Last Name,Country Code,Mobile\n"
                                  "Anu,Nair,91,9876543210\n")
    assert run.importer == "expo_split"
    columns = manager_client.get(_url(run)).context["columns"]
    offered = {value for value, _label in columns[0][3].field.choices}
    assert {"first_name", "last_name", "country_code", "mobile"} <= offered
    assert "email" in offered and "status" not in offered  # it never reads a status


# --- read as: country and date order -------------------------------------------------


def test_choosing_the_country_reads_national_numbers_as_its_own(manager_client):
    run = _upload(manager_client, "Name,Mobile,Date\nJo,201-555-0123,03/04/2026\n")
    assert manager_client.get(_url(run)).context["preview"].invalid == 1
    response = manager_client.post(_url(run), {"read_as": "1", "country": "US",
                                                "date_order": "mdy"}, follow=True)
    run.refresh_from_db()
    assert (run.settings["country"], run.settings["country_confirmed"],
            run.settings["date_order"]) == ("US", True, "mdy")
    preview = response.context["preview"]
    assert preview.invalid == 0 and preview.first_rows[0].clean.phone == "+12015550123"


def test_the_countries_found_and_the_dominant_country_are_shown(manager_client, facts):
    facts(countries=Counter({"IN": 1204, "US": 12}), dominant_country="IN")
    run = _upload(manager_client)
    text = manager_client.get(_url(run)).content.decode()
    assert "Countries found: India 1,204 · United States 12" in " ".join(text.split())
    assert ("Numbers without a country code are read as numbers from India, because nearly all "
            "numbers with a country code are from there.") in " ".join(text.split())


def test_the_first_rows_show_status_labels_and_refused_rows_without_empty_cells(manager_client):
    run = _upload(manager_client, "Name,Phone,Status,Area,Notes\nAnu,9876543210,Call later,,\n"
                                  "Bina,12,,,\n")
    text = " ".join(manager_client.get(_url(run)).content.decode().split())
    assert ">Call later</td>" in text and ">call_later<" not in text
    assert "Bina · 12" in text and "None" not in text


def test_a_likely_country_must_be_chosen_before_importing(manager_client, facts,
                                                          django_capture_on_commit_callbacks):
    facts(likely_country="US", likely_reason="3-3-4 groups like 660-485-0224")
    run = _upload(manager_client)
    page = manager_client.get(_url(run))
    text = " ".join(page.content.decode().split())
    assert 'role="alert" id="country-question"' in text
    assert ("These numbers are written as they are in the United States (3-3-4 groups like "
            "660-485-0224), and nothing says which country they are from.") in text
    assert page.context["forms"]["read_as"]["country"].value() == "US"  # proposed
    assert b'disabled aria-describedby="start-blocked"' in page.content
    with django_capture_on_commit_callbacks() as queued:
        refused = _confirm(manager_client, run)
    assert refused.status_code == 200 and not queued
    assert "Choose the country before importing" in refused.content.decode()
    manager_client.post(_url(run), {"read_as": "1", "country": "IN", "date_order": "dmy"})
    page = manager_client.get(_url(run))
    assert b"country-question" not in page.content and b"start-blocked" not in page.content
    with django_capture_on_commit_callbacks() as queued:
        assert _confirm(manager_client, run).status_code == 302
    assert len(queued) == 1


def test_ambiguous_dates_are_shown_with_the_date_order_highlighted(manager_client, facts):
    facts(ambiguous_dates=["03/04/2026", XSS])
    run = _upload(manager_client)
    text = manager_client.get(_url(run)).content.decode()
    assert 'id="ambiguous-dates"' in text and "<code>03/04/2026</code>" in text
    assert ESCAPED in text and XSS not in text
    assert 'alims-attention" id="read_as-section"' in text


# --- statuses ------------------------------------------------------------------------


def test_an_unknown_status_is_translated_and_the_rows_counted_again(manager_client, facts):
    facts(unknown_statuses=Counter({"Hot lead": 1, XSS: 1}))
    content = f"Name,Mobile,Status\nAnu,9876543210,Hot lead\nRia,9876543211,{CSV_XSS}\n"
    run = _upload(manager_client, content)
    page = manager_client.get(_url(run))
    assert page.context["preview"].warnings == 2
    text = page.content.decode()
    assert "“Hot lead”" in text and ESCAPED in text and XSS not in text
    response = manager_client.post(_url(run), {"statuses": "1", "status_0": "admission",
                                               "status_1": ""}, follow=True)
    run.refresh_from_db()
    assert run.settings["status_map"] == {"Hot lead": "admission"}
    preview = response.context["preview"]
    assert preview.warnings == 1 and preview.first_rows[0].clean.status == "admission"


# --- counts, first rows and problems ---------------------------------------------------


def test_rows_kept_with_a_warning_are_counted_listed_and_show_their_details(manager_client):
    content = ("Name,Mobile,Email,Other,Notes\n"
               f"Anu,9876543210,not-an-email,9847011111,{CSV_XSS}\n"
               "Bad,12,,,\n")
    run = _upload(manager_client, content.replace("Other", "Alternate Phone"))
    manager_client.get(_url(run))
    manager_client.post(_url(run), _columns(run, col_0="name", col_1="phone", col_2="email",
                                            col_3="alternate_phone"))
    for page in (manager_client.get(_url(run)), manager_client.get(_url(run))):  # kept too
        preview = page.context["preview"]
        assert (preview.rows, preview.new, preview.invalid, preview.warnings) == (2, 1, 1, 1)
        text = page.content.decode()
        assert '<dd class="font-semibold text-xl text-orange-700" data-count="warnings">1' in text
        row = text[text.index('data-row="2"'):text.index('data-row="3"')]
        assert "+919847011111" in row and "2 details" in row
        assert "<dt>Email (as written)</dt><dd>not-an-email</dd>" in row
        assert f"<dt>Notes</dt><dd>{ESCAPED}</dd>" in row and XSS not in text
        assert "is not an email address: kept in the source details" in row
        problems = text[text.index('id="preview-problems"'):]
        assert "Kept with a warning" in problems and "Refused" in problems


# --- save as a data source -------------------------------------------------------------


def test_saving_as_a_data_source_keeps_how_the_file_is_read(manager_client, manager):
    run = _upload(manager_client, LEADS.replace("Student Name,", "Student Name,Stage,")
                  .replace("Anu Nair,", "Anu Nair,Warm,").replace("Rahul,", "Rahul,Warm,"))
    manager_client.get(_url(run))
    manager_client.post(_url(run), _columns(run, col_0="name", col_1="status", col_2="phone",
                                            col_3="alternate_phone", col_4="__ignore__"))
    manager_client.post(_url(run), {"read_as": "1", "country": "IN", "date_order": "mdy"})
    manager_client.post(_url(run), {"statuses": "1"})  # no unknown status known: nothing
    run.refresh_from_db()
    run.settings = {**run.settings, "status_map": {"Warm": "call_later"}}
    run.save()
    response = manager_client.post(_url(run), {"save_source": "new", "name": " Website  leads "},
                                   follow=True)
    assert "Saved as the data source “Website leads”." in response.content.decode()
    source = DataSource.objects.get()
    assert (source.name, source.slug, source.importer) == ("Website leads", "website-leads",
                                                           "standard")
    assert source.extra_aliases == {"name": ["Student Name"], "status": ["Stage"],
                                    "phone": ["Mobile"], "alternate_phone": ["Parent Contact"]}
    assert source.ignored_headers == ["Internal Code"]
    assert (source.country, source.date_order, source.status_map, source.header_row) == (
        "IN", "mdy", {"Warm": "call_later"}, None)
    assert source.history.get().history_user == manager
    run.refresh_from_db()
    assert run.data_source == source


def test_the_next_file_from_a_saved_source_is_read_the_same_way(
    manager_client, django_capture_on_commit_callbacks
):
    run = _upload(manager_client)
    manager_client.get(_url(run))
    manager_client.post(_url(run), _columns(run, col_0="name", col_1="phone",
                                            col_2="alternate_phone", col_3="__ignore__"))
    manager_client.post(_url(run), {"save_source": "new", "name": "Website"})
    source = DataSource.objects.get()
    following = LEADS.replace("98765 4321", "99999 0000").replace("9847", "9848")
    second = _upload(manager_client, following, name="more.csv", data_source=source.pk)
    page = manager_client.get(_url(second))
    assert [field.value() for *_rest, field in page.context["columns"]] == [
        "name", "phone", "alternate_phone", "__ignore__", "__keep__"]
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(manager_client, second)
    customer = Customer.objects.get(phone="+919999900000")
    assert customer.alternate_phone == "+919848011111"
    assert customer.source_details == {"Programme Interest": "BSc Nursing"}
    assert customer.data_source == source


def test_a_column_kept_as_a_detail_stays_one_in_the_next_file_though_its_header_is_known(
    manager_client, django_capture_on_commit_callbacks
):
    content = "Name,Phone,City\nAnu,9876543210,Hostel B\n"  # "City" is an alias of area
    run = _upload(manager_client, content)
    manager_client.get(_url(run))
    manager_client.post(_url(run), _columns(run, col_0="name", col_1="phone"))
    manager_client.post(_url(run), {"save_source": "new", "name": "Hostel list"})
    source = DataSource.objects.get()
    assert source.extra_aliases["__keep__"] == ["City"]
    second = _upload(manager_client, content.replace("9876543210", "9876543211"),
                     name="next.csv", data_source=source.pk)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(manager_client, second)
    customer = Customer.objects.get(phone="+919876543211")
    assert customer.area == "" and customer.source_details == {"City": "Hostel B"}


def test_updating_the_runs_data_source_replaces_what_its_headers_meant(manager_client):
    source = DataSource.objects.create(
        name="Expo", slug="expo", importer="standard",
        extra_aliases={"alternate_phone": ["Mobile", "Second number"]})
    run = _upload(manager_client, "Name,Phone,Mobile\nAnu,9847011111,9876543210\n",
                  data_source=source.pk)
    assert run.settings["mapping"] == {"name": 0, "phone": 1, "alternate_phone": 2}
    manager_client.get(_url(run))
    manager_client.post(_url(run), _columns(run, col_0="name", col_1="alternate_phone",
                                            col_2="phone"))
    response = manager_client.post(_url(run), {"save_source": "update"}, follow=True)
    assert "“Expo” now reads its files this way." in response.content.decode()
    source.refresh_from_db()
    assert source.extra_aliases == {"alternate_phone": ["Phone", "Second number"],
                                    "name": ["Name"], "phone": ["Mobile"]}
    assert DataSource.objects.count() == 1


def test_a_data_source_name_already_taken_is_refused(manager_client):
    DataSource.objects.create(name="Website", slug="website", importer="standard")
    run = _upload(manager_client)
    response = manager_client.post(_url(run), {"save_source": "new", "name": "Website"})
    assert response.status_code == 200
    assert "Data source with this Name already exists." in response.content.decode()
    assert DataSource.objects.count() == 1


def test_a_new_data_source_needs_a_name(manager_client):
    run = _upload(manager_client)
    response = manager_client.post(_url(run), {"save_source": "new", "name": "  "})
    assert "Give the data source a name." in response.content.decode()
    assert not DataSource.objects.exists()


def test_only_who_may_add_data_sources_saves_one(manager_client, manager):
    run = _upload(manager_client)
    importer = UserFactory()
    importer.user_permissions.add(Permission.objects.get(codename="add_importrun"))
    with pytest.raises(services.PermissionDenied):
        services.data_source_save_from_run(run=run, by=importer, name="Website")
    assert services.data_source_save_from_run(run=run, by=manager, name="Website").pk


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("data", [
    {}, {"header": "1", "header_row": "1"}, {"remap": "1", "col_0": "phone"},
    {"read_as": "1", "country": "US", "date_order": "mdy"}, {"statuses": "1"},
    {"save_source": "new", "name": "Mine"},
])
def test_the_preview_is_not_found_for_counsellors_and_compliance(
    manager_client, alice_client, reviewer_client, data
):
    run = _upload(manager_client)
    manager_client.get(_url(run))
    before = ImportRun.objects.get().settings
    for client in (alice_client, reviewer_client):
        response = client.post(_url(run), data) if data else client.get(_url(run))
        assert response.status_code == 404
    assert ImportRun.objects.get().settings == before and not DataSource.objects.exists()


def test_every_region_numbers_are_read_for_has_a_name():
    import phonenumbers

    assert set(REGION_NAMES) == set(phonenumbers.SUPPORTED_REGIONS)
    assert REGION_NAMES["IN"] == "India" and REGION_NAMES["AE"] == "United Arab Emirates"


def test_the_start_button_says_what_will_be_written_in_the_singular(manager_client):
    import re

    run = _upload(manager_client, "Name,Mobile\nAnu,9876543210\n")
    text = manager_client.get(_url(run)).content.decode()
    assert re.search(r"Start the import\s*</button>", text)
    assert "1 new customer and 0 already customers" in text


def test_the_start_button_does_not_count_the_rows_left_out_as_imported(manager_client):
    """The button used to say "Import 4 rows" for a file of which 2 are written."""
    run = _upload(manager_client, "Name,Mobile\nAnu,9876543210\nBina,9876543211\n"
                                  "Again,9876543210\nNo number,\n")
    page = manager_client.get(_url(run)).content.decode()
    summary = page.split('id="start-summary">', 1)[1].split("</p>", 1)[0]
    assert "2 new customers and 0 already customers" in summary
    assert "2 rows left out (duplicates in the file and refused)" in summary
    assert "Import 4 rows" not in page


def test_a_file_whose_phone_column_is_unknown_is_previewed_to_choose_it(manager_client):
    run = _upload(manager_client, "Student,Parent's No\nAnu,9876543210\n<b>x</b>,9876543211\n")
    page = manager_client.get(_url(run))
    text = page.content.decode()
    assert 'id="needs-columns"' in text and "No column for the phone number" in text
    assert 'id="preview-counts"' not in text
    assert 'disabled aria-describedby="start-blocked"' in text and "<b>x</b>" not in text
    manager_client.post(_url(run), _columns(run, col_0="name", col_1="phone"))
    page = manager_client.get(_url(run))
    assert b'id="needs-columns"' not in page.content
    assert page.context["preview"].new == 2


def test_the_preview_says_when_the_files_dates_decided_the_date_order(manager_client):
    run = _upload(manager_client, "Name,Phone,Date\nAnu,9876543210,11/24/2026\n")
    text = " ".join(manager_client.get(_url(run)).content.decode().split())
    assert "Dates are read month first (12/31/2026), because the file's own dates" in text


def test_a_workbook_named_file_that_is_text_says_how_it_was_read(manager_client):
    run = _upload(manager_client, "Name,Phone\nAnu,9876543210\nBina,9876543211\n",
                  name="leads.xlsx")
    assert b'id="table-note"' in manager_client.get(_url(run)).content


TITLED = (
    "St. Mary's School - Admission Enquiries (Nov 2026),,,\n"
    "Exported by front office on 30-Nov-2026,,,\n"
    "\n"
    "Sl No,Student Name,Parent's No,Class Applied\n"
    "1,Aadhya Nair,9946 012 345,LKG\n"
    "2,Vihaan Krishnan,+91-99460-12346,Std 5\n"
)


def test_a_header_row_whose_phone_column_is_unknown_is_taken_and_the_column_chosen_next(
    manager_client, django_capture_on_commit_callbacks
):
    run = _upload(manager_client, TITLED)
    manager_client.get(_url(run))
    response = manager_client.post(_url(run), {"header": "1", "header_row": "4"})
    assert response.status_code == 302
    page = manager_client.get(_url(run))
    assert page.context["preview"].plan.header_row == 4
    assert b'id="needs-columns"' in page.content
    manager_client.post(_url(run), _columns(run, col_1="name", col_2="phone"))
    page = manager_client.get(_url(run))
    assert b'id="needs-columns"' not in page.content and page.context["preview"].new == 2
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(manager_client, run)
    customer = Customer.objects.get(phone="+919946012345")
    assert customer.name == "Aadhya Nair"
    assert customer.source_details == {"Sl No": "1", "Class Applied": "LKG"}


def test_a_google_contacts_file_is_saved_as_a_data_source(manager_client):
    header = ("Name,Given Name,Family Name,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,"
              "Phone 2 - Value\n")
    run = _upload(manager_client, header + "Anu Nair,Anu,Nair,Mobile,+91 98765 43210,"
                  "Home,+91 94470 12345\n")
    assert run.importer == "google_contacts"
    manager_client.get(_url(run))
    response = manager_client.post(_url(run), {"save_source": "new", "name": "Phone contacts"},
                                   follow=True)
    assert "Saved as the data source" in response.content.decode()
    assert DataSource.objects.get().importer == "google_contacts"


def test_a_google_contacts_files_numbered_phone_columns_can_be_chosen(manager_client):
    header = ("Name,Given Name,Family Name,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,"
              "Phone 2 - Value\n")
    run = _upload(manager_client, header + "Anu Nair,Anu,Nair,Mobile,+91 98765 43210,"
                  "Home,+91 94470 12345\n")
    page = manager_client.get(_url(run))
    columns = page.context["columns"]
    assert columns[4][3].value() == "phone_1" and columns[6][3].value() == "phone_2"
    assert "phone_1" in {value for value, _label in columns[4][3].field.choices}
    response = manager_client.post(_url(run), _columns(run, col_0="name", col_4="phone_1",
                                                       col_6="__ignore__"))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.settings["mapping"] == {"name": 0, "phone_1": 4}
