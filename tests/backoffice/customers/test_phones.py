import pytest
from django.core.exceptions import ValidationError

from backoffice.customers.phones import phone_display, phone_normalize


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
