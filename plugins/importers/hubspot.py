"""HubSpot: a contacts (or leads) view exported from the CRM (Contacts →
Export), CSV or XLSX.

Columns are the properties' labels, ``Record ID`` first: ``Record ID, First
Name, Last Name, Email, Phone Number, Mobile Phone Number, Contact owner,
Lifecycle Stage, Lead Status, Create Date, Last Activity Date, City,
Country/Region, Associated Company, Marketing contact status, …``; dates
``2026-11-12 10:32``. The mobile number is the phone and Phone Number the
alternate (the other way round when there is no mobile). Lead Status values
(New, Open, In Progress, Attempted to contact, Connected, Bad timing,
Unqualified) other than New need the data source's status translation;
Lifecycle Stage stays a source detail.
"""

from backoffice.imports.plugins import SeveralPhonesImporter, join_name


class HubSpotImporter(SeveralPhonesImporter):
    identifier = "hubspot"
    verbose_name = "HubSpot contacts export"
    description = (
        "HubSpot contacts export: First + Last Name, Mobile Phone Number (Phone Number as the "
        "alternate), Email, City, Country/Region, Create Date, Lead Status."
    )
    aliases = {
        "first_name": ["First Name"],
        "last_name": ["Last Name"],
        "mobile": ["Mobile Phone Number"],
        "phone_field": ["Phone Number"],
        "email": ["Email"],
        "area": ["City"],
        "country": ["Country/Region", "Country"],
        "date_added": ["Create Date"],
        "status": ["Lead Status"],
        "remarks": ["Message"],
    }
    phone_columns = (("mobile", "Mobile Phone Number"), ("phone_field", "Phone Number"))
    signature = (
        "Record ID", "Contact owner", "Lifecycle Stage", "Last Activity Date",
        "Associated Company", "Marketing contact status", "Primary Associated Company ID",
        "Original Source", "Became a Lead Date",
    )

    def map_row(self, values):
        phone, alternate, rest = self.phones(values)
        return {
            "name": join_name(values.get("first_name"), values.get("last_name")),
            "phone": phone,
            "alternate_phone": alternate,
            "email": values.get("email"),
            "area": values.get("area"),
            "date_added": values.get("date_added"),
            "remarks": values.get("remarks"),
            "status": values.get("status"),
            "country": values.get("country"),
            "details": rest,
        }
