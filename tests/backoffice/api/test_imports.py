"""The import endpoints through the API, as each role, with a token: upload,
preview, start, progress, problem rows — a real CSV through the whole flow
with jobs run in-process."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from backoffice.audit.models import ActivityLog
from backoffice.customers.models import Customer
from backoffice.imports.models import DataSource, ImportRun
from tests.backoffice.api.conftest import token_client
from tests.factories import CustomerFactory
from tests.security.payloads import XSS

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/"
CSV = b"name,phone,area\nAnu,98765 43210,Kochi\nBad,12,Kochi\n=cmd(),9876543211,Kochi\n"


@pytest.fixture(autouse=True)
def _jobs_and_files(jobs_in_process, private_storage):
    return private_storage


@pytest.fixture
def data_source(db):
    return DataSource.objects.create(name="Education fair", slug="fair", importer="standard")


@pytest.fixture
def superuser_api(superuser):
    return token_client(superuser)


def _upload(api, content=CSV, name="leads.csv", **extra):
    return api.post(URL, {"file": SimpleUploadedFile(name, content), **extra},
                    format="multipart")


def _uploaded(api, content=CSV, name="leads.csv") -> int:
    response = _upload(api, content, name)
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """POST …/start/, its jobs run as its transaction commits (in-process)."""
    def post(api, pk, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(f"{URL}{pk}/start/", data, format="json")
    return post


# --- upload -------------------------------------------------------------------------


def test_a_manager_uploads_a_file_and_nothing_is_imported_yet(manager_api, manager):
    response = _upload(manager_api)
    assert response.status_code == 201, response.content
    body = response.json()
    run = ImportRun.objects.get()
    assert body["id"] == run.pk and body["state"] == "uploaded"
    assert body["file_name"] == "leads.csv" and body["created_by"]["id"] == manager.pk
    assert body["same_file"] == []
    assert not Customer.objects.exists()


def test_the_same_file_again_names_the_earlier_import(manager_api):
    first = _uploaded(manager_api)
    response = _upload(manager_api, name="again.csv")
    assert [row["id"] for row in response.json()["same_file"]] == [first]


def test_a_counsellor_may_not_upload(alice_api):
    assert _upload(alice_api).status_code == 403
    assert not ImportRun.objects.exists()


def test_compliance_may_not_upload(reviewer_api):
    assert _upload(reviewer_api).status_code == 403
    assert not ImportRun.objects.exists()


def test_a_superuser_uploads(superuser_api):
    assert _upload(superuser_api).status_code == 201


@pytest.mark.parametrize("content,name,reason", [
    (b"\x89PNG\r\n\x1a\n\0\0", "photo.png", "not a spreadsheet"),
    (b"\x89PNG\r\n\x1a\n\0\0", "photo.csv", ""),
    (b"MZ\x90\x00\x03\x00\x00\x00", "run.exe", "not a spreadsheet"),
    (b"", "empty.csv", "empty"),
])
def test_a_bad_file_is_a_400_saying_why_and_stores_nothing(manager_api, content, name, reason):
    response = _upload(manager_api, content, name)
    assert response.status_code == 400, response.content
    assert "file" in response.json()
    assert reason in " ".join(response.json()["file"])
    assert not ImportRun.objects.exists()


def test_a_file_over_the_limit_is_refused(manager_api, settings):
    settings.IMPORT_MAX_FILE_BYTES = 20
    response = _upload(manager_api)
    assert response.status_code == 400
    assert "limit" in response.json()["file"][0]
    assert not ImportRun.objects.exists()


def test_no_file_is_a_400(manager_api):
    response = manager_api.post(URL, {"sheet": "x"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


@pytest.mark.parametrize("data,field", [
    ({"data_source": "999999"}, "data_source"),
    ({"data_source": "abc"}, "data_source"),
    ({"importer": "nope"}, "importer"),
    ({"sheet": "x" * 500}, "sheet"),
])
def test_a_wrong_choice_is_a_400_by_field(manager_api, data, field):
    response = _upload(manager_api, **data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("field", ["importer", "sheet", "data_source"])
def test_a_file_sent_as_a_text_field_is_a_400_naming_it(manager_api, field):
    response = _upload(manager_api, **{field: SimpleUploadedFile("b.txt", b"standard")})
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ImportRun.objects.exists()


def test_two_files_at_once_are_a_400_not_one_dropped(manager_api):
    response = manager_api.post(URL, {"file": [SimpleUploadedFile("a.csv", CSV),
                                               SimpleUploadedFile("b.csv", CSV)]},
                                format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert not ImportRun.objects.exists()


def test_a_field_the_upload_does_not_take_is_a_400_naming_it(manager_api):
    response = _upload(manager_api, policy="update", files=SimpleUploadedFile("c.csv", CSV))
    assert response.status_code == 400
    assert set(response.json()) == {"policy", "files"}
    assert not ImportRun.objects.exists()


def test_an_upload_for_a_data_source_is_read_its_way(manager_api, data_source):
    response = _upload(manager_api, data_source=str(data_source.pk))
    assert response.status_code == 201, response.content
    assert response.json()["data_source"]["id"] == data_source.pk


@pytest.mark.parametrize("payload", XSS + ["ñ漢字🙂", "x" * 300])
def test_a_hostile_file_name_comes_back_as_data(manager_api, payload):
    response = _upload(manager_api, name=f"{payload}.csv")
    assert response["Content-Type"] == "application/json"
    if response.status_code == 201:
        name = response.json()["file_name"]
        assert name == ImportRun.objects.get().original_name and name.endswith(".csv")
    else:
        assert response.status_code == 400


# --- list and one ----------------------------------------------------------------------


def test_the_list_is_newest_first_in_a_fixed_number_of_queries(manager_api, manager):
    _uploaded(manager_api)
    with CaptureQueriesContext(connection) as few:
        manager_api.get(URL)
    for name in ("b.csv", "c.csv", "d.csv"):
        _uploaded(manager_api, name=name)
    with CaptureQueriesContext(connection) as many:
        response = manager_api.get(URL)
    assert response.status_code == 200
    assert len(many) == len(few)
    names = [row["file_name"] for row in response.json()["results"]]
    assert names == ["d.csv", "c.csv", "b.csv", "leads.csv"]


def test_the_list_pages_by_cursor(manager_api):
    made = [_uploaded(manager_api, name=f"{n}.csv") for n in range(5)]
    seen, url = [], f"{URL}?page_size=2"
    while url:
        page = manager_api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == made[::-1]


def test_compliance_reads_the_imports(manager_api, reviewer_api):
    pk = _uploaded(manager_api)
    assert [row["id"] for row in reviewer_api.get(URL).json()["results"]] == [pk]
    assert reviewer_api.get(f"{URL}{pk}/").json()["state"] == "uploaded"


def test_a_counsellor_sees_no_imports(manager_api, alice_api):
    pk = _uploaded(manager_api)
    assert alice_api.get(URL).status_code == 403
    assert alice_api.get(f"{URL}{pk}/").status_code == 403


def test_an_unknown_import_is_a_json_404(manager_api):
    response = manager_api.get(f"{URL}999999/")
    assert response.status_code == 404 and response.json()["detail"]


# --- the whole flow --------------------------------------------------------------------


def test_a_csv_goes_through_the_whole_flow(manager_api, manager, start):
    pk = _uploaded(manager_api)
    preview = manager_api.get(f"{URL}{pk}/preview/")
    assert preview.status_code == 200, preview.content
    counts = preview.json()
    assert (counts["rows"], counts["new"], counts["refused"]) == (3, 2, 1)
    assert counts["country_question"] == ""
    assert counts["start_defaults"]["policy"] == "skip"
    assert "+919876543210" in str(counts["first_rows"])
    assert not Customer.objects.exists()

    started = start(manager_api, pk, counted_at=counts["counted_at"])
    assert started.status_code == 202, started.content
    run = manager_api.get(f"{URL}{pk}/").json()
    assert run["state"] == "completed"
    assert run["counts"]["created"] == 2 and run["counts"]["refused"] == 1
    assert run["progress"]["percent"] == 100
    assert run["problem_rows"] is True
    assert Customer.objects.count() == 2

    rows = manager_api.get(f"{URL}{pk}/problem-rows/")
    assert rows.status_code == 200
    assert rows["Content-Type"].startswith("text/csv")
    assert "leads-problems.csv" in rows["Content-Disposition"]
    table = list(csv.reader(io.StringIO(b"".join(rows.streaming_content).decode("utf-8-sig"))))
    assert table[0][0] == "Row" and {"Bad", "12"} <= set(table[1])
    assert ActivityLog.objects.filter(action=ActivityLog.Action.EXPORT, via="api").exists()


def test_the_problem_rows_as_a_workbook(manager_api, start):
    pk = _uploaded(manager_api)
    start(manager_api, pk)
    response = manager_api.get(f"{URL}{pk}/problem-rows/?type=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "Bad" in [cell.value for cell in sheet[2]]


def test_compliance_downloads_the_problem_rows_but_starts_nothing(manager_api, reviewer_api, start):
    pk = _uploaded(manager_api)
    assert reviewer_api.get(f"{URL}{pk}/preview/").status_code == 403
    assert start(reviewer_api, pk).status_code == 403
    assert ImportRun.objects.get().state == "uploaded"
    start(manager_api, pk)
    assert reviewer_api.get(f"{URL}{pk}/problem-rows/").status_code == 200


def test_an_import_without_problem_rows_has_none_to_download(manager_api, start):
    pk = _uploaded(manager_api, b"name,phone\nAnu,98765 43210\n")
    start(manager_api, pk)
    response = manager_api.get(f"{URL}{pk}/problem-rows/")
    assert response.status_code == 404 and response.json()["detail"]


def test_the_problem_rows_in_an_unknown_type_are_a_400(manager_api):
    pk = _uploaded(manager_api)
    assert manager_api.get(f"{URL}{pk}/problem-rows/?type=pdf").status_code == 400


def test_a_counsellor_may_not_preview_start_or_download(manager_api, alice_api, start):
    pk = _uploaded(manager_api)
    assert alice_api.get(f"{URL}{pk}/preview/").status_code == 403
    assert start(alice_api, pk).status_code == 403
    assert alice_api.get(f"{URL}{pk}/problem-rows/").status_code == 403
    assert ImportRun.objects.get().state == "uploaded"


def test_starting_twice_imports_once_and_the_second_is_a_409(manager_api, start):
    pk = _uploaded(manager_api)
    assert start(manager_api, pk).status_code == 202
    again = start(manager_api, pk)
    assert again.status_code == 409 and again.json()["detail"]
    assert Customer.objects.count() == 2
    assert ImportRun.objects.get().created == 2


def test_a_start_without_a_preview_counts_as_the_page_does(manager_api, start):
    pk = _uploaded(manager_api)
    assert start(manager_api, pk).status_code == 202
    assert ImportRun.objects.get().state == "completed"


def test_a_start_after_the_file_was_read_differently_is_a_409(manager_api, start):
    pk = _uploaded(manager_api)
    manager_api.get(f"{URL}{pk}/preview/")
    response = start(manager_api, pk, counted_at="2020-01-01T00:00:00Z")
    assert response.status_code == 409
    assert ImportRun.objects.get().state == "uploaded"


def test_an_assignment_without_counsellors_is_a_400(manager_api, start):
    pk = _uploaded(manager_api)
    response = start(manager_api, pk, assignment="round_robin")
    assert response.status_code == 400 and "counsellors" in response.json()
    assert ImportRun.objects.get().state == "uploaded"


def test_new_customers_go_to_the_counsellors_chosen(manager_api, alice, start):
    pk = _uploaded(manager_api)
    response = start(manager_api, pk, assignment="round_robin", counsellors=[alice.pk])
    assert response.status_code == 202, response.content
    assert set(Customer.objects.values_list("assigned_to", flat=True)) == {alice.pk}


@pytest.mark.parametrize("data", [
    {"policy": "nope"}, {"default_status": "nope"}, {"counsellors": ["x"]},
    {"counsellors": [999999]}, {"default_area": "x" * 500}, {"counted_at": "soon"},
    {"polcy": "update"},  # a misspelt choice is not the default silently
])
def test_a_wrong_start_is_a_400_and_starts_nothing(manager_api, data, start):
    pk = _uploaded(manager_api)
    response = start(manager_api, pk, **data)
    assert response.status_code == 400, response.content
    assert ImportRun.objects.get().state == "uploaded"


def test_a_duplicate_policy_updates_the_customer_already_there(manager_api, start):
    CustomerFactory(phone="+919876543210", area="Old")
    pk = _uploaded(manager_api)
    assert manager_api.get(f"{URL}{pk}/preview/").json()["existing"] == 1
    assert start(manager_api, pk, policy="overwrite").status_code == 202
    assert Customer.objects.get(phone="+919876543210").area == "Kochi"


def test_a_big_files_preview_is_counted_by_a_job(manager_api, settings, monkeypatch, start):
    settings.IMPORT_PREVIEW_JOB_ABOVE_BYTES = 10
    pk = _uploaded(manager_api)
    # the job queued, not yet run: the caller is told to poll
    monkeypatch.setattr("backoffice.core.jobs.enqueue", lambda *args, **kwargs: None)
    pending = manager_api.get(f"{URL}{pk}/preview/")
    assert pending.status_code == 202 and pending.json()["state"] == "counting"
    assert pending["Retry-After"]
    assert start(manager_api, pk).status_code == 409
    monkeypatch.undo()
    from backoffice.imports.jobs import import_preview_job

    import_preview_job(pk)
    done = manager_api.get(f"{URL}{pk}/preview/")
    assert done.status_code == 200 and done.json()["rows"] == 3


def test_a_big_files_preview_counted_in_process_is_there_at_the_next_poll(
        manager_api, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_PREVIEW_JOB_ABOVE_BYTES = 10
    pk = _uploaded(manager_api)
    with django_capture_on_commit_callbacks(execute=True):
        # (the tests' transaction holds the job until this block ends)
        assert manager_api.get(f"{URL}{pk}/preview/").status_code == 202
    response = manager_api.get(f"{URL}{pk}/preview/")
    assert response.status_code == 200, response.content
    assert response.json()["new"] == 2


def test_the_preview_of_a_started_import_is_a_409(manager_api, start):
    pk = _uploaded(manager_api)
    start(manager_api, pk)
    assert manager_api.get(f"{URL}{pk}/preview/").status_code == 409


@pytest.mark.parametrize("payload", XSS)
def test_hostile_cells_come_back_as_json_data(manager_api, payload, start):
    cell = payload.replace('"', '""')
    content = f'name,phone,area\n"{cell}",98765 43210,"{cell}"\n"{cell}",12,x\n'.encode()
    pk = _uploaded(manager_api, content)
    response = manager_api.get(f"{URL}{pk}/preview/")
    assert response["Content-Type"] == "application/json"
    first = response.json()["first_rows"][0]
    assert first["cells"][0] == payload and first["clean"]["area"] == payload
    start(manager_api, pk)
    rows = b"".join(manager_api.get(f"{URL}{pk}/problem-rows/").streaming_content)
    table = list(csv.reader(io.StringIO(rows.decode("utf-8-sig"))))
    # written as text, never as something a spreadsheet runs
    assert all(not str(cell).startswith(("=", "+", "@")) for row in table for cell in row)


def test_a_file_the_preview_job_could_not_read_is_a_400_said_once(manager_api, settings):
    settings.IMPORT_PREVIEW_JOB_ABOVE_BYTES = 10
    pk = _uploaded(manager_api)
    run = ImportRun.objects.get()
    run.settings = {**run.settings, "preview_error": "<script>alert(1)</script> unreadable"}
    run.save()
    response = manager_api.get(f"{URL}{pk}/preview/")
    assert response.status_code == 400
    assert response.json()["file"] == ["<script>alert(1)</script> unreadable"]
    assert "preview_error" not in ImportRun.objects.get().settings


def test_a_superuser_goes_through_the_whole_flow(superuser_api, start):
    pk = _uploaded(superuser_api)
    assert superuser_api.get(f"{URL}{pk}/preview/").status_code == 200
    assert start(superuser_api, pk).status_code == 202
    assert superuser_api.get(f"{URL}{pk}/").json()["state"] == "completed"
    assert superuser_api.get(f"{URL}{pk}/problem-rows/").status_code == 200


def test_a_failed_import_may_be_started_again(manager_api, start):
    pk = _uploaded(manager_api)
    ImportRun.objects.filter(pk=pk).update(state=ImportRun.State.FAILED, message="worker died")
    assert start(manager_api, pk).status_code == 202
    assert ImportRun.objects.get().state == "completed"
    assert Customer.objects.count() == 2


# --- how the file is read ----------------------------------------------------------------


def _reading(api, pk, **data):
    return api.post(f"{URL}{pk}/reading/", data, format="json")


def test_the_country_question_is_answered_before_starting(manager_api, monkeypatch, start):
    from backoffice.imports import pipeline
    from backoffice.imports.analysis import FileFacts

    made = FileFacts(likely_country="US", likely_reason="3-3-4 groups like 660-485-0224")
    monkeypatch.setattr(pipeline, "file_facts", lambda rows, options: made)
    pk = _uploaded(manager_api)
    assert "United States" in manager_api.get(f"{URL}{pk}/preview/").json()["country_question"]
    refused = start(manager_api, pk)
    assert refused.status_code == 400 and "country" in refused.json()["detail"][0]
    assert _reading(manager_api, pk, country="IN", date_order="dmy").status_code == 200
    assert manager_api.get(f"{URL}{pk}/preview/").json()["country_question"] == ""
    assert start(manager_api, pk).status_code == 202
    assert Customer.objects.count() == 2


def test_the_columns_are_chosen_and_counted_again(manager_api):
    pk = _uploaded(manager_api, b"name,phone,area,town\nAnu,98765 43210,Kochi,Aluva\n")
    assert manager_api.get(f"{URL}{pk}/preview/").json()["first_rows"][0]["clean"]["area"] == (
        "Kochi")
    response = _reading(manager_api, pk, mapping={"name": 0, "phone": 1, "area": 3})
    assert response.status_code == 200, response.content
    preview = manager_api.get(f"{URL}{pk}/preview/").json()
    assert preview["mapping"] == {"name": 0, "phone": 1, "area": 3}
    assert preview["first_rows"][0]["clean"]["area"] == "Aluva"


@pytest.mark.parametrize("data", [
    {}, {"mapping": {"nope": 0}}, {"mapping": {"phone": "x"}}, {"mapping": {"phone": 9999}},
    {"mapping": {"name": 1, "phone": 1}}, {"country": "XX"}, {"country": "<script>"},
    {"date_order": "nope"}, {"status_map": {"Hot": "nope"}}, {"header_row": 0},
    {"header_row": 999999}, {"maping": {"phone": 1}}, {"country": "IN", "<script>": 1},
])
def test_a_wrong_reading_is_a_400_and_changes_nothing(manager_api, data):
    pk = _uploaded(manager_api)
    before = ImportRun.objects.get().settings
    response = _reading(manager_api, pk, **data)
    assert response.status_code == 400, response.content
    assert ImportRun.objects.get().settings == before


def test_a_mapping_of_thousands_of_unknown_fields_is_refused_without_echoing_them(manager_api):
    pk = _uploaded(manager_api)
    response = _reading(manager_api, pk, mapping={f"<b>{i:05}</b>" + "x" * 50: i
                                                  for i in range(5000)})
    assert response.status_code == 400 and len(response.content) < 500


def test_the_reading_of_a_started_import_is_a_409(manager_api, start):
    pk = _uploaded(manager_api)
    start(manager_api, pk)
    assert _reading(manager_api, pk, country="IN").status_code == 409


def test_only_importers_change_the_reading(manager_api, alice_api, reviewer_api):
    pk = _uploaded(manager_api)
    assert _reading(alice_api, pk, country="IN").status_code == 403
    assert _reading(reviewer_api, pk, country="IN").status_code == 403
