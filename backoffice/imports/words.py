"""The words for an import's counts, in one place: the preview, the progress
and result page, the import history, its export and the command line use
these (docs/decisions.md, "One vocabulary for an import's counts").

A row of the file is exactly one of: new, updated, unchanged, a duplicate in
the file, or refused. "Kept with a warning" counts rows among the new and
updated ones that were imported although a cell of theirs could not be read
(or they have no name). Before the import runs the preview cannot tell
updated from unchanged (the duplicate policy is chosen at the start): it
counts both as "already customers".
"""

from django.utils.translation import gettext_lazy as _

COUNT_WORDS = {
    "rows": _("Rows in the file"),
    "created": _("New"),
    "existing": _("Already customers"),
    "updated": _("Updated"),
    "unchanged": _("Unchanged"),
    "duplicates": _("Duplicates in the file"),
    "invalid": _("Refused"),
    "warnings": _("Kept with a warning"),
}

# The counts of a finished run, in the order they are shown.
COUNT_FIELDS = ("rows", "created", "updated", "unchanged", "duplicates", "invalid", "warnings")
# The preview's (before the run: updated and unchanged are "already customers").
PREVIEW_COUNT_FIELDS = ("rows", "created", "existing", "duplicates", "invalid", "warnings")


def counts_sentence(counts: dict[str, int], fields=COUNT_FIELDS) -> str:
    """"Rows in the file 12 · New 5 · …" for the command line and messages."""
    return " · ".join(f"{COUNT_WORDS[name]} {counts.get(name, 0):,}" for name in fields)
