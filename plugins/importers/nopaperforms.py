"""NoPaperForms / Meritto: the Lead Manager's export of registrations.

Columns are the lead fields' labels (the system fields Meritto documents and
the institute's registration fields): ``Lead Id, Name, Email, Mobile,
Registered Mobile, Country Dial Code, State, City, Course, Specialization,
Lead Stage, Lead Sub Stage, Lead Status, Mobile Verification Status, Email
Verification Status, Registration Date, Lead Origin, Source, Medium,
Campaign, Lead Score, Counsellor Name, Last Remark, …``.

In Meritto the **Lead Stage** is the counselling stage (Untouched, Follow up,
Application Started, Not Interested, Admission …): it is our status, and the
stages that are not ours take the default status with a warning until the
data source translates them. Meritto's **Lead Status** is the verification
state (Verified / Unverified): it stays a source detail. The registered
mobile is the phone; a different Mobile is the alternate phone. The course
and specialisation asked about go into the remarks, before the last remark.
"""

from backoffice.imports.plugins import Importer, cell_text, pick_phones


class NoPaperFormsImporter(Importer):
    identifier = "nopaperforms"
    verbose_name = "NoPaperForms / Meritto registrations"
    description = (
        "Meritto Lead Manager export: Name, Registered Mobile (Mobile as the alternate), "
        "Email, City, Country, Registration Date, Lead Stage as the status, Course and "
        "Specialization in the remarks."
    )
    aliases = {
        "name": ["Name", "Student Name", "Lead Name"],
        "registered_mobile": ["Registered Mobile", "Registered Mobile Number"],
        "mobile": ["Mobile", "Mobile Number"],
        "dial_code": ["Country Dial Code", "Dial Code"],
        "alternate_mobile": ["Alternate Mobile", "Alternate Mobile Number"],
        "email": ["Email", "Registered Email"],
        "area": ["City"],
        "country": ["Country"],
        "date_added": ["Registration Date", "Registered On", "Lead Created On"],
        "status": ["Lead Stage"],
        "course": ["Course"],
        "specialization": ["Specialization", "Specialisation"],
        "remarks": ["Last Remark", "Remarks"],
    }
    signature = (
        "Lead Id", "Lead Sub Stage", "Lead Status", "Lead Score", "Lead Origin", "Source",
        "Medium", "Campaign", "Mobile Verification Status", "Email Verification Status",
        "Registration Channel", "Counsellor Name", "State",
    )

    def required_fields(self):
        return ("registered_mobile", "mobile")

    def is_complete(self, mapping):
        return "registered_mobile" in mapping or "mobile" in mapping

    def map_row(self, values):
        code = cell_text(values.get("dial_code"))
        numbers = [
            ("Registered Mobile", _with_code(code, values.get("registered_mobile"))),
            ("Mobile", _with_code(code, values.get("mobile"))),
            ("Alternate Mobile", _with_code(code, values.get("alternate_mobile"))),
        ]
        phone, alternate, rest = pick_phones(numbers)
        course = cell_text(values.get("course"))
        specialization = cell_text(values.get("specialization"))
        asked = ", ".join(filter(None, [
            f"Course: {course}" if course else "",
            f"Specialization: {specialization}" if specialization else "",
        ]))
        remark = str(values.get("remarks") or "").strip()
        details = dict(rest)
        if code:
            details["Country Dial Code"] = code
        return {
            "name": values.get("name"),
            "phone": phone,
            "alternate_phone": alternate,
            "email": values.get("email"),
            "area": values.get("area"),
            "date_added": values.get("date_added"),
            "remarks": "\n".join(filter(None, [asked, remark])),
            "status": values.get("status"),
            "country": values.get("country"),
            "details": details,
        }


def _with_code(code: str, number) -> str:
    """The number with its dial code in front, unless it already has one."""
    number = cell_text(number)
    if not number or not code or number.startswith("+"):
        return number
    digits = "".join(ch for ch in code if ch.isdigit())
    if not digits or number.replace(" ", "").startswith(digits) and len(number) > 10:
        return number
    return f"+{digits} {number}"
