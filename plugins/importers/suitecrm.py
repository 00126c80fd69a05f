"""SuiteCRM (and SugarCRM Community Edition): the Leads list's Export, CSV.

Columns are the Leads fields' labels in the export's order (``First Name,
Last Name, ID, Salutation, Title, Department, Account Name, …, Email
Address, Mobile Phone, Office Phone, Home Phone, Other Phone, Fax, Primary
Address Street, Primary Address City, Primary Address State, Primary Address
Postalcode, Primary Address Country, Alt Address …, Status, Status
Description, Lead Source, Lead Source Description, Description, …, Assigned
User Name, Date Created, Date Modified, …``); numbers as typed (``(807)
271-2192``), countries as typed (``USA``), dates in the exporting user's
format (``m/d/Y H:i`` by default: such a source needs the month-first date
order). The mobile is the phone; the first other number is the alternate
phone and the rest stay in the source details. Status values (New, Assigned,
In Process, Converted, Recycled, Dead) other than New need the data source's
status translation.
"""

from backoffice.imports.plugins import SeveralPhonesImporter

_NUMBERS = (
    ("mobile", "Mobile Phone"), ("office_phone", "Office Phone"),
    ("home_phone", "Home Phone"), ("other_phone", "Other Phone"),
)


class SuiteCrmImporter(SeveralPhonesImporter):
    identifier = "suitecrm"
    verbose_name = "SuiteCRM leads export"
    description = (
        "SuiteCRM / SugarCRM CE Leads export: First + Last Name, Mobile Phone (then Office, "
        "Home, Other Phone), Email Address, Primary Address City and Country, Date Created, "
        "Status, Description."
    )
    aliases = {
        "first_name": ["First Name"],
        "last_name": ["Last Name"],
        "full_name": ["Name", "Full Name"],
        "mobile": ["Mobile Phone", "Phone Mobile", "Mobile"],
        "office_phone": ["Office Phone", "Phone Work"],
        "home_phone": ["Home Phone", "Phone Home"],
        "other_phone": ["Other Phone", "Phone Other"],
        "email": ["Email Address", "Email", "Any Email"],
        "area": ["Primary Address City"],
        "country": ["Primary Address Country"],
        "date_added": ["Date Created"],
        "status": ["Status"],
        "remarks": ["Description"],
    }
    phone_columns = _NUMBERS
    signature = (
        "ID", "Salutation", "Account Name", "Primary Address Street", "Primary Address State",
        "Primary Address Postalcode", "Primary Address Postal Code", "Status Description",
        "Lead Source", "Lead Source Description", "Assigned User Name", "Assigned User ID",
        "Date Modified", "Do Not Call", "Converted", "Referred By", "Alt Address City",
    )
