"""The standard importer: the headers people really use for each field,
matched case-, accent-, space- and punctuation-insensitively. Also reads the
older system's export (``name,phone_number,area,date,remark``) as it is, and
the usual columns of the exports counsellors are sent (web forms, Facebook
lead sheets, CRM exports) when no data source names a plugin for them.

Aliases are kept specific: a generic header ("Code", "Type", "Source") would
take a column that belongs in the source details."""

from backoffice.imports.plugins import Importer


class StandardImporter(Importer):
    identifier = "standard"
    verbose_name = "Standard lead list"
    description = (
        "Name, phone, alternate phone, email, area, country, date, remarks and status under "
        "any of their usual headers (Student Name, Mobile No., Email Address, Location, "
        "Enquiry Date, Notes, …)."
    )
    aliases = {
        "name": [
            "Name", "Student Name", "Full Name", "Customer Name", "Lead Name",
            "Candidate Name", "Student", "Applicant Name", "full_name",
        ],
        "phone": [
            "Phone", "Mobile", "Mobile No.", "Mobile Number", "Contact", "Contact No.",
            "Contact Number", "Phone Number", "Phone No.", "phone_number", "WhatsApp",
            "WhatsApp Number", "Cell", "Tel", "Telephone", "Téléphone", "Registered Mobile",
            "Mobile Phone", "Mobile Phone Number", "Phone 1 - Value", "leads_user_phone",
        ],
        "alternate_phone": [
            "Alternate Phone", "Alternate Mobile", "Alternate Number", "Alternate Contact",
            "Alternative Phone", "Alternative Number", "Other Phone", "Secondary Phone",
            "Secondary Mobile", "Second Phone", "Phone 2", "Mobile 2", "Landline",
            "Phone 2 - Value",
        ],
        "email": [
            "Email", "E-mail", "Email Address", "E-mail Address", "Email ID", "Mail",
            "Mail ID", "E-mail 1 - Value", "Email 1",
        ],
        "area": ["Area", "Location", "Place", "City", "Town", "District", "Locality"],
        "country": [
            "Country", "Country/Region", "Country Name", "Primary Address Country",
            "Mailing Country", "Address 1 - Country",
        ],
        "date_added": [
            "Date", "Enquiry Date", "Enquiry On", "Date Added", "Lead Date", "Added On",
            "Created", "Created On", "Registered On", "created_time", "created_at",
            "Created Time", "Create Date", "Date Created", "Registration Date",
            "Submitted On", "Submission Date",
        ],
        "remarks": ["Remarks", "Remark", "Notes", "Note", "Comments", "Comment"],
        "status": ["Status", "Lead Status", "Stage", "Lead Stage"],
    }
