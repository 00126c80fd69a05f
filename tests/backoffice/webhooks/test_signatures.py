"""The signature, checked with the recipe the README gives receivers."""

import re
import time
from pathlib import Path

from backoffice.webhooks.signatures import signature_header, signature_verify

README = Path(__file__).resolve().parents[3] / "README.md"


def _readme_recipe():
    """The README's Python snippet under "Verifying the signature", run as written."""
    text = README.read_text()
    section = text[text.index("**Verifying the signature.**"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 (our own docs)
    return namespace["alims_signature_ok"]


def test_the_readme_recipe_verifies_a_signature_we_make():
    body = '{"id":"1","type":"customer.created","data":{"name":"Anu ünï"}}'.encode()
    header = signature_header("whsec_abc", body, int(time.time()))
    assert _readme_recipe()("whsec_abc", body, header)
    assert signature_verify("whsec_abc", body, header)


def test_a_tampered_body_fails_the_readme_recipe():
    body = b'{"status":"new"}'
    header = signature_header("whsec_abc", body, int(time.time()))
    assert not _readme_recipe()("whsec_abc", b'{"status":"joined"}', header)
    assert not signature_verify("whsec_abc", body + b" ", header)


def test_another_secret_fails():
    body = b"{}"
    header = signature_header("whsec_abc", body, int(time.time()))
    assert not _readme_recipe()("whsec_other", body, header)
    assert not signature_verify("whsec_other", body, header)


def test_an_old_signature_is_refused_as_a_replay():
    body = b"{}"
    header = signature_header("whsec_abc", body, int(time.time()) - 3600)
    assert not _readme_recipe()("whsec_abc", body, header)
    assert not signature_verify("whsec_abc", body, header)


def test_malformed_headers_are_refused_not_errors():
    for header in ("", "t=,v1=", "v1=abc", "t=abc,v1=def", "t=1\x00,v1=x", "<script>", "=" * 5000):
        assert not _readme_recipe()("whsec_abc", b"{}", header)
        assert not signature_verify("whsec_abc", b"{}", header)
