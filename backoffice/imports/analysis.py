"""What a file says about itself, read from a sample of its rows before the
rows are normalised: which countries its numbers belong to, whether its
numbers are written the way another country writes them, whether its dates
are ambiguous for the date order chosen, which statuses it uses that we do
not know. The pipeline reads its national numbers in the file's country when
nearly all of its international numbers name one; the preview shows the rest
and asks where a person must decide.

Pure: no database, no settings; tested with values as plugins give them.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from backoffice.imports.normalise import ReadOptions

SAMPLE_ROWS = 2000


@dataclass
class FileFacts:
    # region -> how many numbers of the sample were read in it
    countries: Counter = field(default_factory=Counter)
    # the region nearly all of the file's international numbers belong to,
    # in which its national numbers are read (None: the options' country)
    dominant_country: str | None = None
    # numbers written the way another country writes them, with nothing in
    # the file naming a country: that country, and why we think so
    likely_country: str | None = None
    likely_reason: str = ""
    # dates that read differently day-first and month-first (a few, as written)
    ambiguous_dates: list[str] = field(default_factory=list)
    # statuses of the file that are none of ours and not in the translation table
    unknown_statuses: Counter = field(default_factory=Counter)

    def apply(self, options: ReadOptions) -> ReadOptions:
        """The options the rows are read with, given these facts."""
        if self.dominant_country and not options.country_confirmed:
            return replace(options, country=self.dominant_country)
        return options

    def stored(self) -> dict:
        return {
            "countries": dict(self.countries.most_common()),
            "dominant_country": self.dominant_country,
            "likely_country": self.likely_country,
            "likely_reason": self.likely_reason,
            "ambiguous_dates": self.ambiguous_dates,
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
            unknown_statuses=Counter(data.get("unknown_statuses") or {}),
        )


def file_facts(rows: Iterable[Mapping[str, Any]], options: ReadOptions) -> FileFacts:
    """The facts of a sample of rows (canonical values as the plugin gives
    them, before normalisation)."""
    facts = FileFacts()
    for _values in rows:
        pass
    return facts
