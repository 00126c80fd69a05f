"""Which row is the header and which plugin reads a file (plan_file)."""

from dataclasses import replace

import pytest

from backoffice.imports.normalise import DEFAULT_OPTIONS
from backoffice.imports.pipeline import plan_file
from backoffice.imports.plugins import importer_get
from backoffice.imports.readers import FileProblem


def _csv(tmp_path, *lines, name="leads.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _plan(path, importer=None, header_row=None):
    options = replace(DEFAULT_OPTIONS, header_row=header_row)
    return plan_file(path, importer=importer_get(importer) if importer else None,
                     filename=path.name, options=options)


def test_a_contact_row_whose_type_cell_is_a_phone_header_is_not_the_header(tmp_path):
    # a Google Contacts export read with the standard plugin: the data rows'
    # "Phone 1 - Type" cell says "Mobile", an alias of the phone column
    path = _csv(
        tmp_path,
        "Full Name,Group Membership,Phone 1 - Type,Phone 1 - Number",
        "Anu Nair,* myContacts,Mobile,+91 98765 43210",
        "Rahul K,* myContacts,Mobile,+91 98765 43211",
    )
    with pytest.raises(FileProblem, match="No column for the phone number"):
        _plan(path, "standard")


def test_the_header_row_below_title_rows_is_found(tmp_path):
    path = _csv(tmp_path, "Enquiries November", "Student Name,Mobile No.,Location",
                "Anu,9876543210,Kochi")
    plan = _plan(path, "standard")
    assert plan.header_row == 2
    assert plan.describe() == [("name", "Student Name"), ("phone", "Mobile No."),
                               ("area", "Location")]


def test_the_earliest_row_wins_among_rows_that_map_as_well(tmp_path):
    path = _csv(tmp_path, "Name,Mobile,City", "Name,Mobile,City", "Anu,9876543210,Kochi")
    assert _plan(path, "standard").header_row == 1


def test_a_row_with_numbers_and_dates_loses_to_a_clean_header_row(tmp_path):
    # row 1 maps as many columns as row 2, but carries a date and a count
    path = _csv(
        tmp_path,
        "Name,Mobile,City,24-11-2026,12",
        "Name,Mobile,City,Batch,Seats",
        "Anu,9876543210,Kochi,A,1",
    )
    assert _plan(path, "standard").header_row == 2


def test_a_row_that_is_mostly_numbers_and_dates_is_not_a_header(tmp_path):
    path = _csv(tmp_path, "Mobile,24-11-2026,12,7.5", "Anu,9876543210")
    with pytest.raises(FileProblem, match="No column for the phone number"):
        _plan(path, "standard")


def test_a_row_whose_phone_cell_is_a_number_is_not_a_header(tmp_path):
    # a source whose extra alias is a number: the data row's "2026" would be
    # the phone column's header
    path = _csv(tmp_path, "Name,Area", "Anu,2026")
    importer = importer_get("standard", {"aliases": {"phone": ["2026"]}})
    with pytest.raises(FileProblem, match="No column for the phone number"):
        plan_file(path, importer=importer, filename=path.name)


def test_a_chosen_header_row_is_taken_as_it_is(tmp_path):
    path = _csv(tmp_path, "Name,Mobile", "Old list,ignored", "Student,Phone,Batch",
                "Anu,9876543210,A")
    plan = _plan(path, "standard", header_row=3)
    assert plan.header_row == 3
    assert plan.headers == ["Student", "Phone", "Batch"]


def test_a_chosen_header_row_that_does_not_exist_is_a_file_problem(tmp_path):
    path = _csv(tmp_path, "Name,Mobile", "Anu,9876543210")
    with pytest.raises(FileProblem, match="Row 9, chosen as the header row, is empty or beyond"):
        _plan(path, "standard", header_row=9)


def test_a_chosen_header_row_without_a_phone_column_is_a_file_problem(tmp_path):
    path = _csv(tmp_path, "Leads", "Name,Mobile", "Anu,9876543210")
    with pytest.raises(FileProblem, match="No column for the phone number was found in row 1"):
        _plan(path, "standard", header_row=1)


def test_with_no_plugin_named_the_one_that_recognises_most_columns_reads_the_file(tmp_path):
    path = _csv(tmp_path, "First Name,Last Name,Country Code,Mobile,City",
                "Nikhil,Menon,91,9876543240,Kochi")
    assert _plan(path).importer.identifier == "expo_split"


def test_with_no_plugin_named_a_tie_goes_to_the_standard_plugin(tmp_path):
    # standard and expo_split both recognise the four columns
    path = _csv(tmp_path, "Mobile,City,Registered On,Comments", "9876543240,Kochi,,")
    plan = _plan(path)
    assert plan.importer.identifier == "standard"
    assert plan.describe() == [("phone", "Mobile"), ("area", "City"),
                               ("date_added", "Registered On"), ("remarks", "Comments")]


def test_an_exports_signature_headers_count_towards_recognising_it(tmp_path):
    # "Record ID", "Contact owner" and "Lifecycle Stage" map to no field, but
    # they are HubSpot's: it wins over the standard plugin, which maps as many
    path = _csv(tmp_path, "Record ID,First Name,Last Name,Phone Number,Contact owner,"
                "Lifecycle Stage,City", "51,Maria,Johnson,+1 617-555-0142,Alice,Lead,Boston")
    plan = _plan(path)
    assert plan.importer.identifier == "hubspot"
    assert {name for _, name in plan.detail_columns()} == {
        "Record ID", "Contact owner", "Lifecycle Stage"}
