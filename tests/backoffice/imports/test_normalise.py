import datetime

import pytest

from backoffice.imports.normalise import RowProblem, parse_date


@pytest.mark.parametrize(
    ("written", "expected"),
    [("24-11-2026", "2026-11-24"), ("4/1/2026", "2026-01-04"), ("04.01.2026", "2026-01-04"),
     ("2026-11-24", "2026-11-24"), ("2026-11-24 10:30", "2026-11-24"), ("24 Nov 2026", "2026-11-24"),
     (46350, "2026-11-24"), ("46350", "2026-11-24"), (datetime.datetime(2026, 11, 24, 9), "2026-11-24"),
     ("", None), (None, None)],
)
def test_dates_are_read_day_first(written, expected):
    result = parse_date(written)
    assert (result.isoformat() if result else None) == expected


@pytest.mark.parametrize("written", ["31/02/2026", "13-13-2026", "tomorrow", "12345", 3.5])
def test_unreadable_dates_are_problems_not_guesses(written):
    with pytest.raises(RowProblem):
        parse_date(written)
