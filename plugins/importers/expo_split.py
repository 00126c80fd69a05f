"""Education-expo registration sheets: the name is split over First/Last Name
columns and the number over Country Code / Mobile, and the course the visitor
asked about goes into the remarks."""

import phonenumbers

from backoffice.imports.plugins import Importer


class ExpoSplitImporter(Importer):
    identifier = "expo_split"
    verbose_name = "Expo registrations (split name and number)"
    description = (
        "First Name + Last Name, Country Code + Mobile, City, Registered On, "
        "Course Interested and Comments; Email, Alternate Number and Country when present."
    )
    aliases = {
        "first_name": ["First Name", "Given Name", "First"],
        "last_name": ["Last Name", "Surname", "Family Name", "Last"],
        # not "Code": a sheet's course or coupon code is not a country code
        "country_code": ["Country Code", "ISD", "ISD Code", "Dial Code", "Calling Code"],
        "mobile": ["Mobile", "Mobile Number", "Number", "Phone"],
        "alternate_phone": ["Alternate Number", "Alternate Mobile", "Alternate Phone",
                            "Other Phone", "Secondary Phone"],
        "email": ["Email", "E-mail", "Email Address", "Email ID"],
        "area": ["City", "Area", "Location"],
        "country": ["Country", "Country of Residence", "Nationality"],
        "date_added": ["Registered On", "Registration Date", "Date"],
        "course": ["Course Interested", "Course", "Programme", "Program"],
        "remarks": ["Comments", "Remarks", "Notes"],
    }

    def required_fields(self):
        return ("mobile",)

    def map_row(self, values):
        first = str(values.get("first_name") or "").strip()
        last = str(values.get("last_name") or "").strip()
        code = _digits(values.get("country_code"))
        course = str(values.get("course") or "").strip()
        remarks = str(values.get("remarks") or "").strip()
        if course:
            remarks = f"Course: {course}" + (f". {remarks}" if remarks else "")
        if code:
            phone = _join_number(code, _digits(values.get("mobile")))
        else:
            # no code column: the number as written (a leading "+" kept)
            phone = _number(values.get("mobile"))
        return {
            "name": " ".join(part for part in (first, last) if part),
            "phone": phone,
            "alternate_phone": values.get("alternate_phone"),
            "email": values.get("email"),
            "area": values.get("area"),
            "date_added": values.get("date_added"),
            "remarks": remarks,
            "status": None,
            "country": values.get("country"),
        }


def _digits(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(ch for ch in str(value) if ch.isdigit())


def _number(value) -> str | None:
    """A number's digits, with its leading "+" when it is written
    internationally (``+44 7911 123456`` -> ``+447911123456``)."""
    digits = _digits(value)
    if not digits:
        return None
    return f"+{digits}" if str(value).strip().startswith("+") else digits


def _join_number(code: str, mobile: str) -> str | None:
    """Country code + number. Some sheets repeat the code inside the number
    (``91`` and ``919876543210``): whichever reading is a valid number wins."""
    if not mobile:
        return None
    candidates = [f"+{code}{mobile.lstrip('0')}"]
    if mobile.startswith(code):
        candidates.append(f"+{mobile}")
    for candidate in candidates:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(candidate, None)):
                return candidate
        except phonenumbers.NumberParseException:
            continue
    return candidates[0]
