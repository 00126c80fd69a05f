"""Writes the golden input files (anonymised samples of real sources).

Run once when adding a sample: `.venv/bin/python tests/plugins/importers/golden/make_inputs.py`.
The inputs are committed; the expected outputs are `expected.json` beside each.

The exports of other products are written in each product's own layout:
headers exactly as the product writes them, its value formats and quirks.
golden/README.md lists the format documentation each one follows.
"""

import codecs
import csv
import datetime
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

HERE = Path(__file__).parent


def old_system_csv():
    (HERE / "standard" / "old_system.csv").write_text(
        "name,phone_number,area,date,remark\n"
        "Anu Nair,9876543210,Kochi,24-11-2026,Asked about BSc Nursing\n"
        "  Rahul   K ,+91-98765 43211, Thrissur ,24/11/2026,\n"
        "Meera,09876543212,Kozhikode,2026-11-20,\"Call after 6 pm,\nfather's number\"\n"
        "No Number,,Kollam,24-11-2026,\n"
        "Bad Date,9876543213,Kollam,31/02/2026,\n"
        "=HYPERLINK(\"http://x\"),9876543214,Kochi,,+cmd\n",
        encoding="utf-8",
    )


def agent_cp1252_csv():
    text = (
        "Full Name;Contact No.;City;Enquiry Date;Comments;Lead Status\r\n"
        "José D’Souza;98765 43220;Aluva;05.11.2026;Café owner’s son;Valid\r\n"
        "Lakshmi;+919876543221;Kochi;06-11-2026;;waiting for fees\r\n"
        "Priya;9876543222;Kochi;07-11-2026;;Maybe later\r\n"
    )
    (HERE / "standard" / "agent_semicolon_cp1252.csv").write_bytes(text.encode("cp1252"))


def website_xlsx():
    wb = Workbook()
    ws = wb.active
    ws.title = "Enquiries"
    ws.append(["Website enquiries — November 2026"])
    ws.append(["Exported by the web team"])
    ws.append([])
    ws.append(["Student Name", "Mobile No.", "Location", "Enquiry Date", "Notes"])
    ws.append(["Devika S", 9876543230, "Kottayam", datetime.datetime(2026, 11, 2, 10, 30), "MBA"])
    ws.append(["Arjun", 919876543231, "Kollam", 46332, None])  # date as an Excel serial
    ws.append(["Fathima", "98765-43232", "Kannur", "03/11/2026", "Needs hostel"])
    ws.append([None, None, None, None, None])
    ws.append(["Gokul", 9876543233.0, "Palakkad", None, "  "])
    # formatted but empty rows at the end, as spreadsheets leave them
    for row in range(10, 30):
        for col in range(1, 6):
            cell = ws.cell(row=row, column=col)
            cell.fill = PatternFill("solid", fgColor="FFFF00")
            cell.font = Font(bold=True)
    wb.create_sheet("Notes").append(["not data"])
    wb.save(HERE / "standard" / "website.xlsx")


def expo_xlsx():
    wb = Workbook()
    ws = wb.active
    ws.title = "Registrations"
    ws.append(["ALIMS stall — Kochi Education Expo"])
    ws.append(["First Name", "Last Name", "Country Code", "Mobile", "City", "Registered On",
               "Course Interested", "Comments"])
    ws.append(["Nikhil", "Menon", 91, 9876543240, "Kochi", datetime.date(2026, 10, 12), "BBA", None])
    ws.append(["Sneha", None, "+91", "919876543241", "Aluva", "12-10-2026", None, "Brother too"])
    ws.append(["Omar", "Ali", 971, 501234567, "Dubai", "12/10/2026", "MBA", "NRI"])
    ws.append(["No", "Phone", 91, None, "Kochi", None, None, None])
    wb.save(HERE / "expo_split" / "expo.xlsx")


def _csv_text(header, rows, *, delimiter=",", quoting=csv.QUOTE_MINIMAL, newline="\r\n"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue()


GOOGLE_OLD_HEADER = [
    "Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Given Name Yomi",
    "Additional Name Yomi", "Family Name Yomi", "Name Prefix", "Name Suffix", "Initials",
    "Nickname", "Short Name", "Maiden Name", "Birthday", "Gender", "Location",
    "Billing Information", "Directory Server", "Mileage", "Occupation", "Hobby", "Sensitivity",
    "Priority", "Subject", "Notes", "Language", "Photo", "Group Membership",
    "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value",
    "Phone 2 - Type", "Phone 2 - Value", "Address 1 - Type", "Address 1 - Formatted",
    "Address 1 - Street", "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region",
    "Address 1 - Postal Code", "Address 1 - Country", "Address 1 - Extended Address",
    "Organization 1 - Type", "Organization 1 - Name", "Organization 1 - Yomi Name",
    "Organization 1 - Title", "Organization 1 - Department", "Organization 1 - Symbol",
    "Organization 1 - Location", "Organization 1 - Job Description",
]


def google_contacts_old_csv():
    rows = [
        {"Name": "Anu Nair", "Given Name": "Anu", "Family Name": "Nair",
         "Notes": "Asked about BSc Nursing", "Group Membership": "Admissions 2026 ::: * myContacts",
         "E-mail 1 - Type": "* Home", "E-mail 1 - Value": "anu.nair@example.com",
         "Phone 1 - Type": "Mobile", "Phone 1 - Value": "+91 98765 43210 ::: +91 70123 45678",
         "Phone 2 - Type": "Home", "Phone 2 - Value": "0484 234 5678",
         "Address 1 - Type": "Home",
         "Address 1 - Formatted": "12 MG Road\nKochi, Kerala 682001\nIndia",
         "Address 1 - Street": "12 MG Road", "Address 1 - City": "Kochi",
         "Address 1 - Region": "Kerala", "Address 1 - Postal Code": "682001",
         "Address 1 - Country": "India"},
        # no Name: the name from its parts; two addresses in one e-mail cell
        {"Given Name": "Rahul", "Additional Name": "K", "Family Name": "Menon",
         "Group Membership": "* myContacts", "E-mail 1 - Type": "* Other",
         "E-mail 1 - Value": "rahul@example.com ::: rahul.menon@example.org",
         "Phone 1 - Type": "Mobile", "Phone 1 - Value": "98765 43211"},
        # the first number is blank: the second one is the phone (an NRI in Dubai)
        {"Name": "Fathima Rasheed", "Given Name": "Fathima", "Family Name": "Rasheed",
         "Group Membership": "* myContacts", "Phone 1 - Type": "Work",
         "Phone 2 - Type": "Mobile", "Phone 2 - Value": "+971 50 123 4567",
         "Address 1 - Type": "Home", "Address 1 - City": "Dubai",
         "Address 1 - Country": "United Arab Emirates"},
        # an e-mail only contact: refused, there is no number
        {"Name": "Only Email", "Given Name": "Only", "Family Name": "Email",
         "Group Membership": "* myContacts", "E-mail 1 - Type": "* Work",
         "E-mail 1 - Value": "only@example.com"},
        # three numbers: phone, alternate, and one kept in the details
        {"Name": "Gokul Das", "Given Name": "Gokul", "Family Name": "Das",
         "Group Membership": "* myContacts", "Phone 1 - Type": "Mobile",
         "Phone 1 - Value": "9876543213 ::: 9876543214", "Phone 2 - Type": "Home",
         "Phone 2 - Value": "0487 233 4455", "Organization 1 - Name": "St. Mary's HSS"},
    ]
    (HERE / "google_contacts" / "google_old_layout.csv").write_text(
        _csv_text(GOOGLE_OLD_HEADER, rows, newline="\n"), encoding="utf-8",
    )


GOOGLE_2024_HEADER = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
    "Organization Name", "Organization Title", "Organization Department", "Birthday", "Notes",
    "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label",
    "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value", "Address 1 - Label",
    "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City", "Address 1 - PO Box",
    "Address 1 - Region", "Address 1 - Postal Code", "Address 1 - Country",
    "Address 1 - Extended Address",
]


def google_contacts_2024_csv():
    rows = [
        {"First Name": "Devika", "Last Name": "S", "Notes": "Parent called,\nwants MBA brochure",
         "Labels": "Website leads ::: * myContacts", "E-mail 1 - Label": "Home",
         "E-mail 1 - Value": "devika.s@example.com", "Phone 1 - Label": "Mobile",
         "Phone 1 - Value": "+91 98765 43230", "Address 1 - Label": "Home",
         "Address 1 - City": "Kottayam", "Address 1 - Country": "India"},
        {"First Name": "Arjun", "Middle Name": "P", "Last Name": "Nair",
         "Labels": "* myContacts", "Phone 1 - Label": "Mobile",
         "Phone 1 - Value": "+44 7911 123456", "Phone 2 - Label": "Work",
         "Phone 2 - Value": "+91 98765 43231", "Address 1 - City": "London",
         "Address 1 - Country": "United Kingdom"},
        # a label where a number should be: the error report shows it
        {"First Name": "Meera", "Labels": "* myContacts", "Phone 1 - Label": "Mobile",
         "Phone 1 - Value": "ask Anu"},
    ]
    (HERE / "google_contacts" / "google_2024_layout.csv").write_text(
        _csv_text(GOOGLE_2024_HEADER, rows), encoding="utf-8",
    )


FACEBOOK_HEADER = [
    "id", "created_time", "ad_id", "ad_name", "adset_id", "adset_name", "campaign_id",
    "campaign_name", "form_id", "form_name", "is_organic", "platform",
    "which_course_are_you_interested_in?", "full_name", "phone_number", "email", "city",
    "lead_status",
]

FACEBOOK_ROWS = [
    {"id": "l:1062269359945847", "created_time": "2026-11-18T11:08:00+0530",
     "ad_id": "ag:120210000000000001", "ad_name": "Nursing video",
     "adset_id": "as:120210000000000002", "adset_name": "Kerala 17-24",
     "campaign_id": "c:120210000000000003", "campaign_name": "Admissions 2026",
     "form_id": "f:1010420755350301", "form_name": "BSc Nursing enquiry", "is_organic": "false",
     "platform": "fb", "which_course_are_you_interested_in?": "bsc_nursing",
     "full_name": "Sneha Thomas", "phone_number": "p:+919876543240",
     "email": "sneha.t@example.com", "city": "Thrissur", "lead_status": "CREATED"},
    {"id": "l:1557894928956183", "created_time": "2026-11-18T05:42:13+0000",
     "ad_id": "ag:120210000000000004", "ad_name": "MBA carousel",
     "adset_id": "as:120210000000000002", "adset_name": "Kerala 17-24",
     "campaign_id": "c:120210000000000003", "campaign_name": "Admissions 2026",
     "form_id": "f:1010420755350302", "form_name": "MBA enquiry", "is_organic": "false",
     "platform": "ig", "which_course_are_you_interested_in?": "mba",
     "full_name": "അനു ജോസഫ്", "phone_number": "p:09876543241", "email": "",
     "city": "Kottayam", "lead_status": "CREATED"},
    # an organic lead (no ad); a number Meta could not check
    {"id": "l:2231", "created_time": "2026-11-19T09:00:00+0000", "form_id": "f:1010420755350301",
     "form_name": "BSc Nursing enquiry", "is_organic": "true", "platform": "fb",
     "which_course_are_you_interested_in?": "bsc_nursing", "full_name": "Test Lead",
     "phone_number": "p:12345", "email": "test@fb.com", "city": "", "lead_status": "CREATED"},
]


def facebook_lead_ads():
    folder = HERE / "facebook_lead_ads"
    (folder / "leads.csv").write_text(_csv_text(FACEBOOK_HEADER, FACEBOOK_ROWS), encoding="utf-8")
    # Excel's "Unicode text": UTF-16 LE with its byte order mark, tab separated; the
    # same rows as leads.csv, so that both must read alike
    text = _csv_text(FACEBOOK_HEADER, FACEBOOK_ROWS, delimiter="\t")
    (folder / "leads_unicode_text.txt").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))


def nopaperforms_xlsx():
    wb = Workbook()
    ws = wb.active
    ws.title = "Leads"
    ws.append(["Lead Id", "Name", "Email", "Mobile", "Registered Mobile", "Country Dial Code",
               "State", "City", "Course", "Specialization", "Lead Stage", "Lead Sub Stage",
               "Lead Status", "Mobile Verification Status", "Registration Date", "Lead Origin",
               "Source", "Medium", "Campaign", "Lead Score", "Counsellor Name", "Last Remark"])
    ws.append(["NPF-000101", "Nikhil Menon", "nikhil@example.com", "9876543250", "9876543250",
               "+91", "Kerala", "Kochi", "B.Sc Nursing", None, "Untouched", None, "Verified",
               "Verified", "12 Nov 2026 10:32 AM", "Online", "google", "cpc", "nursing-2026",
               35, "Alice Abraham", None])
    ws.append(["NPF-000102", "Lakshmi Pillai", "lakshmi@example", "9876543251", "9876543252",
               "+91", "Kerala", "Aluva", "MBA", "Finance", "Follow up", "Call back",
               "Unverified", "Not Verified", datetime.datetime(2026, 11, 13, 9, 15, 2),
               "Online", "facebook", "social", None, 10, "Bob Baby", "Asked for fee details"])
    ws.append(["NPF-000103", "Omar Ali", "omar@example.com", "501234567", None, "+971",
               None, "Dubai", "BBA", None, "Application Started", "Form Filled", "Verified",
               "Verified", "2026-11-14 18:05:44", "Offline", "Walk-in", None, None, 60, None,
               None])
    ws.append(["NPF-000104", "Priya R", None, None, "9876543253", "+91", "Tamil Nadu",
               "Coimbatore", "B.Tech", "CSE", "Not Interested", None, "Verified", "Verified",
               "15/11/2026", "Online", "website", "organic", None, 5, "Alice Abraham",
               "Joined elsewhere"])
    ws.append(["NPF-000105", "No Number", "nonumber@example.com", None, None, "+91", "Kerala",
               "Kollam", "MBA", None, "Untouched", None, "Unverified", "Not Verified",
               "16 Nov 2026 11:00 AM", "Online", "google", "cpc", None, 0, None, None])
    wb.save(HERE / "nopaperforms" / "meritto_leads.xlsx")


ZOHO_HEADER = [
    "Record Id", "Lead Owner", "Company", "First Name", "Last Name", "Title", "Email", "Phone",
    "Fax", "Mobile", "Website", "Lead Source", "Lead Status", "Industry", "No. of Employees",
    "Annual Revenue", "Rating", "Email Opt Out", "Skype ID", "Secondary Email", "Twitter",
    "Created By", "Modified By", "Created Time", "Modified Time", "Salutation", "Street", "City",
    "State", "Zip Code", "Country", "Description", "Last Activity Time", "Tag",
]


def zoho_crm_csv():
    common = {"Lead Owner": "Alice Abraham", "Created By": "Alice Abraham",
              "Modified By": "Alice Abraham", "Email Opt Out": "false", "No. of Employees": "0",
              "Annual Revenue": "0"}
    rows = [
        {**common, "Record Id": "zcrm_4876876000000212", "First Name": "Jennifer",
         "Last Name": "Miller", "Email": "jmiller@example.com", "Phone": "660-485-0224",
         "Mobile": "660-485-0225", "Lead Source": "Web Download", "Lead Status": "Not Contacted",
         "Created Time": "2026-11-12 10:32:45", "Modified Time": "2026-11-12 10:32:45",
         "Salutation": "Ms.", "City": "Springfield", "State": "MO", "Zip Code": "65801",
         "Country": "United States", "Description": "Parent enquiring for daughter"},
        {**common, "Record Id": "zcrm_4876876000000213", "First Name": "Abdul",
         "Last Name": "Rahman", "Email": "abdul@example.com", "Phone": "",
         "Mobile": "+91 98765 43260", "Lead Source": "Chat", "Lead Status": "Contacted",
         "Created Time": "2026-11-13 16:01:09", "Modified Time": "2026-11-14 09:12:00",
         "City": "Kozhikode", "State": "Kerala", "Country": "India",
         "Secondary Email": "abdul.r@example.org"},
        # only the office number: it is the phone
        {**common, "Record Id": "zcrm_4876876000000214", "Company": "Acme Tutorials",
         "First Name": "", "Last Name": "Varghese", "Phone": "0484 2345 680",
         "Lead Status": "Junk Lead", "Created Time": "2026-11-14 11:45:30",
         "City": "Kochi", "Country": "India",
         "Description": "<script>alert('x')</script>"},
    ]
    (HERE / "zoho_crm" / "Leads_2026_11_24.csv").write_text(
        _csv_text(ZOHO_HEADER, rows), encoding="utf-8-sig",
    )


SUITECRM_HEADER = [
    "First Name", "Last Name", "ID", "Salutation", "Title", "Department", "Account Name",
    "Website", "Email Address", "Mobile Phone", "Office Phone", "Home Phone", "Other Phone",
    "Fax", "Primary Address Street", "Primary Address City", "Primary Address State",
    "Primary Address Postalcode", "Primary Address Country", "Status", "Status Description",
    "Lead Source", "Lead Source Description", "Description", "Converted", "Do Not Call",
    "Assigned User Name", "Date Created", "Date Modified",
]


def suitecrm_csv():
    rows = [
        {"First Name": "Sally", "Last Name": "Bronsen", "ID": "1b3d2e4f-0a1b-4c5d-9e8f-0123456789ab",
         "Salutation": "Ms.", "Title": "Director Operations", "Account Name": "Q.R.&E. Corp",
         "Email Address": "sally.bronsen@example.com", "Mobile Phone": "(807) 271-2192",
         "Office Phone": "(807) 271-2190", "Primary Address Street": "67 Cherry St",
         "Primary Address City": "Kansas City", "Primary Address State": "CA",
         "Primary Address Postalcode": "64101", "Primary Address Country": "USA",
         "Status": "New", "Lead Source": "Web Site", "Converted": "0", "Do Not Call": "0",
         "Assigned User Name": "sally", "Date Created": "11/12/2026 10:32",
         "Date Modified": "11/12/2026 10:32"},
        {"First Name": "Jose", "Last Name": "D'Souza", "ID": "2c4e3f5a-1b2c-4d6e-8f90-123456789abc",
         "Email Address": "", "Mobile Phone": "", "Office Phone": "+91 484 234 5690",
         "Home Phone": "+91 98765 43270", "Other Phone": "+91 98765 43271",
         "Primary Address City": "Kochi", "Primary Address Country": "India",
         "Status": "In Process", "Status Description": "Called twice",
         "Lead Source": "Cold Call", "Description": "Wants hostel\nand bus", "Converted": "0",
         "Do Not Call": "0", "Assigned User Name": "admin", "Date Created": "11/24/2026 09:05",
         "Date Modified": "11/25/2026 14:00"},
        {"First Name": "Dead", "Last Name": "Lead", "ID": "3d5f4a6b-2c3d-4e7f-9a01-23456789abcd",
         "Status": "Dead", "Converted": "0", "Do Not Call": "1", "Assigned User Name": "admin",
         "Date Created": "11/25/2026 08:00", "Date Modified": "11/25/2026 08:00"},
    ]
    (HERE / "suitecrm" / "Leads.csv").write_text(
        _csv_text(SUITECRM_HEADER, rows, quoting=csv.QUOTE_ALL), encoding="utf-8",
    )


HUBSPOT_HEADER = [
    "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
    "Contact owner", "Lifecycle Stage", "Lead Status", "Create Date", "Last Activity Date",
    "City", "Country/Region", "Associated Company", "Marketing contact status",
]


def hubspot_csv():
    rows = [
        {"Record ID": "51", "First Name": "Maria", "Last Name": "Johnson (Sample Contact)",
         "Email": "emailmaria@hubspot.com", "Phone Number": "+1 617-555-0142",
         "Contact owner": "Alice Abraham", "Lifecycle Stage": "Lead", "Lead Status": "New",
         "Create Date": "2026-11-12 10:32", "City": "Cambridge", "Country/Region": "United States",
         "Marketing contact status": "Non-marketing contact"},
        {"Record ID": "1051", "First Name": "Vishnu", "Last Name": "Prasad",
         "Email": "vishnu@example.com", "Phone Number": "0484 234 5700",
         "Mobile Phone Number": "+91 98765 43290", "Contact owner": "Bob Baby",
         "Lifecycle Stage": "Marketing Qualified Lead", "Lead Status": "Attempted to contact",
         "Create Date": "2026-11-13 08:00", "Last Activity Date": "2026-11-14 12:30",
         "City": "Kochi", "Country/Region": "India", "Associated Company": "",
         "Marketing contact status": "Marketing contact"},
        {"Record ID": "1052", "First Name": "<img src=x onerror=alert(1)>", "Last Name": "",
         "Email": "not an email", "Mobile Phone Number": "98765 43291",
         "Lifecycle Stage": "Subscriber", "Lead Status": "",
         "Create Date": "2026-11-14 09:30", "City": "Thrissur", "Country/Region": "India"},
    ]
    (HERE / "hubspot" / "hubspot-crm-exports-all-contacts-2026-11-24.csv").write_text(
        _csv_text(HUBSPOT_HEADER, rows), encoding="utf-8",
    )


OUTLOOK_HEADER = [
    "First Name", "Middle Name", "Last Name", "Title", "Suffix", "Nickname", "Given Yomi",
    "Surname Yomi", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Home Phone",
    "Home Phone 2", "Business Phone", "Business Phone 2", "Mobile Phone", "Car Phone",
    "Other Phone", "Primary Phone", "Pager", "Business Fax", "Home Fax", "Other Fax",
    "Company Main Phone", "Callback", "Radio Phone", "Telex", "TTY/TDD Phone", "IMAddress",
    "Job Title", "Department", "Company", "Office Location", "Manager's Name",
    "Assistant's Name", "Assistant's Phone", "Company Yomi", "Business Street", "Business City",
    "Business State", "Business Postal Code", "Business Country/Region", "Home Street",
    "Home City", "Home State", "Home Postal Code", "Home Country/Region", "Other Street",
    "Other City", "Other State", "Other Postal Code", "Other Country/Region",
    "Personal Web Page", "Spouse", "Schools", "Hobby", "Location", "Web Page", "Birthday",
    "Anniversary", "Notes",
]


def outlook_contacts_csv():
    rows = [
        {"First Name": "Kavya", "Last Name": "Menon", "E-mail Address": "kavya.m@example.com",
         "Home Phone": "0484 234 5710", "Mobile Phone": "+91 98765 43300",
         "Home City": "Kochi", "Home Country/Region": "India", "Business City": "Ernakulam",
         "Birthday": "5/14/2008", "Notes": "Sister of Kiran (BBA 2025)"},
        {"First Name": "Thomas", "Middle Name": "J", "Last Name": "Wright",
         "Business Phone": "+44 20 7946 0958", "Job Title": "Counsellor",
         "Company": "UK Study Link", "Business City": "London",
         "Business Country/Region": "United Kingdom"},
        {"First Name": "Nobody", "E-mail Address": "nobody@example.com",
         "Home City": "Kollam"},
    ]
    (HERE / "outlook_contacts" / "contacts.csv").write_text(
        _csv_text(OUTLOOK_HEADER, rows), encoding="utf-8",
    )


if __name__ == "__main__":
    old_system_csv()
    agent_cp1252_csv()
    website_xlsx()
    expo_xlsx()
    google_contacts_old_csv()
    google_contacts_2024_csv()
    facebook_lead_ads()
    nopaperforms_xlsx()
    zoho_crm_csv()
    suitecrm_csv()
    hubspot_csv()
    outlook_contacts_csv()
