"""The importer plugins' base: header keys and the helpers plugins share."""

from backoffice.imports.plugins import header_key, name_from, pick_phones, split_list


def test_header_keys_ignore_case_spaces_punctuation_and_accents():
    assert header_key("Téléphone") == header_key("telephone") == "telephone"
    assert header_key(" Mobile  No. ") == header_key("mobile_no") == "mobileno"
    assert header_key("Número de Móvil") == "numerodemovil"


def test_a_list_cell_is_split_on_its_separator():
    assert split_list("+91 98765 43210 ::: +91 70123 45678") == [
        "+91 98765 43210", "+91 70123 45678"]
    assert split_list(None) == []


def test_numbers_give_the_phone_then_the_alternate_and_the_rest_as_details():
    phone, alternate, rest = pick_phones([
        ("Mobile", "98765 43210 ::: 98765 43211"), ("Home", "0484 234 5678"),
        ("Work", "98765 43210"),
    ])
    assert (phone, alternate) == ("98765 43210", "98765 43211")
    assert rest == {"Home": "0484 234 5678"}  # the repeated work number is dropped


def test_a_cell_that_is_not_a_number_stays_a_detail_and_the_next_number_is_the_phone():
    phone, alternate, rest = pick_phones([("Mobile", "ask Anu"), ("Home", "98765 43210")])
    assert (phone, alternate, rest) == ("98765 43210", None, {"Mobile": "ask Anu"})


def test_with_no_number_at_all_the_first_cell_written_is_the_phone():
    # so that the error report says what the row held
    assert pick_phones([("Mobile", ""), ("Home", "n/a")]) == ("n/a", None, {})


def test_a_full_name_wins_and_parts_it_does_not_contain_are_kept():
    assert name_from("Anu Nair", [("Given Name", "Anu"), ("Nickname", "Ammu")]) == (
        "Anu Nair", {"Nickname": "Ammu"})
    assert name_from("", [("First", "Anu"), ("Last", "Nair")]) == ("Anu Nair", {})
