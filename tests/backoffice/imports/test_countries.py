import pytest

from backoffice.imports.countries import in_country, region_for_country


@pytest.mark.parametrize(
    ("written", "region"),
    [("United States", "US"), ("USA", "US"), ("US", "US"), ("U.S.A.", "US"), ("the United States", "US"),
     ("India", "IN"), ("INDIA", "IN"), ("भारत", "IN"), ("+1", "US"), ("91", "IN"), ("0091", "IN"),
     ("+44", "GB"), ("United Kingdom", "GB"), ("UK", "GB"), ("UAE", "AE"),
     ("United Arab Emirates", "AE"), ("France", "FR"), ("Deutschland", "DE"), ("Germany", "DE"),
     ("China", "CN"), ("Côte d'Ivoire", "CI"), ("Cote d’Ivoire", "CI"), ("The Netherlands", "NL")],
)
def test_a_country_written_any_usual_way_gives_its_region(written, region):
    assert region_for_country(written) == region


@pytest.mark.parametrize("written", ["", None, "Narnia", "999", "<script>alert(1)</script>"])
def test_a_country_we_do_not_know_gives_none(written):
    assert region_for_country(written) is None


def test_countries_are_named_for_sentences():
    assert in_country("IN") == "in India"
    assert in_country("US") == "in the United States"
