"""WhatsApp links: the message offered per status, and the wa.me address.

A template and a customer's name are both text from people: the template's
known placeholders are replaced as plain text (never ``str.format``, which
could read attributes), and the result goes into the URL percent-encoded."""

import re
from urllib.parse import quote

from backoffice.customers.statuses import Status

MESSAGE_MAX_CHARS = 1000

_GREETING = "Hello {name}, this is {counsellor} from the admissions team. "
DEFAULT_TEXTS: dict[str, str] = {
    Status.NEW: _GREETING + "Thank you for your enquiry. When is a good time to call you?",
    Status.INVALID: _GREETING + "We could not reach you on this number. Is it still yours?",
    Status.VALID: _GREETING + "Thank you for speaking with us. Do reply here with any question.",
    Status.CALL_NOT_ATTENDED: _GREETING + "I tried to call you just now. When may I call again?",
    Status.ADMISSION: _GREETING + "Congratulations on your admission! Here is what comes next.",
    Status.NOT_INTERESTED: _GREETING + "Thank you for your time. Write to us here if that "
                                       "changes.",
    Status.CALL_LATER: _GREETING + "As agreed, I will call you again. Does the time still "
                                   "suit you?",
    Status.WAITING_FOR_DECISION: _GREETING + "Have you had time to decide? I am happy to "
                                             "answer any question.",
    Status.WAITING_FOR_DOCUMENTS: _GREETING + "A reminder: we are waiting for your documents "
                                              "to go ahead.",
    Status.WAITING_FOR_FEES: _GREETING + "A reminder about the fees to confirm your seat.",
    Status.WAITING_FOR_CONFIRMATION: _GREETING + "Could you confirm your admission?",
    Status.WAITING_FOR_JOINING: _GREETING + "We look forward to seeing you on joining day.",
    Status.JOINED: _GREETING + "Welcome! Write to me here whenever you need help.",
    Status.DROPPED: _GREETING + "We are sorry to see you go. Write to us here if we can help.",
}


_PLACEHOLDER = re.compile(r"\{(name|counsellor)\}")


def message_render(template: str, *, name: str, counsellor: str) -> str:
    """The template with its placeholders replaced, in one pass (a name that
    contains ``{counsellor}`` stays as written)."""
    values = {"name": name, "counsellor": counsellor}
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)[:MESSAGE_MAX_CHARS]


def whatsapp_url(e164: str, text: str = "") -> str:
    """``https://wa.me/<digits>?text=<message>``: wa.me takes the number as
    digits with the country code and no "+"."""
    digits = "".join(ch for ch in e164 if ch.isdigit())
    url = f"https://wa.me/{digits}"
    if text:
        url += "?text=" + quote(text, safe="")
    return url
