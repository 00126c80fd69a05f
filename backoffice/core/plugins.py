"""Finding plugins: the modules of a package in ``plugins/`` plus an
entry-point group, so a pip-installed package can add one. Importers and
reports each keep one registry built on this."""

import importlib
import pkgutil
from collections import Counter
from collections.abc import Iterable
from importlib.metadata import entry_points
from typing import Any

from django.core.checks import Error


def plugin_classes(package: str, group: str, base: type) -> tuple[type, ...]:
    """Subclasses of ``base`` with an ``identifier``, from the modules of
    ``package`` then the entry points of ``group``, in the order found
    (duplicate identifiers included: the system check reports them)."""
    found: list[type] = []
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(module.__path__):
        if not info.name.startswith("_"):
            found.extend(_subclasses(vars(importlib.import_module(f"{package}.{info.name}")).values(),
                                     base))
    for entry in entry_points(group=group):
        loaded = entry.load()
        found.extend(_subclasses([loaded] if isinstance(loaded, type) else vars(loaded).values(),
                                 base))
    unique: list[type] = []
    for cls in found:
        if cls not in unique:
            unique.append(cls)
    return tuple(unique)


def _subclasses(objects: Iterable[Any], base: type) -> list[type]:
    return [obj for obj in objects
            if isinstance(obj, type) and issubclass(obj, base) and obj is not base
            and getattr(obj, "identifier", "")]


def duplicate_identifier_errors(classes: Iterable[type], *, kind: str, check_id: str) -> list[Error]:
    classes = list(classes)
    errors = []
    for identifier, count in Counter(cls.identifier for cls in classes).items():
        if count > 1:
            where = ", ".join(f"{cls.__module__}.{cls.__qualname__}" for cls in classes
                              if cls.identifier == identifier)
            errors.append(Error(
                f"{count} {kind} plugins share the identifier “{identifier}”: {where}.",
                hint=f"Give each {kind} plugin its own identifier.",
                id=check_id,
            ))
    return errors
