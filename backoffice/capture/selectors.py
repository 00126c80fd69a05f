"""Reads of the web-form capture: which data source a capture key opens."""

from backoffice.imports.models import DataSource

KEY_MIN_LENGTH = 32


def capture_source(key: str) -> DataSource | None:
    """The active data source whose capture key this is, or None (no such
    key, a revoked one, an inactive source: all alike to the caller)."""
    if not key or len(key) < KEY_MIN_LENGTH or len(key) > 64:
        return None
    return DataSource.objects.filter(capture_key=key, is_active=True).first()


# The fields a snippet offers, in order, with the input type (the phone first),
# and the labels people see (the website edits them at will).
SNIPPET_FIELDS = (("name", "text"), ("email", "email"), ("area", "text"), ("remarks", "textarea"))
SNIPPET_LABELS = {"name": "Name", "email": "Email", "area": "City", "remarks": "Message"}


def capture_url(source: DataSource) -> str:
    """The address a website's form posts to (SITE_URL's host); "" when off."""
    from django.conf import settings
    from django.urls import reverse

    if not source.capture_key:
        return ""
    return settings.SITE_URL.rstrip("/") + reverse("capture:submit", args=[source.capture_key])


def capture_snippet_fields(source: DataSource) -> list[dict]:
    """The inputs of the source's web form: for each field its name as the
    source reads it (an extra alias of the source, else the field's own
    name, else the plugin's first alias), whether required, the input type."""
    from backoffice.imports.plugins import importer_get

    try:
        importer = importer_get(source.importer, source.importer_config())
    except LookupError:
        return []
    extra = source.extra_aliases if isinstance(source.extra_aliases, dict) else {}
    required = importer.required_fields()
    wanted = [(required[0], "tel", True)] if required else []
    wanted += [(name, kind, False) for name, kind in SNIPPET_FIELDS if name not in required]
    fields = []
    for name, kind, is_required in wanted:
        candidates = [*extra.get(name, []), name, *importer.aliases.get(name, [])]
        input_name = next((c for c in candidates if isinstance(c, str)
                           and importer.map_headers([c]).get(name) == 0), None)
        if input_name is None:
            continue
        fields.append({"field": name, "name": input_name, "type": kind,
                       # a lead needs a name too (the customer's rule): said before sending
                       "required": is_required or name == "name",
                       "label": "Phone" if is_required else SNIPPET_LABELS[name]})
    return fields


def capture_snippet(source: DataSource) -> str:
    """The HTML a website pastes: a plain form and a fetch() variant, the
    source's names escaped for where they stand (HTML attributes, JS strings)."""
    from django.template.loader import render_to_string

    from backoffice.capture.services import HONEYPOT

    url = capture_url(source)
    if not url:
        return ""
    return render_to_string("capture/snippet.html", {
        "url": url, "fields": capture_snippet_fields(source), "honeypot": HONEYPOT,
    }).strip()
