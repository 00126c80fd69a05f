"""Hostile values, and the scanner that finds them live in a page.

A payload is harmless when it shows as text. It is live when the page, as a
browser parses it, has an element or attribute the payload made: an
``<img src=x>`` or an ``onerror`` attribute, a ``<script>`` running
``alert(1)``, a ``javascript:`` link, an Alpine/htmx expression (``x-*``,
``@*``, ``:*``, ``hx-on*``) or inline script in which ``alert(1)`` is code."""

import re
from html.parser import HTMLParser

XSS = [
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)</script>",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "{{7*7}}",
    "';alert(1)//",
]

# One value carrying every payload (fits a 120-character field; the leading
# </script> and </textarea> break out of a script or a text area it is put
# in raw), and one that starts with the javascript: scheme, as a link's
# target would.
XSS_ALL = ('</textarea></script>"><img src=x onerror=alert(1)><script>alert(1)</script>'
           "{{7*7}}';alert(1)//")
XSS_LINK = "javascript:alert(1)//{{7*7}}"

FORMULAS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "@SUM(A1)", "+cmd", "-2+3"]

SQL = ["'", '"', ";--", "%", "_", "\x00", "a\x00b", "' OR 1=1 --", "x" * 5000,
       "ñ漢字🙂", "\\", "%00", "1e999", "-1", "0", "9" * 40]

_LIVE_ATTR = re.compile(r"^(on|x-|@|:|hx-on)")
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "hx-get", "hx-post"}
# alert(1) as code in a script: not preceded by an escape of the quote
_CODE = re.compile(r"(^|[^\\])(['\"]\s*;\s*alert\(1\)|^\s*alert\(1\)\s*$)")


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: str | None = None  # the type of the script being read

    def handle_starttag(self, tag, attrs):
        attrs = [(name, value or "") for name, value in attrs]
        names = {name for name, _ in attrs}
        if tag == "img" and ("src", "x") in attrs:
            self.problems.append(f"<img src=x> element: {attrs}")
        if "onerror" in names and tag in ("img", "svg", "video", "audio"):
            self.problems.append(f"<{tag} onerror=…>: {attrs}")
        for name, value in attrs:
            code = "alert(1)" in value if name.startswith("on") else _CODE.search(value)
            if _LIVE_ATTR.match(name) and code:
                self.problems.append(f"alert(1) in <{tag} {name}=…>: {value[:200]}")
            if name in _URL_ATTRS and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in <{tag} {name}=…>: {value[:200]}")
        if tag == "script":
            self._script = dict(attrs).get("type", "text/javascript")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is None or "json" in self._script:
            # json_script escapes <, > and &: a payload cannot end the element,
            # and inside JSON text alert(1) is a string.
            return
        if _CODE.search(data):
            self.problems.append(f"alert(1) as code in <script>: {data.strip()[:200]}")


def live_payloads(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems


def formula_cells(cells) -> list[str]:
    """Cells a spreadsheet would evaluate: text beginning with = + - @ or a
    tab or carriage return (a neutralised cell begins with a quote)."""
    return [c for c in cells if isinstance(c, str) and c[:1] in ("=", "+", "-", "@", "\t", "\r")
            and not re.fullmatch(r"[+-]?[\d\s.]+", c)]
