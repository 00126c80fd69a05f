import datetime

import pytest

from backoffice.imports.normalise import (
    OTHER_NUMBERS, ReadOptions, RowProblem, clean_row, parse_date, parse_status, split_numbers,
)


def _iso(value):
    return value.isoformat() if value else None


# --- dates ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "expected"),
    [("24-11-2026", "2026-11-24"), ("4/1/2026", "2026-01-04"), ("04.01.2026", "2026-01-04"),
     ("2026-11-24", "2026-11-24"), ("2026-11-24 10:30", "2026-11-24"), ("24 Nov 2026", "2026-11-24"),
     (46350, "2026-11-24"), ("46350", "2026-11-24"), (datetime.datetime(2026, 11, 24, 9), "2026-11-24"),
     ("07/05/2025, 23:57:03", "2025-05-07"), ("15 Apr, 2021", "2021-04-15"),
     ("15-Apr-21", "2021-04-15"), ("", None), (None, None)],
)
def test_dates_are_read_day_first(written, expected):
    assert _iso(parse_date(written)) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("2/18/21, 11:08 AM", "2021-02-18"), ("07/05/2025, 23:57:03", "2025-07-05"),
     ("11-24-2026", "2026-11-24"), ("2026-11-24", "2026-11-24"), ("15 Apr, 2021", "2021-04-15")],
)
def test_dates_are_read_month_first_when_the_source_says_so(written, expected):
    assert _iso(parse_date(written, "mdy")) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("21/02/18", "2021-02-18"), ("2021.02.18", "2021-02-18"), ("18/02/2021", "2021-02-18")],
)
def test_dates_are_read_year_first_when_the_source_says_so(written, expected):
    assert _iso(parse_date(written, "ymd")) == expected


@pytest.mark.parametrize("order", ["dmy", "mdy", "ymd"])
@pytest.mark.parametrize(
    ("written", "expected"),
    [("Apr 15 2021", "2021-04-15"), ("April 15, 2021", "2021-04-15"),
     ("Thursday, 18 February 2021", "2021-02-18"), ("Feb 18th, 2021 11:08", "2021-02-18"),
     ("2021-02-18T11:08:00", "2021-02-18")],
)
def test_dates_with_month_names_or_a_four_digit_year_first_read_the_same_in_every_order(
        order, written, expected):
    assert _iso(parse_date(written, order)) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("2021-02-18T11:08:00+0000", "2021-02-18"), ("2021-02-18T20:00:00+0000", "2021-02-19"),
     ("2021-02-18T20:00:00Z", "2021-02-19"), ("2021-02-19T01:00:00+05:30", "2021-02-19")],
)
def test_a_date_time_with_an_offset_is_the_date_in_our_time_zone(settings, written, expected):
    settings.TIME_ZONE = "Asia/Kolkata"
    assert _iso(parse_date(written)) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("01/02/00", "2000-02-01"), ("01/02/69", "2069-02-01"), ("01/02/70", "1970-02-01"),
     ("01/02/99", "1999-02-01"), ("15-Apr-85", "1985-04-15")],
)
def test_two_digit_years_00_to_69_are_2000s_and_70_to_99_are_1900s(written, expected):
    assert _iso(parse_date(written)) == expected


@pytest.mark.parametrize(
    "written", ["31/02/2026", "13-13-2026", "tomorrow", "12345", 3.5, "Apr 2021", "N/A"])
def test_unreadable_dates_are_problems_not_guesses(written):
    with pytest.raises(RowProblem):
        parse_date(written)


def test_a_month_first_date_read_day_first_is_a_problem_never_swapped():
    with pytest.raises(RowProblem, match="day first"):
        parse_date("2/18/21, 11:08 AM", "dmy")


def test_a_day_first_date_read_month_first_is_a_problem_never_swapped():
    with pytest.raises(RowProblem, match="month first"):
        parse_date("18/02/2021", "mdy")


def test_an_ambiguous_date_follows_the_order():
    assert _iso(parse_date("03/04/2024", "dmy")) == "2024-04-03"
    assert _iso(parse_date("03/04/2024", "mdy")) == "2024-03-04"


def test_an_unknown_date_order_is_refused():
    with pytest.raises(ValueError):
        ReadOptions(date_order="ydm")


def test_a_row_reads_its_date_in_the_options_order():
    row = clean_row({"name": "Anu", "phone": "9876543210", "date_added": "2/18/21"},
                    ReadOptions(date_order="mdy"))
    assert row.date_added == datetime.date(2021, 2, 18) and not row.warnings


# --- statuses ------------------------------------------------------------------------

def test_the_translation_table_is_compared_by_header_key_however_it_was_written():
    options = ReadOptions(status_map={"Call Back Later!": "new"})
    assert parse_status("call back  later", options.status_map) == "new"


def test_an_unknown_status_keeps_the_default_and_goes_to_the_remarks():
    row = clean_row({"phone": "9876543210", "status": "<b>Hot</b>"})
    assert row.status is None
    assert row.remarks == "Status in the file: <b>Hot</b>"
    assert row.warnings


# --- countries -----------------------------------------------------------------------

def test_a_row_country_decides_where_its_national_number_is_read():
    # SuiteCRM: "Primary Address Country" = USA
    row = clean_row({"phone": "(807) 271-2192", "country": "USA"})
    assert row.phone == "+18072712192"
    assert row.details["Country"] == "USA"


@pytest.mark.parametrize("country", ["United States", "US", "U.S.A.", "+1", "1", "usa"])
def test_every_way_of_writing_the_country_reads_the_number_there(country):
    assert clean_row({"phone": "660-485-0224", "country": country}).phone == "+16604850224"


def test_a_chinese_mobile_is_read_with_the_country_china():
    assert clean_row({"phone": "138 0013 8000", "country": "China"}).phone == "+8613800138000"


def test_a_french_mobile_is_read_when_the_source_is_french():
    options = ReadOptions(country="FR")
    assert clean_row({"phone": "06 12 34 56 78"}, options).phone == "+33612345678"
    assert clean_row({"phone": "+33 6 12 34 56 78"}).phone == "+33612345678"


@pytest.mark.parametrize("country", ["India", "USA", "France"])
@pytest.mark.parametrize("written", ["+44 7911 123456", "0044 7911 123456"])
def test_an_international_number_is_read_as_written_whatever_the_country(written, country):
    assert clean_row({"phone": written, "country": country}).phone == "+447911123456"


@pytest.mark.parametrize(
    ("written", "country"),
    [("(807) 271-2192", "United States"), ("660-485-0224", "United States"),
     ("807.271.2192", "United States"), ("06 12 34 56 78", "France")],
)
def test_a_number_written_like_another_countrys_is_refused_naming_it(written, country):
    with pytest.raises(RowProblem, match=country) as exc:
        clean_row({"phone": written})
    assert "set the file's country" in str(exc.value)


def test_a_number_written_like_another_countrys_is_read_when_the_country_was_confirmed():
    options = ReadOptions(country="IN", country_confirmed=True)
    assert clean_row({"phone": "(807) 271-2192"}, options).phone == "+918072712192"


def test_a_unknown_country_warns_and_reads_in_the_sources_country():
    row = clean_row({"phone": "9876543210", "country": "<script>Narnia</script>"})
    assert row.phone == "+919876543210"
    assert any("Unknown country" in w for w in row.warnings)
    assert row.details["Country"] == "<script>Narnia</script>"


# --- several numbers in a cell -------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "parts"),
    [("+91 98765 43210 ::: +91 70123 45678", ["+91 98765 43210", "+91 70123 45678"]),
     ("9876543210 / 9123456780", ["9876543210", "9123456780"]),
     ("9876543210, 9123456780; 9988776655 | 9900990099", ["9876543210", "9123456780",
                                                          "9988776655", "9900990099"]),
     ("9876543210\n9123456780", ["9876543210", "9123456780"]),
     ("9876543210 or 9123456780 & 9988776655", ["9876543210", "9123456780", "9988776655"]),
     ("+91 98765 43210", ["+91 98765 43210"]), ("(807) 271-2192", ["(807) 271-2192"]),
     ("9,19877E+11", ["9,19877E+11"]), (9876543210, [9876543210]), ("", []), (None, [])],
)
def test_a_cell_is_split_into_its_numbers_never_inside_one(written, parts):
    assert split_numbers(written) == parts


def test_the_second_number_of_the_phone_cell_is_the_alternate_phone():
    row = clean_row({"phone": "+91 98765 43210 ::: +91 70123 45678"})
    assert (row.phone, row.alternate_phone) == ("+919876543210", "+917012345678")
    assert row.phone_raw == "+91 98765 43210 ::: +91 70123 45678"


def test_an_alternate_column_wins_and_further_numbers_are_kept_as_written():
    row = clean_row({"phone": "9876543210 / 91234 56780 / 99887 76655",
                     "alternate_phone": "9900990099"})
    assert (row.phone, row.alternate_phone) == ("+919876543210", "+919900990099")
    assert row.details[OTHER_NUMBERS] == "91234 56780, 99887 76655"


def test_an_unreadable_second_number_is_kept_with_a_warning():
    row = clean_row({"phone": "9876543210 / <img src=x onerror=alert(1)>"})
    assert row.phone == "+919876543210" and row.alternate_phone == ""
    assert row.details[OTHER_NUMBERS] == "<img src=x onerror=alert(1)>"
    assert row.warnings


def test_the_first_readable_number_is_the_phone():
    assert clean_row({"phone": "12345 / 9876543210"}).phone == "+919876543210"


def test_the_same_number_twice_in_a_cell_is_one_number():
    row = clean_row({"phone": "9876543210 or 98765 43210"})
    assert row.alternate_phone == "" and OTHER_NUMBERS not in row.details


def test_the_written_phone_is_kept_up_to_64_characters():
    row = clean_row({"phone": " / ".join(["9876543210"] * 10)})
    assert len(row.phone_raw) == 64


# --- spreadsheet-mangled numbers -----------------------------------------------------

@pytest.mark.parametrize("written", ["5.96696E+11", "9.19877E+11", "9,19877E+11", 9876543210.5,
                                     919877000000.0])
def test_a_number_in_scientific_notation_is_refused_with_how_to_export_it(written):
    with pytest.raises(RowProblem, match="scientific notation") as exc:
        clean_row({"phone": written})
    assert "as Text" in str(exc.value)


def test_a_row_whose_phone_cell_is_unusable_is_kept_on_its_alternate_number():
    row = clean_row({"name": "Anu", "phone": "12", "alternate_phone": "9876543210"})
    assert (row.phone, row.alternate_phone) == ("+919876543210", "")
    assert row.details["Phone (as written)"] == "12"
    assert "alternate number is the phone" in row.warnings[0]


def test_a_row_with_no_usable_number_in_either_cell_is_refused():
    with pytest.raises(RowProblem):
        clean_row({"name": "Anu", "phone": "12", "alternate_phone": "34"})


@pytest.mark.parametrize("written", ["(660) 485-0225 x12", "660-485-0225 ext. 12",
                                     "+1 660 485 0225 extension 12"])
def test_a_phone_extension_is_kept_in_the_details_with_a_warning(written):
    row = clean_row({"name": "Jo", "phone": written}, ReadOptions(country="US",
                                                                    country_confirmed=True))
    assert row.phone == "+16604850225"
    assert row.details["Phone extension"] == "12"
    assert any("extension" in warning for warning in row.warnings)


def test_a_number_without_an_extension_has_no_extension_detail():
    row = clean_row({"name": "Anu", "phone": "98765 43210"})
    assert "Phone extension" not in row.details and not row.warnings
