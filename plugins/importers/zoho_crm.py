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

from backoffice.imports.plugins import SeveralPhonesImporter


class ZohoCrmImporter(SeveralPhonesImporter):
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
    phone_columns = (("mobile", "Mobile"), ("phone_field", "Phone"))
    signature = (
        "Record Id", "Lead Owner", "Company", "Lead Source", "Secondary Email", "Skype ID",
        "Email Opt Out", "Created By", "Modified By", "Modified Time", "Zip Code",
        "Last Activity Time", "No. of Employees", "Annual Revenue", "Salutation", "Industry",
    )
