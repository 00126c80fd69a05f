"""What a file says about itself, read from a sample of its rows before the
rows are normalised: which countries its numbers belong to, whether its
numbers are written the way another country writes them, whether its dates
are ambiguous for the date order chosen, which statuses it uses that we do
not know. The pipeline reads its national numbers in the file's country when
nearly all of its international numbers name one; the preview shows the rest
and asks where a person must decide.

Pure: no database, no settings; tested with values as plugins give them.
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import phonenumbers

from backoffice.customers.phones import is_indian_mobile, phone_written_like
from backoffice.imports.countries import in_country, region_for_country
from backoffice.imports.normalise import (
    _NUMERIC_DATE, _STATUS_KEYS, ReadOptions, split_numbers, text,
)
from backoffice.imports.plugins import header_key

SAMPLE_ROWS = 2000
UNREADABLE_KEPT = 500  # national numbers kept to test against a likely country
# National numbers are read in the country of the file's international
# numbers when at least this share of them, and this many, name one country.
DOMINANT_SHARE, DOMINANT_MIN = 0.9, 5
# A file whose numbers name no country is likely from another one when at
# least this share of its numbers are written the way that country writes them.
LIKELY_SHARE = 0.5
MAX_EXAMPLES = 5

_INTERNATIONAL = re.compile(r"\s*(?:\+|00)")
_NOT_DIGITS = re.compile(r"[\s\-().]")
# 10 digits starting 2-5: never an Indian mobile number; often a US one
_TEN_DIGITS_2_TO_5 = re.compile(r"[2-5]\d{9}")


@dataclass
class FileFacts:
    # region -> how many valid numbers of the sample were read in it (by the
    # main region of their country code: Canada's count as US)
    countries: Counter = field(default_factory=Counter)
    # the region nearly all of the file's international numbers belong to,
    # in which its national numbers are read (None: the options' country)
    dominant_country: str | None = None
    # numbers written the way another country writes them, with nothing in
    # the file naming a country: that country, and why we think so (the
    # reason quotes the file's cells: escape it when showing it)
    likely_country: str | None = None
    likely_reason: str = ""
    # dates that read differently day-first and month-first (a few, as written),
    # when no date of the sample shows which comes first
    ambiguous_dates: list[str] = field(default_factory=list)
    # the order the sample's dates prove (a day above 12 in first or second
    # place), when it is not the options' one (None: nothing to change)
    date_order_guess: str | None = None
    # statuses of the file that are none of ours and not in the translation table
    unknown_statuses: Counter = field(default_factory=Counter)

    def apply(self, options: ReadOptions) -> ReadOptions:
        """The options the rows are read with, given these facts."""
        if self.dominant_country and not options.country_confirmed:
            options = replace(options, country=self.dominant_country)
        if self.date_order_guess and not options.date_order_confirmed:
            # the file's own dates prove their order (11/24/2026 is month first)
            # and none proves the order assumed: reading them so is never worse
            options = replace(options, date_order=self.date_order_guess)
        return options

    def stored(self) -> dict:
        return {
            "countries": dict(self.countries.most_common()),
            "dominant_country": self.dominant_country,
            "likely_country": self.likely_country,
            "likely_reason": self.likely_reason,
            "ambiguous_dates": self.ambiguous_dates,
            "date_order_guess": self.date_order_guess,
            "unknown_statuses": dict(self.unknown_statuses.most_common()),
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any] | None) -> "FileFacts":
        data = data or {}
        return cls(
            countries=Counter(data.get("countries") or {}),
            dominant_country=data.get("dominant_country"),
            likely_country=data.get("likely_country"),
            likely_reason=data.get("likely_reason") or "",
            ambiguous_dates=list(data.get("ambiguous_dates") or []),
            date_order_guess=data.get("date_order_guess"),
            unknown_statuses=Counter(data.get("unknown_statuses") or {}),
        )


class _Numbers:
    """What the sample's phone numbers say about their country."""

    def __init__(self, options: ReadOptions):
        self.options = options
        self.total = 0
        self.countries: Counter = Counter()
        self.international: Counter = Counter()  # calling code -> numbers
        self.named = 0  # rows whose country column names a country
        # region -> [how many, example] of numbers written that region's way
        self.written_like: dict[str, list] = {}
        self.groupings: dict[str, str] = {}
        self.not_indian_mobiles: list = [0, ""]  # valid US numbers that cannot be Indian mobiles
        self.unreadable: list[str] = []  # national numbers not valid where they are read

    def add(self, value: Any, row_region: str | None) -> None:
        written = text(value)
        if not written:
            return
        self.total += 1
        region = row_region or self.options.country
        if _INTERNATIONAL.match(written):
            # the country code counts even when the rest of the number is wrong
            number = _parse("+" + _INTERNATIONAL.sub("", written, count=1), None, valid=False)
            if number is not None:
                self.international[number.country_code] += 1
                if phonenumbers.is_valid_number(number):
                    self.countries[_main_region(number)] += 1
            return
        like = None
        if not row_region and isinstance(value, str):
            like = phone_written_like(written, region)
        if like:  # refused by the import unless a person sets the country
            other, grouping = like
            seen = self.written_like.setdefault(other, [0, written])
            seen[0] += 1
            self.groupings[other] = grouping
            return
        if region == "IN" and is_indian_mobile(written):
            # the usual case, counted without parsing the number
            self.countries["IN"] += 1
            return
        number = _parse(written, region)
        if number is not None:
            self.countries[_main_region(number)] += 1
        elif not row_region and len(self.unreadable) < UNREADABLE_KEPT:
            self.unreadable.append(written)
        if not row_region and region == "IN":
            digits = _NOT_DIGITS.sub("", written)
            if _TEN_DIGITS_2_TO_5.fullmatch(digits) and _parse(digits, "US") is not None:
                self.not_indian_mobiles[0] += 1
                self.not_indian_mobiles[1] = self.not_indian_mobiles[1] or written

    def dominant(self) -> str | None:
        counted = sum(self.international.values())
        if not counted:
            return None
        code, count = self.international.most_common(1)[0]
        if count < DOMINANT_MIN or count / counted < DOMINANT_SHARE:
            return None
        if code == phonenumbers.country_code_for_region(self.options.country):
            return None
        region = phonenumbers.region_code_for_country_code(code)
        return None if region == phonenumbers.UNKNOWN_REGION else region

    def likely(self) -> tuple[str | None, str]:
        """(region, reason) when nothing in the sample names a country and
        most of its numbers are written another country's way."""
        counted_international = sum(self.international.values())
        if not self.total or self.named or counted_international * 2 >= self.total:
            return None, ""
        counts = {region: seen[0] for region, seen in self.written_like.items()}
        if self.not_indian_mobiles[0]:
            counts["US"] = counts.get("US", 0) + self.not_indian_mobiles[0]
        if not counts:
            return None, ""
        region, count = max(counts.items(), key=lambda item: item[1])
        # the same country's numbers written with its code (+33 6 …), and the
        # national numbers that are no number where they are read but are
        # valid there (0612345679), say the same
        international = sum(n for code, n in self.international.items()
                            if phonenumbers.region_code_for_country_code(code) == region)
        unreadable_there = sum(1 for written in self.unreadable
                               if _parse(written, region) is not None)
        count += international + unreadable_there
        if count / self.total < LIKELY_SHARE:
            return None, ""
        how = []
        if region in self.written_like:
            seen = self.written_like[region]
            how.append(f"{seen[0]} written the way numbers are written {in_country(region)} "
                       f"({self.groupings[region]}, for example “{seen[1][:40]}”)")
        if region == "US" and self.not_indian_mobiles[0]:
            how.append(f"{self.not_indian_mobiles[0]} of 10 digits starting 2 to 5, which are "
                       "not Indian mobile numbers but are valid there (for example "
                       f"“{self.not_indian_mobiles[1][:40]}”)")
        if international:
            how.append(f"{international} written with its country code")
        if unreadable_there:
            how.append(f"{unreadable_there} not valid {in_country(self.options.country)} "
                       "but valid there")
        reason = (f"{count} of the {self.total} phone numbers of the first rows are likely "
                  f"numbers {in_country(region)}: {' and '.join(how)}. Nothing in the file names "
                  f"a country, so they would be read as numbers {in_country(self.options.country)}.")
        return region, reason


def _parse(written: str, region: str | None, *, valid: bool = True
           ) -> phonenumbers.PhoneNumber | None:
    """The number (if ``valid``, only a valid one), else None."""
    try:
        number = phonenumbers.parse(written, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.region_code_for_country_code(number.country_code) == "ZZ":
        return None
    return number if not valid or phonenumbers.is_valid_number(number) else None


def _main_region(number: phonenumbers.PhoneNumber) -> str:
    """The main region of a number's country code: numbers are counted by
    the country their code names (+1 -> US, +44 -> GB, +7 -> RU), not by the
    territories sharing it (Canada, Guernsey, Kazakhstan)."""
    return phonenumbers.region_code_for_country_code(number.country_code)


class _Dates:
    """Whether the sample's dates show their order (a day above 12)."""

    def __init__(self, options: ReadOptions):
        self.options = options
        self.proven: set[str] = set()
        self.ambiguous: list[str] = []

    def add(self, value: Any) -> None:
        if not isinstance(value, str):
            return  # date cells and serials carry their own order
        written = text(value)
        candidate = written.split(" ", 1)[0].split("T", 1)[0].rstrip(",")
        match = _NUMERIC_DATE.fullmatch(candidate)
        if not match:
            return
        first, _, second, last = match.groups()
        if len(first) > 2 or (len(last) == 2 and self.options.date_order == "ymd"):
            return  # the year comes first: no day-month question
        first, second = int(first), int(second)
        if first > 12 >= second:
            self.proven.add("dmy")
        elif second > 12 >= first:
            self.proven.add("mdy")
        elif first != second and max(first, second) <= 12 and len(self.ambiguous) < MAX_EXAMPLES:
            if written not in self.ambiguous:
                self.ambiguous.append(written)

    def facts(self) -> tuple[list[str], str | None]:
        """(ambiguous examples, order guess)."""
        if not self.proven:
            return list(self.ambiguous), None
        if len(self.proven) == 1:
            (order,) = self.proven
            return [], None if order == self.options.date_order else order
        return [], None  # both orders in one file: each date is read as the options say


def file_facts(rows: Iterable[Mapping[str, Any]], options: ReadOptions) -> FileFacts:
    """The facts of a sample of rows (canonical values as the plugin gives
    them, before normalisation)."""
    numbers = _Numbers(options)
    dates = _Dates(options)
    statuses: Counter = Counter()
    status_written: dict[str, str] = {}
    for values in rows:
        country = text(values.get("country"))
        row_region = region_for_country(country) if country else None
        if row_region:
            numbers.named += 1
        for name in ("phone", "alternate_phone"):
            for part in split_numbers(values.get(name)):
                numbers.add(part, row_region)
        dates.add(values.get("date_added"))
        status = text(values.get("status"))
        if status:
            key = header_key(status)
            if key and key not in options.status_map and key not in _STATUS_KEYS:
                statuses[key] += 1
                status_written.setdefault(key, status)
    facts = FileFacts(countries=numbers.countries, dominant_country=numbers.dominant())
    if facts.dominant_country is None:
        facts.likely_country, facts.likely_reason = numbers.likely()
    facts.ambiguous_dates, facts.date_order_guess = dates.facts()
    facts.unknown_statuses = Counter(
        {status_written[key]: count for key, count in statuses.most_common()})
    return facts
