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
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, ClassVar

from backoffice.core.plugins import plugin_classes

CANONICAL_FIELDS = ("name", "phone", "alternate_phone", "email", "area", "date_added",
                    "remarks", "status", "country")
# The choices of a column beside the fields: left out, or kept as a source detail.
IGNORE, KEEP = "__ignore__", "__keep__"
REQUIRED_FIELDS = ("phone",)
ENTRY_POINT_GROUP = "backoffice.importers"


def header_key(text: Any) -> str:
    """A header as compared: case, spaces and punctuation do not count.
    ``"Mobile No."``, ``"mobile_no"`` and ``" MOBILE  NO "`` are the same."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").lower())


class Importer:
    """Base class of importer plugins. Subclass it in a module of
    ``plugins/importers/`` (see docs/plugins.md)."""

    identifier: ClassVar[str] = ""
    verbose_name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    # canonical field (or a plugin's own intermediate field) -> header aliases
    aliases: ClassVar[Mapping[str, Iterable[str]]] = {}

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
            if field and field not in mapping:
                mapping[field] = index
        return mapping

    def header_score(self, headers: list[Any]) -> int:
        """How many fields a row of headers gives; the pipeline takes the
        first row that scores best as the header row."""
        return len(self.map_headers(headers))

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
