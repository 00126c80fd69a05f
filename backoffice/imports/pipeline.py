"""Reading a lead file into canonical, normalised records.

``plan_file`` finds the header row (title rows above it are skipped) and what
each column means; ``iter_records`` streams the rows after it through the
importer plugin and the normalisation, one ``Record`` per row. Nothing here
touches the database.
"""

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backoffice.imports.analysis import SAMPLE_ROWS, FileFacts, file_facts
from backoffice.imports.normalise import (
    DEFAULT_OPTIONS, CleanRow, ReadOptions, RowProblem, clean_row, text,
)
from backoffice.imports.plugins import Importer, header_key, importer_classes, importer_get
from backoffice.imports.readers import (
    FileProblem, Table, headers_for_message, iter_rows, open_table,
)

HEADER_SEARCH_ROWS = 30
STANDARD = "standard"


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
    # why the columns must be chosen by a person (no phone column found), or ""
    needs_columns: str = ""

    def describe(self) -> list[tuple[str, str]]:
        """(field, header) pairs of the mapping, for people."""
        return [(name, self.headers[index]) for name, index in self.mapping.items()]

    def detail_columns(self) -> list[tuple[int, str]]:
        """(column index, name) of the columns kept as source details: every
        column no field takes and nobody chose to ignore."""
        return detail_columns(self.headers, set(self.mapping.values()) | set(self.ignored))


def detail_columns(headers: list[str], taken: set[int]) -> list[tuple[int, str]]:
    """(column index, name) of the columns not ``taken``. A blank header is
    "Column N"; a repeated one gets its column number."""
    names: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, header in enumerate(headers):
        if index in taken:
            continue
        name = header or f"Column {index + 1}"
        if name in seen:
            name = f"{name} (column {index + 1})"
        seen.add(name)
        names.append((index, name))
    return names


class NoPhoneColumn(FileProblem):
    """No row of the file's head has a column the plugins take for the phone."""


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
    incomplete_ok: bool = False,
) -> Plan:
    """Find the header row and the column mapping. With no importer given,
    every plugin is tried and the one that recognises most columns wins.

    When no column for the phone number is found, FileProblem says so; with
    ``incomplete_ok`` (a person is about to choose the columns) the plan is
    made of the likeliest header row instead, with ``needs_columns`` saying
    what is missing."""
    table = open_table(path, filename=filename, sheet=sheet, stream_above=stream_above)
    head = _head_rows(path, table, options.header_row)
    candidates = [importer] if importer else _all_plugins(config)
    needs_columns = ""
    try:
        plugin, number, cells = choose_header(head, candidates, forced=options.header_row)
    except NoPhoneColumn as exc:
        if not (incomplete_ok or mapping):
            raise
        needs_columns = str(exc)
        plugin = importer or next(p for p in _all_plugins(config) if p.identifier == STANDARD)
        number, cells = _likeliest_header(head)
    headers = [text(c) for c in cells]
    found = dict(mapping) if mapping else plugin.map_headers(cells)
    for name, index in found.items():
        if not 0 <= index < len(headers):
            raise FileProblem(f"Column {index + 1} chosen for {name} does not exist.")
    if plugin.is_complete(found):
        needs_columns = ""
    elif incomplete_ok:
        needs_columns = needs_columns or "Choose the column that holds the phone number."
    else:
        raise FileProblem(needs_columns or "Choose the column that holds the phone number.")
    ignored_keys = {header_key(h) for h in options.ignored_headers}
    ignored = frozenset(i for i, h in enumerate(headers)
                        if h and header_key(h) in ignored_keys and i not in found.values())
    facts = (file_facts(_sample(path, table, plugin, number, found), options)
             if not needs_columns else FileFacts())
    return Plan(table=table, importer=plugin, header_row=number, headers=headers, mapping=found,
                options=facts.apply(options), ignored=ignored, facts=facts,
                needs_columns=needs_columns)


def _likeliest_header(head: list[tuple[int, list[Any]]]) -> tuple[int, list[Any]]:
    """The header row when no plugin recognises one: the first row that does
    not look like data (no number nor email address, mostly words)."""
    for number, cells in head:
        filled = [cell for cell in cells if text(cell)]
        values = sum(1 for cell in filled if is_value(cell))
        if filled and not any(is_contact(c) for c in filled) and 2 * values <= len(filled):
            return number, cells
    return head[0]


def _head_rows(path, table: Table, forced: int | None) -> list[tuple[int, list[Any]]]:
    """The rows the header is looked for in: the first ones, or the row a
    person chose (none when that row is blank or past the end)."""
    head: list[tuple[int, list[Any]]] = []
    seen_any = False
    for number, cells in iter_rows(path, table):
        seen_any = True
        if forced is None:
            head.append((number, cells))
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        elif number >= forced:
            if number == forced:
                head.append((number, cells))
            break
    if not seen_any:
        raise FileProblem("The file has no rows.")
    return head


def _all_plugins(config: Mapping[str, Any] | None) -> list[Importer]:
    """Every plugin, ``standard`` first and then by identifier: on a tie the
    first one wins, so the standard plugin wins its ties."""
    classes = sorted(importer_classes(),
                     key=lambda cls: (cls.identifier != STANDARD, cls.identifier))
    return [cls(config) for cls in classes]


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T].*)?")
_NUMBER = re.compile(r"[-+]?\d+([.,]\d+)*")


def is_contact(cell: Any) -> bool:
    """A phone number (seven digits or more) or an email address: a cell no
    header ever is."""
    value = text(cell)
    return sum(ch.isdigit() for ch in value) >= 7 or bool(_EMAIL.fullmatch(value))


def is_value(cell: Any) -> bool:
    """A number or a date: a cell a header rarely is."""
    if cell is None or isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float, datetime.date, datetime.time)):
        return True
    value = text(cell)
    return bool(value) and bool(_DATE.fullmatch(value) or _NUMBER.fullmatch(value))


def choose_header(
    head: list[tuple[int, list[Any]]], candidates: list[Importer], *, forced: int | None = None,
) -> tuple[Importer, int, list[Any]]:
    """The header row and the plugin that reads it.

    Every (row, plugin) pair where the plugin finds its required columns is
    scored by the columns it recognises. A row of data is never the header:
    not a row with a phone number or an email address in any cell, nor one
    whose required cell (the phone column's header) is a number or a date,
    nor one whose cells are mostly numbers and dates; each number or date
    in a row costs it a point. The best score wins; on a tie the earlier
    row, then the earlier plugin (``standard`` comes first). ``forced`` (the
    sheet's row number a person chose) skips the search: that row is the
    header, whatever it holds.
    """
    if forced is not None and not [number for number, _ in head if number == forced]:
        raise FileProblem(
            f"Row {forced}, chosen as the header row, is empty or beyond the end of the "
            "file. Check the header row of the data source."
        )
    best: tuple[tuple[int, int], Importer, int, list[Any]] | None = None
    for position, (number, cells) in enumerate(head):
        penalty = 0
        if forced is None:
            filled = [cell for cell in cells if text(cell)]
            values = sum(1 for cell in filled if is_value(cell))
            if any(is_contact(cell) for cell in filled) or 2 * values > len(filled):
                continue
            penalty = values
        for plugin in candidates:
            found = plugin.map_headers(cells)
            if not plugin.is_complete(found):
                continue
            if forced is None and any(is_value(cells[index]) for name, index in found.items()
                                      if name in plugin.required_fields()):
                continue
            rank = (plugin.header_score(cells, found) - penalty, -position)
            if best is None or rank > best[0]:
                best = (rank, plugin, number, cells)
    if best is None:
        cells = head[0][1]
        seen = headers_for_message(cells) or "none"
        where = f"row {forced}" if forced is not None else "the first rows of the file"
        raise NoPhoneColumn(
            f"No column for the phone number was found in {where} "
            f"(headers seen: {seen}). Choose the column that holds it on the preview, "
            "or rename it (for example to “Mobile”)."
        )
    _, plugin, number, cells = best
    return plugin, number, cells


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
    kept = plan.detail_columns()
    for number, cells in iter_rows(path, plan.table):
        if number <= plan.header_row:
            continue
        yield record_of(number, cells, importer=plan.importer, mapping=plan.mapping,
                        options=plan.options, kept=kept)


def record_of(number: int, cells: list[Any], *, importer: Importer, mapping: Mapping[str, int],
              options: ReadOptions, kept: list[tuple[int, str]]) -> Record:
    """One row, mapped by the plugin and normalised: how every row of a file,
    and every web form's submission, becomes a Record."""
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
    return record


def record_from_fields(fields: Mapping[str, Any], *, importer: Importer,
                       options: ReadOptions = DEFAULT_OPTIONS) -> Record:
    """A single row given as field name -> value (a web form's submission):
    the names are read as a file's headers (the plugin's and the source's
    aliases, its ignored headers), the values as that row's cells."""
    headers = [text(name) for name in fields]
    cells = list(fields.values())
    mapping = importer.map_headers(headers)
    if not importer.is_complete(mapping):
        return Record(row_number=1, cells=cells,
                      problem="No field for the phone number was sent.")
    ignored_keys = {header_key(h) for h in options.ignored_headers}
    ignored = {i for i, h in enumerate(headers) if h and header_key(h) in ignored_keys}
    kept = detail_columns(headers, set(mapping.values()) | ignored)
    return record_of(1, cells, importer=importer, mapping=mapping, options=options, kept=kept)


__all__ = ["Plan", "Record", "ReadOptions", "plan_file", "iter_records", "importer_get",
           "FileProblem", "record_of", "record_from_fields", "detail_columns"]
