"""Outlook contacts exported as CSV ("Outlook CSV": Outlook on the web /
Outlook.com → People → Export contacts, Outlook for Windows → Export to a
file → Comma Separated Values, or Google Contacts → Export → Outlook CSV).

Columns: ``First Name, Middle Name, Last Name, Title, Suffix, Nickname, Given
Yomi, Surname Yomi, E-mail Address, E-mail 2 Address, E-mail 3 Address,
Home Phone, Home Phone 2, Business Phone, Business Phone 2, Mobile Phone,
Car Phone, Other Phone, Primary Phone, Pager, Business Fax, Home Fax, Other
Fax, Company Main Phone, Callback, Radio Phone, Telex, TTY/TDD Phone,
IMAddress, Job Title, Department, Company, Office Location, Manager's Name,
Assistant's Name, Assistant's Phone, Company Yomi, Business Street, Business
City, Business State, Business Postal Code, Business Country/Region, Home
Street, Home City, …, Home Country/Region, …, Birthday, Anniversary, …,
Notes, …, Categories``. The phone is the first of Mobile, Primary, Home,
Business and Other Phone; the next one is the alternate phone; the rest stay
in the source details. The area and country are the home address's, else
the business address's.
"""

from backoffice.imports.plugins import SeveralPhonesImporter, first_of, join_name

_NUMBERS = (
    ("mobile", "Mobile Phone"), ("primary_phone", "Primary Phone"),
    ("home_phone", "Home Phone"), ("business_phone", "Business Phone"),
    ("other_phone", "Other Phone"), ("home_phone_2", "Home Phone 2"),
    ("business_phone_2", "Business Phone 2"), ("company_phone", "Company Main Phone"),
)


class OutlookContactsImporter(SeveralPhonesImporter):
    identifier = "outlook_contacts"
    verbose_name = "Outlook contacts (CSV export)"
    description = (
        "Outlook CSV contacts: First + Middle + Last Name, Mobile Phone (then Primary, Home, "
        "Business, Other Phone), E-mail Address, Home (or Business) City and Country/Region, "
        "Notes."
    )
    aliases = {
        "first_name": ["First Name"],
        "middle_name": ["Middle Name"],
        "last_name": ["Last Name"],
        **{field: [label] for field, label in _NUMBERS},
        "email": ["E-mail Address"],
        "home_city": ["Home City"],
        "business_city": ["Business City"],
        "home_country": ["Home Country/Region", "Home Country"],
        "business_country": ["Business Country/Region", "Business Country"],
        "remarks": ["Notes"],
    }
    phone_columns = _NUMBERS
    signature = (
        "Given Yomi", "Surname Yomi", "E-mail 2 Address", "E-mail 3 Address", "Business Fax",
        "Home Fax", "Car Phone", "Pager", "Job Title", "Company", "Business Street",
        "Home Street", "Web Page", "Birthday", "Anniversary", "Categories",
        "Assistant's Phone", "E-mail Type", "E-mail Display Name",
    )

    def map_row(self, values):
        phone, alternate, rest = self.phones(values)
        area, other_city = first_of([("Home City", values.get("home_city")),
                                     ("Business City", values.get("business_city"))])
        country, other_country = first_of([
            ("Home Country/Region", values.get("home_country")),
            ("Business Country/Region", values.get("business_country")),
        ])
        return {
            "name": join_name(values.get("first_name"), values.get("middle_name"),
                              values.get("last_name")),
            "phone": phone,
            "alternate_phone": alternate,
            "email": values.get("email"),
            "area": area,
            "date_added": None,
            "remarks": values.get("remarks"),
            "status": None,
            "country": country,
            "details": {**rest, **other_city, **other_country},
        }
