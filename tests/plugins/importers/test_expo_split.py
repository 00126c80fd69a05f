from plugins.importers.expo_split import ExpoSplitImporter


def test_an_international_number_keeps_its_plus_without_a_country_code_column():
    row = ExpoSplitImporter().map_row({"mobile": "+44 7911 123456"})
    assert row["phone"] == "+447911123456"


def test_a_national_number_without_a_country_code_column_is_its_digits():
    row = ExpoSplitImporter().map_row({"mobile": 9876543210.0})
    assert row["phone"] == "9876543210"


def test_a_column_headed_code_is_not_taken_as_the_country_code():
    mapping = ExpoSplitImporter().map_headers(["First Name", "Code", "Mobile"])
    assert "country_code" not in mapping
