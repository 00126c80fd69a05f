from collections import Counter

from backoffice.imports.analysis import FileFacts, file_facts
from backoffice.imports.normalise import ReadOptions
from backoffice.imports.pipeline import iter_records, plan_file
from backoffice.imports.plugins import importer_get

INDIA = ReadOptions()


def _rows(phones, **other):
    return [{"phone": phone, **other} for phone in phones]


# --- countries -----------------------------------------------------------------------

def test_numbers_are_counted_by_the_country_they_are_read_in():
    facts = file_facts(_rows(["9876543210", "+44 7911 123456", "+91 70123 45678"]), INDIA)
    assert facts.countries == Counter({"IN": 2, "GB": 1})


def test_a_french_campaign_reads_its_national_numbers_in_france():
    rows = _rows(["+33 6 12 34 56 78", "+33 6 12 34 56 79", "0033 6 12 34 56 70",
                  "+33612345671", "+33 6 12 34 56 72", "06 12 34 56 73", "06.12.34.56.74"])
    facts = file_facts(rows, INDIA)
    assert facts.dominant_country == "FR"
    assert facts.apply(INDIA).country == "FR"


def test_a_confirmed_country_is_not_changed_by_the_files_numbers():
    options = ReadOptions(country="IN", country_confirmed=True)
    facts = file_facts(_rows(["+33 6 12 34 56 78"] * 6), options)
    assert facts.dominant_country == "FR"
    assert facts.apply(options).country == "IN"


def test_too_few_international_numbers_name_no_country():
    facts = file_facts(_rows(["+33 6 12 34 56 78"] * 4), INDIA)
    assert facts.dominant_country is None


def test_international_numbers_of_mixed_countries_name_no_country():
    rows = _rows(["+33 6 12 34 56 78"] * 8 + ["+44 7911 123456"] * 2)
    assert file_facts(rows, INDIA).dominant_country is None


def test_international_numbers_of_the_sources_own_country_change_nothing():
    assert file_facts(_rows(["+91 98765 43210"] * 10), INDIA).dominant_country is None


def test_a_file_of_numbers_written_the_us_way_is_likely_from_the_us():
    # Zoho export: no country column
    rows = _rows(["660-485-0224", "(807) 271-2192", "9876543210"])
    facts = file_facts(rows, INDIA)
    assert facts.likely_country == "US"
    assert "2 of the 3" in facts.likely_reason and "660-485-0224" in facts.likely_reason


def test_ten_digit_numbers_that_cannot_be_indian_mobiles_are_likely_from_the_us():
    facts = file_facts(_rows(["3124850224", "2125550142", "9876543210"]), INDIA)
    assert facts.likely_country == "US"
    assert "not Indian mobile numbers" in facts.likely_reason


def test_a_file_mostly_of_indian_numbers_is_not_likely_from_elsewhere():
    facts = file_facts(_rows(["660-485-0224", "9876543210", "9123456780"]), INDIA)
    assert facts.likely_country is None and facts.likely_reason == ""


def test_a_country_column_means_no_likely_country():
    facts = file_facts(_rows(["660-485-0224", "(807) 271-2192"], country="USA"), INDIA)
    assert facts.likely_country is None
    assert facts.countries == Counter({"US": 2})


def test_a_source_in_the_us_finds_us_numbers_its_own():
    facts = file_facts(_rows(["660-485-0224", "(807) 271-2192"]), ReadOptions(country="US"))
    assert facts.likely_country is None


def test_the_likely_reason_quotes_the_file_as_text_for_escaping():
    hostile = "<b>660</b>-485-0224"
    facts = file_facts(_rows(["660-485-0224", hostile]), INDIA)
    assert "<b>" not in facts.likely_reason  # only numbers of the expected shape are quoted


# --- dates ---------------------------------------------------------------------------

def _dates(dates):
    return [{"phone": "9876543210", "date_added": d} for d in dates]


def test_dates_that_read_both_ways_are_listed_when_nothing_decides():
    facts = file_facts(_dates(["01/02/2024", "03/04/2024", "05/05/2024", "24-11-2026x"]), INDIA)
    assert facts.ambiguous_dates == ["01/02/2024", "03/04/2024"]
    assert facts.date_order_guess is None


def test_at_most_five_ambiguous_dates_are_listed():
    facts = file_facts(_dates([f"0{d}/0{d + 1}/2024" for d in range(1, 9)]), INDIA)
    assert len(facts.ambiguous_dates) == 5


def test_a_day_above_12_first_proves_day_first():
    facts = file_facts(_dates(["01/02/2024", "24/11/2026"]), INDIA)
    assert facts.ambiguous_dates == [] and facts.date_order_guess is None


def test_a_day_above_12_second_proves_month_first_and_is_offered():
    facts = file_facts(_dates(["01/02/2024", "2/18/21, 11:08 AM"]), INDIA)
    assert facts.ambiguous_dates == [] and facts.date_order_guess == "mdy"


def test_a_file_proving_both_orders_offers_neither():
    facts = file_facts(_dates(["24/11/2026", "2/18/21"]), INDIA)
    assert facts.date_order_guess is None and facts.ambiguous_dates == []


def test_year_first_and_month_name_dates_are_never_ambiguous():
    facts = file_facts(_dates(["2024-01-02", "01 Feb 2024", "2024-02-01T10:00:00Z"]), INDIA)
    assert facts.ambiguous_dates == []


# --- statuses ------------------------------------------------------------------------

def test_unknown_statuses_are_counted_as_written_most_common_first():
    rows = [{"phone": "9876543210", "status": s}
            for s in ["Cold", "Hot", "hot ", "HOT", "New", "", "Warm lead"]]
    facts = file_facts(rows, ReadOptions(status_map={"WARM-LEAD": "new"}))
    assert list(facts.unknown_statuses.items()) == [("Hot", 3), ("Cold", 1)]


# --- storing -------------------------------------------------------------------------

def test_facts_survive_being_stored_on_the_run():
    facts = FileFacts(countries=Counter({"IN": 3, "US": 1}), dominant_country="FR",
                      likely_country="US", likely_reason="why", ambiguous_dates=["01/02/2024"],
                      date_order_guess="mdy", unknown_statuses=Counter({"Hot": 2}))
    assert FileFacts.from_stored(facts.stored()) == facts
    assert FileFacts.from_stored(None) == FileFacts()


def test_an_international_number_counts_for_its_country_code_even_when_invalid():
    rows = _rows(["+33 7 12 34 56 72"] * 5)
    facts = file_facts(rows, INDIA)
    assert facts.dominant_country == "FR" and facts.countries == Counter()


# --- through the pipeline ------------------------------------------------------------

def _read(tmp_path, lines, **config):
    path = tmp_path / "leads.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    importer = importer_get("standard", config)
    plan = plan_file(path, importer=importer, filename=path.name)
    return plan, list(iter_records(path, plan))


def test_a_suitecrm_export_reads_each_number_in_its_rows_country(tmp_path):
    plan, records = _read(
        tmp_path, ["Name,Mobile,Primary Address Country", "Ann,(807) 271-2192,USA",
                   "Ravi,98765 43210,India"],
        aliases={"country": ["Primary Address Country"]})
    assert [r.clean.phone for r in records] == ["+18072712192", "+919876543210"]
    assert plan.facts.likely_country is None


def test_a_zoho_export_without_country_is_refused_with_the_likely_country(tmp_path):
    plan, records = _read(tmp_path, ["Name,Mobile", "Ann,660-485-0224", "Bob,(807) 271-2192"])
    assert plan.facts.likely_country == "US"
    assert all(r.clean is None and "United States" in r.problem for r in records)


def test_a_french_campaign_file_reads_its_national_numbers_in_france(tmp_path):
    lines = ["Name,Mobile", *[f"P{i},+33 6 12 34 56 7{i}" for i in range(5)], "Q,06 12 34 56 99"]
    plan, records = _read(tmp_path, lines)
    assert plan.options.country == "FR"
    assert records[-1].clean.phone == "+33612345699"


def test_a_small_french_file_written_three_ways_is_likely_french():
    # one number in pairs, one with +33, one written plainly: together, France
    facts = file_facts(_rows(["06 12 34 56 78", "+33 6 98 76 54 32", "0612345679"]),
                       ReadOptions())
    assert facts.likely_country == "FR"
    assert "1 written with its country code" in facts.likely_reason
    assert "1 not valid in India but valid there" in facts.likely_reason


def test_unreadable_numbers_alone_name_no_country():
    # numbers that are no number here are not evidence for any one country
    facts = file_facts(_rows(["0612345679", "12345", "0612345670"]), ReadOptions())
    assert facts.likely_country is None
