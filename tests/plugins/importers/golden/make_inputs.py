"""Writes the golden input files (anonymised samples of real sources).

Run once when adding a sample: `.venv/bin/python tests/plugins/importers/golden/make_inputs.py`.
The inputs are committed; the expected outputs are `expected.json` beside each.
"""

import datetime
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


if __name__ == "__main__":
    old_system_csv()
    agent_cp1252_csv()
    website_xlsx()
    expo_xlsx()
