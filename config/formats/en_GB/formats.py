"""How dates and times read to people (the site's language is en-gb): day
first, a 24-hour clock, e.g. "12 Oct 2026, 17:51". Django's own en_GB formats
write "12 Oct 2026, 5:51 p.m."; these replace them everywhere Django formats
a date (templates, the admin's lists and read-only fields, ``date_format``)."""

DATE_FORMAT = "j M Y"  # 12 Oct 2026
TIME_FORMAT = "H:i"  # 17:51
DATETIME_FORMAT = "j M Y, H:i"  # 12 Oct 2026, 17:51
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"  # 12/10/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# What a date box accepts; the first is how it is written back (dd/mm/yyyy).
# Django adds the ISO form (yyyy-mm-dd) itself.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
