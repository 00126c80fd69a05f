"""Importer plugins: what a source's columns mean.

An importer turns one row of a source file (a dict from header to cell) into
the canonical fields of a customer, as raw values: ``name``, ``phone``,
``alternate_phone``, ``email``, ``area``, ``date_added``, ``remarks``,
``status`` and ``country`` (the row's country, which decides how its national
numbers are read), and optionally ``details``: a dict of values the plugin
read but no field holds (they join the row's source details). The columns the
plugin does not map are kept as source details by the pipeline. It is pure: no
database, no settings, no files; the pipeline reads the file, normalises the
values and writes. That is what makes a plugin testable with golden files.

Plugins are found in the modules of ``plugins.importers`` and in the
entry-point group ``backoffice.importers`` (so a pip-installed package can add
one); ``importers()`` is the one registry, and a system check refuses two
plugins with the same identifier.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, ClassVar

from backoffice.core.plugins import plugin_classes

CANONICAL_FIELDS = ("name", "phone", "alternate_phone", "email", "area", "date_added",
                    "remarks", "status", "country")
# The choices of a column beside the fields: left out, or kept as a source detail.
IGNORE, KEEP = "__ignore__", "__keep__"
REQUIRED_FIELDS = ("phone",)
_NOT_KEY = re.compile(r"[^0-9a-z]")
ENTRY_POINT_GROUP = "backoffice.importers"


def header_key(text: Any) -> str:
    """A header as compared: case, accents, spaces and punctuation do not
    count. ``"Mobile No."``, ``"mobile_no"`` and ``" MOBILE  NO "`` are the
    same, and so are ``"Téléphone"`` and ``"telephone"``."""
    folded = str(text or "").lower()
    if not folded.isascii():  # statuses are compared this way on every row
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NOT_KEY.sub("", folded)


class Importer:
    """Base class of importer plugins. Subclass it in a module of
    ``plugins/importers/`` (see docs/plugins.md)."""

    identifier: ClassVar[str] = ""
    verbose_name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    # canonical field (or a plugin's own intermediate field) -> header aliases
    aliases: ClassVar[Mapping[str, Iterable[str]]] = {}
    # Headers the export always writes that no field takes (an id, an owner):
    # they count towards recognising the file, and stay source details.
    signature: ClassVar[Iterable[str]] = ()

    def __init__(self, config: Mapping[str, Any] | None = None):
        self.config = dict(config or {})

    # --- headers ------------------------------------------------------------

    def alias_keys(self) -> dict[str, str]:
        """header key -> field, from the data source's extra aliases
        (``config["aliases"]``, which win: a source may say that its "Phone"
        column is the alternate number) and the plugin's aliases."""
        keys: dict[str, str] = {}
        extra = self.config.get("aliases") or {}
        for field, names in extra.items():
            for name in names:
                keys.setdefault(header_key(name), field)
        for field, names in self.aliases.items():
            for name in [field, *names]:
                keys.setdefault(header_key(name), field)
        return keys

    def map_headers(self, headers: list[Any]) -> dict[str, int]:
        """field -> column index, for the headers this plugin recognises."""
        keys = self.alias_keys()
        mapping: dict[str, int] = {}
        for index, header in enumerate(headers):
            field = keys.get(header_key(header))
            if field and field != KEEP and field not in mapping:
                mapping[field] = index
        return mapping

    def header_score(self, headers: list[Any], mapping: Mapping[str, int] | None = None) -> int:
        """How many columns of a row of headers this plugin recognises: the
        columns it maps plus its export's signature headers. With no data
        source, the plugin that recognises most columns reads the file."""
        if mapping is None:
            mapping = self.map_headers(headers)
        signature = {header_key(name) for name in self.signature}
        taken = set(mapping.values())
        extra = sum(1 for index, header in enumerate(headers)
                    if index not in taken and header_key(header) in signature)
        return len(mapping) + extra

    def is_complete(self, mapping: Mapping[str, int]) -> bool:
        return all(field in mapping for field in self.required_fields())

    def required_fields(self) -> tuple[str, ...]:
        return REQUIRED_FIELDS

    # --- rows ---------------------------------------------------------------

    def map_row(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` is field -> raw cell for this row (from map_headers).
        Returns canonical fields (and optionally ``details``); ``clean_<field>``
        methods run on each."""
        row = {field: values.get(field) for field in CANONICAL_FIELDS}
        for field in CANONICAL_FIELDS:
            cleaner = getattr(self, f"clean_{field}", None)
            if cleaner is not None:
                row[field] = cleaner(row[field], values)
        return row


# --- helpers for plugins ----------------------------------------------------------

def cell_text(value: Any) -> str:
    """A cell as trimmed text (``9876543210.0`` -> ``"9876543210"``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def join_name(*parts: Any) -> str:
    """A name from its parts (first, middle, last), blanks left out."""
    return " ".join(text for text in map(cell_text, parts) if text)


def name_from(full: Any, parts: Iterable[tuple[str, Any]]) -> tuple[str, dict[str, str]]:
    """A name: the full name when the row has one, else its parts joined.
    A part the full name does not contain is kept as a detail (column name
    -> value), so nothing the file said is lost."""
    parts = [(label, cell_text(value)) for label, value in parts]
    name = cell_text(full)
    if not name:
        return join_name(*(value for _, value in parts)), {}
    return name, {label: value for label, value in parts
                  if value and value.lower() not in name.lower()}


def first_of(columns: Iterable[tuple[str, Any]]) -> tuple[Any, dict[str, str]]:
    """The first non-blank of several columns that hold the same field (home,
    then business city); the others that are not blank are kept as details."""
    chosen: Any = None
    rest: dict[str, str] = {}
    for label, value in columns:
        if not cell_text(value):
            continue
        if chosen is None:
            chosen = value
        elif cell_text(value) != cell_text(chosen):
            rest[label] = cell_text(value)
    return chosen, rest


def split_list(value: Any, separator: str = ":::") -> list[str]:
    """The items of a cell that holds several (Google writes
    ``"+91 98765 43210 ::: +91 70123 45678"``)."""
    return [item for item in (cell_text(part) for part in cell_text(value).split(separator))
            if item]


def _digit_count(value: str) -> int:
    return sum(ch.isdigit() for ch in value)


def pick_phones(numbers: Iterable[tuple[str, Any]]) -> tuple[str | None, str | None, dict]:
    """From a row's numbers, as (column name, cell) in order of preference:
    the phone (the first that looks like a number: seven digits or more), the
    alternate phone (the next different one), and the rest as details
    (column name -> value as written). With no number at all, the first cell
    written is the phone, so the error report says what the row held."""
    phone: str | None = None
    alternate: str | None = None
    rest: dict[str, str] = {}
    seen: set[str] = set()
    first_written: str | None = None
    for name, cell in numbers:
        for item in split_list(cell):
            first_written = first_written or item
            digits = "".join(ch for ch in item if ch.isdigit())
            if _digit_count(item) < 7:
                rest[name] = f"{rest[name]} ::: {item}" if name in rest else item
                continue
            if digits in seen:
                continue
            seen.add(digits)
            if phone is None:
                phone = item
            elif alternate is None:
                alternate = item
            else:
                rest[name] = f"{rest[name]} ::: {item}" if name in rest else item
    if phone is None and first_written is not None:
        phone = first_written
        rest = {name: value for name, value in rest.items() if value != first_written}
    return phone, alternate, rest


@cache
def importer_classes() -> tuple[type[Importer], ...]:
    """Every plugin, in the order found (duplicates included: the system check
    reports them)."""
    return plugin_classes("plugins.importers", ENTRY_POINT_GROUP, Importer)


def importers() -> dict[str, type[Importer]]:
    """identifier -> plugin class."""
    return {cls.identifier: cls for cls in importer_classes()}


def importer_choices() -> list[tuple[str, str]]:
    return sorted(
        ((cls.identifier, cls.verbose_name or cls.identifier) for cls in importer_classes()),
        key=lambda choice: str(choice[1]),
    )


def importer_get(identifier: str, config: Mapping[str, Any] | None = None) -> Importer:
    try:
        cls = importers()[identifier]
    except KeyError as exc:
        raise LookupError(f"No importer plugin “{identifier}”.") from exc
    return cls(config)


class SeveralPhonesImporter(Importer):
    """An export with several phone columns, read in order of preference
    (``phone_columns``: field, header as the export names it): the first
    number is the phone, the next the alternate phone, the others source
    details. A file needs one of them. ``map_row`` is a CRM lead's: a full
    name or its parts, the usual fields, the other numbers and name parts
    kept as details."""

    phone_columns: ClassVar[tuple[tuple[str, str], ...]] = ()

    def required_fields(self) -> tuple[str, ...]:
        return tuple(field for field, _label in self.phone_columns)

    def is_complete(self, mapping: Mapping[str, int]) -> bool:
        return any(field in mapping for field, _label in self.phone_columns)

    def phones(self, values: Mapping[str, Any]) -> tuple[str | None, str | None, dict]:
        return pick_phones((label, values.get(field)) for field, label in self.phone_columns)

    def map_row(self, values):
        phone, alternate, rest = self.phones(values)
        name, name_parts = name_from(values.get("full_name"), [
            ("First Name", values.get("first_name")), ("Last Name", values.get("last_name")),
        ])
        return {
            "name": name, "phone": phone, "alternate_phone": alternate,
            "email": values.get("email"), "area": values.get("area"),
            "date_added": values.get("date_added"), "remarks": values.get("remarks"),
            "status": values.get("status"), "country": values.get("country"),
            "details": {**rest, **name_parts},
        }
