from collections import Counter

from django.core.checks import Error, register


@register()
def check_importer_identifiers(app_configs, **kwargs):
    from backoffice.imports.plugins import importer_classes

    errors = []
    counts = Counter(cls.identifier for cls in importer_classes())
    for identifier, count in counts.items():
        if count > 1:
            where = ", ".join(
                f"{cls.__module__}.{cls.__qualname__}"
                for cls in importer_classes()
                if cls.identifier == identifier
            )
            errors.append(
                Error(
                    f"{count} importer plugins share the identifier “{identifier}”: {where}.",
                    hint="Give each importer plugin its own identifier.",
                    id="imports.E001",
                )
            )
    return errors
