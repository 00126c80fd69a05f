"""A customer's source details (what its source file said in columns that map
to no field) as text, whatever shape the stored JSON has: an object's keys
and values, a list's items numbered from 1, or a single value. Used by the
customer page and the exports alike, so both read the same."""

import json
from dataclasses import dataclass, field
from typing import Any

# What the customer page lists of one customer's source details.
DETAILS_SHOWN = 100
# A value longer than this is cut on the page (the export keeps it whole).
VALUE_SHOWN_CHARS = 5000


def detail_text(value: Any) -> str:
    """A value as text: text as written, anything else as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, default=str)


def detail_pairs(details: Any):
    """(key, value) pairs as text, in the stored order."""
    if details in (None, "", {}, []):
        return
    if isinstance(details, dict):
        for key, value in details.items():
            yield str(key), detail_text(value)
    elif isinstance(details, list):
        for number, value in enumerate(details, start=1):
            yield str(number), detail_text(value)
    else:
        yield "", detail_text(details)


@dataclass
class ShownDetails:
    items: list[tuple[str, str]] = field(default_factory=list)
    more: int = 0  # pairs not listed


def details_shown(details: Any, *, limit: int = DETAILS_SHOWN) -> ShownDetails:
    """The first ``limit`` pairs (long values cut) and how many more there are."""
    shown = ShownDetails()
    for key, value in detail_pairs(details):
        if len(shown.items) < limit:
            if len(value) > VALUE_SHOWN_CHARS:
                value = value[:VALUE_SHOWN_CHARS] + "…"
            shown.items.append((key, value))
        else:
            shown.more += 1
    return shown


def details_as_lines(details: Any) -> str:
    """One "key: value" line per pair (the export's cell)."""
    return "\n".join(f"{key}: {value}" if key else value for key, value in detail_pairs(details))
