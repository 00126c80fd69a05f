"""The standard importer: the headers people really use for each field,
matched case-, space- and punctuation-insensitively. Also reads the older
system's export (``name,phone_number,area,date,remark``) as it is."""

from backoffice.imports.plugins import Importer


class StandardImporter(Importer):
    identifier = "standard"
    verbose_name = "Standard lead list"
    description = (
        "Name, phone, area, date, remarks and status under any of their usual headers "
        "(Student Name, Mobile No., Location, Enquiry Date, Notes, …)."
    )
    aliases = {
        "name": [
            "Name", "Student Name", "Full Name", "Customer Name", "Lead Name",
            "Candidate Name", "Student", "Applicant Name",
        ],
        "phone": [
            "Phone", "Mobile", "Mobile No.", "Mobile Number", "Contact", "Contact No.",
            "Contact Number", "Phone Number", "Phone No.", "phone_number", "WhatsApp",
            "WhatsApp Number", "Cell", "Tel", "Telephone",
        ],
        "area": ["Area", "Location", "Place", "City", "Town", "District", "Locality"],
        "date_added": [
            "Date", "Enquiry Date", "Enquiry On", "Date Added", "Lead Date", "Added On",
            "Created", "Created On", "Registered On",
        ],
        "remarks": ["Remarks", "Remark", "Notes", "Note", "Comments", "Comment"],
        "status": ["Status", "Lead Status", "Stage"],
    }
