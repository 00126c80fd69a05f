"""Zoho CRM: the Leads module's export (Setup → Data Administration → Export,
or a list view's Export), CSV.

Columns are the Leads fields' labels: ``Record Id, Lead Owner, Company,
First Name, Last Name, Title, Email, Phone, Fax, Mobile, Website, Lead
Source, Lead Status, Industry, No. of Employees, Annual Revenue, Rating,
Email Opt Out, Skype ID, Secondary Email, Twitter, Created By, Modified By,
Created Time, Modified Time, Salutation, Street, City, State, Zip Code,
Country, Description, Last Activity Time, …``; the record id is written
``zcrm_<digits>`` and times ``2026-11-12 10:32:45``. The Mobile is the
lead's phone and Phone the alternate one (the other way round when there is
no mobile). Lead Status values (Not Contacted, Contacted, Junk Lead, …) are
not ours: the data source's status translation maps them.
"""

from backoffice.imports.plugins import Importer, name_from, pick_phones


class ZohoCrmImporter(Importer):
    identifier = "zoho_crm"
    verbose_name = "Zoho CRM leads export"
    description = (
        "Zoho CRM Leads export: First + Last Name, Mobile (Phone as the alternate), Email, "
        "City, Country, Created Time, Lead Status, Description."
    )
    aliases = {
        "first_name": ["First Name"],
        "last_name": ["Last Name"],
        "full_name": ["Full Name", "Lead Name"],
        "mobile": ["Mobile"],
        "phone_field": ["Phone"],
        "email": ["Email"],
        "area": ["City"],
        "country": ["Country"],
        "date_added": ["Created Time"],
        "status": ["Lead Status"],
        "remarks": ["Description"],
    }
    signature = (
        "Record Id", "Lead Owner", "Company", "Lead Source", "Secondary Email", "Skype ID",
        "Email Opt Out", "Created By", "Modified By", "Modified Time", "Zip Code",
        "Last Activity Time", "No. of Employees", "Annual Revenue", "Salutation", "Industry",
    )

    def required_fields(self):
        return ("mobile", "phone_field")

    def is_complete(self, mapping):
        return "mobile" in mapping or "phone_field" in mapping

    def map_row(self, values):
        phone, alternate, rest = pick_phones(
            [("Mobile", values.get("mobile")), ("Phone", values.get("phone_field"))]
        )
        name, name_parts = name_from(values.get("full_name"), [
            ("First Name", values.get("first_name")), ("Last Name", values.get("last_name")),
        ])
        return {
            "name": name,
            "phone": phone,
            "alternate_phone": alternate,
            "email": values.get("email"),
            "area": values.get("area"),
            "date_added": values.get("date_added"),
            "remarks": values.get("remarks"),
            "status": values.get("status"),
            "country": values.get("country"),
            "details": {**rest, **name_parts},
        }
