import pytest
from django.core.exceptions import ValidationError

from backoffice.customers.phones import phone_display, phone_normalize, phone_written_like


@pytest.mark.parametrize(
    "written",
    ["98765 43210", "+91-9876543210", "09876543210", "919876543210", "+91 98765 43210",
     9876543210, 9876543210.0, " (098765) 43210 ", "9876543210.0", "919876543210.00"],
)
def test_every_way_of_writing_a_number_gives_the_same_e164(written):
    assert phone_normalize(written) == "+919876543210"


@pytest.mark.parametrize(
    "written", ["", None, "   ", "12345", "not a number", "+91 1234", "9876543210.5"]
)
def test_a_missing_or_invalid_number_is_refused_with_a_reason(written):
    with pytest.raises(ValidationError) as exc:
        phone_normalize(written)
    assert exc.value.messages[0]


def test_a_foreign_number_keeps_its_country():
    assert phone_normalize("+44 20 7946 0958") == "+442079460958"


def test_display_shows_country_code_and_groups():
    assert phone_display("+919876543210") == "+91 98765 43210"


def test_the_fast_path_agrees_with_phonenumbers_on_every_indian_prefix():
    import random

    import phonenumbers

    rng = random.Random(7)
    for prefix in range(6000, 10000):
        national = f"{prefix}{rng.randrange(1_000_000):06d}"
        for written in (national, f"0{national}", f"+91-{national[:5]} {national[5:]}",
                        f"91{national}"):
            expected = phonenumbers.format_number(
                phonenumbers.parse(written, "IN"), phonenumbers.PhoneNumberFormat.E164)
            assert phonenumbers.is_valid_number(phonenumbers.parse(written, "IN"))
            assert phone_normalize(written) == expected


@pytest.mark.parametrize("written", ["5876543210", "987654321", "98765432101", "0091 98765 43210"])
def test_numbers_outside_the_fast_path_go_through_phonenumbers(written):
    import phonenumbers

    number = phonenumbers.parse(written, "IN")
    if phonenumbers.is_valid_number(number):
        assert phone_normalize(written) == phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164)
    else:
        with pytest.raises(ValidationError):
            phone_normalize(written)


@pytest.mark.parametrize("written", ["5.96696E+11", "9.19877E+11", "9,19877E+11", "9.19877e11"])
def test_a_number_in_scientific_notation_is_refused_as_digits_lost(written):
    with pytest.raises(ValidationError) as exc:
        phone_normalize(written)
    assert exc.value.code == "scientific"


@pytest.mark.parametrize("cell", [919877000000.0, 919877000000, 9876543210.5])
def test_a_number_cell_rounded_or_not_whole_is_refused_as_digits_lost(cell):
    with pytest.raises(ValidationError) as exc:
        phone_normalize(cell)
    assert exc.value.code == "scientific"


@pytest.mark.parametrize(
    ("written", "region", "expected"),
    [("06 12 34 56 78", "FR", "+33612345678"), ("0612345678", "FR", "+33612345678"),
     ("138 0013 8000", "CN", "+8613800138000"), ("(807) 271-2192", "US", "+18072712192"),
     ("+86 138 0013 8000", "IN", "+8613800138000")],
)
def test_national_numbers_are_read_in_the_region_given(written, region, expected):
    assert phone_normalize(written, region=region) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("(807) 271-2192", ("US", "3-3-4")), ("(807)271-2192", ("US", "3-3-4")),
     ("660-485-0224", ("US", "3-3-4")), ("807.271.2192", ("US", "3-3-4")),
     ("06 12 34 56 78", ("FR", "5 pairs")), ("06.12.34.56.78", ("FR", "5 pairs")),
     ("07911 123456", ("GB", "07xxx xxxxxx"))],
)
def test_a_number_grouped_the_way_another_country_writes_it_is_recognised(written, expected):
    assert phone_written_like(written, "IN") == expected


@pytest.mark.parametrize(
    ("written", "region"),
    [("98765 43210", "IN"), ("9876543210", "IN"), ("+1 (807) 271-2192", "IN"),
     ("987-654-3210", "IN"),  # not a valid North American number
     ("(807) 271-2192", "US"), ("(807) 271-2192", "CA"), ("06 12 34 56 78", "FR")],
)
def test_a_number_written_the_regions_own_way_or_invalid_elsewhere_is_not_foreign(written, region):
    assert phone_written_like(written, region) is None


@pytest.mark.parametrize("written", ["(660) 485-0225 x12", "660-485-0225 ext. 7",
                                     "(660) 485-0225 extension 12"])
def test_a_north_american_number_with_an_extension_is_still_written_like_one(written):
    assert phone_written_like(written, "IN") == ("US", phone_written_like("660-485-0225", "IN")[1])
