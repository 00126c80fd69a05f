"""Google Contacts CSV exports ("Google CSV" in contacts.google.com → Export).

Two layouts are read:

* the older one: ``Name, Given Name, Additional Name, Family Name, Yomi Name,
  …, Notes, Group Membership, E-mail 1 - Type, E-mail 1 - Value, Phone 1 -
  Type, Phone 1 - Value, Phone 2 - Type, Phone 2 - Value, Address 1 - Type,
  Address 1 - Formatted, Address 1 - Street, Address 1 - City, …``;
* the 2024 one: ``First Name, Middle Name, Last Name, Phonetic First Name, …,
  Notes, Photo, Labels, E-mail 1 - Label, E-mail 1 - Value, Phone 1 - Label,
  Phone 1 - Value, …, Address 1 - City, …, Address 1 - Country, …``.

A cell may hold several values joined by `` ::: `` (two mobile numbers under
one label). Every "Phone N - Value" is read: the first number is the phone,
the next one the alternate phone, any others stay in the source details.
"""

import re

from backoffice.imports.plugins import Importer, header_key, name_from, pick_phones, split_list

_PHONE_VALUE = re.compile(r"phone(\d+)value")


class GoogleContactsImporter(Importer):
    identifier = "google_contacts"
    verbose_name = "Google Contacts (CSV export)"
    description = (
        "Google Contacts' “Google CSV” export, old or 2024 layout: the name from its parts, "
        "every Phone N - Value (lists split on “ ::: ”), E-mail 1, Address 1 city and country, "
        "Notes."
    )
    aliases = {
        "name": ["Name"],
        "given_name": ["Given Name", "First Name"],
        "additional_name": ["Additional Name", "Middle Name"],
        "family_name": ["Family Name", "Last Name"],
        "email": ["E-mail 1 - Value"],
        "area": ["Address 1 - City"],
        "country": ["Address 1 - Country"],
        "remarks": ["Notes"],
    }
    signature = (
        "Group Membership", "Labels", "Phone 1 - Type", "Phone 1 - Label", "E-mail 1 - Type",
        "E-mail 1 - Label", "Yomi Name", "Given Name Yomi", "Phonetic First Name",
        "Name Prefix", "Name Suffix", "Nickname", "File As", "Address 1 - Formatted",
        "Organization 1 - Name", "Organization Name",
    )

    def map_headers(self, headers):
        mapping = super().map_headers(headers)
        for index, header in enumerate(headers):
            match = _PHONE_VALUE.fullmatch(header_key(header))
            if match:
                mapping.setdefault(f"phone_{int(match.group(1))}", index)
        return mapping

    def required_fields(self):
        return ("phone_1",)

    def map_row(self, values):
        numbers = sorted(
            (int(field.removeprefix("phone_")), value)
            for field, value in values.items()
            if field.startswith("phone_") and field.removeprefix("phone_").isdigit()
        )
        phone, alternate, rest = pick_phones(
            (f"Phone {n} - Value", value) for n, value in numbers
        )
        details = dict(rest)
        emails = split_list(values.get("email"))
        if len(emails) > 1:
            details["E-mail 1 - Value"] = " ::: ".join(emails[1:])
        name, name_parts = name_from(values.get("name"), [
            ("Given Name", values.get("given_name")),
            ("Additional Name", values.get("additional_name")),
            ("Family Name", values.get("family_name")),
        ])
        details.update(name_parts)
        return {
            "name": name,
            "phone": phone,
            "alternate_phone": alternate,
            "email": emails[0] if emails else None,
            "area": values.get("area"),
            "date_added": None,
            "remarks": values.get("remarks"),
            "status": None,
            "country": values.get("country"),
            "details": details,
        }
