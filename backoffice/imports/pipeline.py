"""Reading a lead file into canonical, normalised records.

``plan_file`` finds the header row (title rows above it are skipped) and what
each column means; ``iter_records`` streams the rows after it through the
importer plugin and the normalisation, one ``Record`` per row. Nothing here
touches the database.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backoffice.imports.analysis import SAMPLE_ROWS, FileFacts, file_facts
from backoffice.imports.normalise import (
    DEFAULT_OPTIONS, CleanRow, ReadOptions, RowProblem, clean_row, text,
)
from backoffice.imports.plugins import Importer, header_key, importer_classes, importer_get
from backoffice.imports.readers import FileProblem, Table, iter_rows, open_table

HEADER_SEARCH_ROWS = 30


@dataclass
class Plan:
    table: Table
    importer: Importer
    header_row: int  # the header's row number in the file
    headers: list[str]
    mapping: dict[str, int]  # field -> column index
    options: ReadOptions = DEFAULT_OPTIONS
    ignored: frozenset[int] = frozenset()  # columns left out (not kept as details)
    facts: FileFacts = field(default_factory=FileFacts)

    def describe(self) -> list[tuple[str, str]]:
        """(field, header) pairs of the mapping, for people."""
        return [(name, self.headers[index]) for name, index in self.mapping.items()]

    def detail_columns(self) -> list[tuple[int, str]]:
        """(column index, name) of the columns kept as source details: every
        column no field takes and nobody chose to ignore. A blank header is
        "Column N"; a repeated one gets its column number."""
        taken = set(self.mapping.values()) | set(self.ignored)
        names: list[tuple[int, str]] = []
        seen: set[str] = set()
        for index, header in enumerate(self.headers):
            if index in taken:
                continue
            name = header or f"Column {index + 1}"
            if name in seen:
                name = f"{name} (column {index + 1})"
            seen.add(name)
            names.append((index, name))
        return names


@dataclass(slots=True)
class Record:
    row_number: int
    cells: list[Any]
    clean: CleanRow | None = None
    problem: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    duplicate_of: int | None = None  # row number of the same number's first row


def plan_file(
    path: Path | str,
    *,
    importer: Importer | None = None,
    filename: str = "",
    sheet: str | None = None,
    mapping: Mapping[str, int] | None = None,
    config: Mapping[str, Any] | None = None,
    stream_above: int | None = None,
    options: ReadOptions = DEFAULT_OPTIONS,
) -> Plan:
    """Find the header row and the column mapping. With no importer given,
    every plugin is tried and the one that recognises most columns wins."""
    table = open_table(path, filename=filename, sheet=sheet, stream_above=stream_above)
    head: list[tuple[int, list[Any]]] = []
    for number, cells in iter_rows(path, table):
        head.append((number, cells))
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    if not head:
        raise FileProblem("The file has no rows.")
    candidates = [importer] if importer else [cls(config) for cls in importer_classes()]
    best: tuple[int, int, Importer, int, list[Any]] | None = None
    for position, (number, cells) in enumerate(head):
        for plugin in candidates:
            found = plugin.map_headers(cells)
            if not plugin.is_complete(found):
                continue
            score = len(found)
            if best is None or score > best[0]:
                best = (score, position, plugin, number, cells)
    if best is None:
        seen = ", ".join(text(c) for c in head[0][1] if text(c)) or "none"
        raise FileProblem(
            "No column for the phone number was found in the first rows of the file "
            f"(headers seen: {seen}). Rename the column (for example to “Mobile”), or add "
            "the header to the data source's extra aliases."
        )
    _, _, plugin, number, cells = best
    headers = [text(c) for c in cells]
    found = dict(mapping) if mapping else plugin.map_headers(cells)
    for name, index in found.items():
        if not 0 <= index < len(headers):
            raise FileProblem(f"Column {index + 1} chosen for {name} does not exist.")
    if not plugin.is_complete(found):
        raise FileProblem("Choose the column that holds the phone number.")
    ignored_keys = {header_key(h) for h in options.ignored_headers}
    ignored = frozenset(i for i, h in enumerate(headers)
                        if h and header_key(h) in ignored_keys and i not in found.values())
    facts = file_facts(_sample(path, table, plugin, number, found), options)
    return Plan(table=table, importer=plugin, header_row=number, headers=headers, mapping=found,
                options=facts.apply(options), ignored=ignored, facts=facts)


def _sample(path, table: Table, plugin: Importer, header_row: int,
            mapping: Mapping[str, int]) -> Iterator[dict[str, Any]]:
    """The first rows after the header, as the plugin maps them."""
    count = 0
    for number, cells in iter_rows(path, table):
        if number <= header_row:
            continue
        values = {name: (cells[index] if index < len(cells) else None)
                  for name, index in mapping.items()}
        try:
            yield plugin.map_row(values)
        except (ValueError, TypeError):
            continue
        count += 1
        if count >= SAMPLE_ROWS:
            return


def iter_records(path: Path | str, plan: Plan) -> Iterator[Record]:
    """Every row after the header, mapped and normalised; the cells of the
    columns no field takes become the row's source details."""
    importer = plan.importer
    mapping = plan.mapping
    options = plan.options
    kept = plan.detail_columns()
    for number, cells in iter_rows(path, plan.table):
        if number <= plan.header_row:
            continue
        width = len(cells)
        values = {name: (cells[index] if index < width else None)
                  for name, index in mapping.items()}
        record = Record(row_number=number, cells=cells)
        try:
            canonical = importer.map_row(values)
            details = {name: cells[index] for index, name in kept
                       if index < width and cells[index] not in (None, "")}
            if canonical.get("details"):
                details.update(canonical["details"])
            canonical["details"] = details
            record.values = canonical
            record.clean = clean_row(canonical, options)
        except RowProblem as exc:
            record.problem = str(exc)
        except (ValueError, TypeError) as exc:  # a plugin's own conversion failed
            record.problem = f"Could not read this row: {exc}"
        yield record


__all__ = ["Plan", "Record", "ReadOptions", "plan_file", "iter_records", "importer_get",
           "FileProblem"]
