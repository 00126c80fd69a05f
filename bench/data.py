"""Word lists for the generated bench data: Kerala names, places and the
remarks a counsellor writes. Plain text, no tab, newline or backslash (the
generator writes PostgreSQL COPY text format without escaping)."""

from backoffice.customers.statuses import Status

# Common first names first: the generator gives earlier names more weight, so
# a handful of names are as common as they are in a real lead list.
FIRST_NAMES = [
    "Rahul", "Arjun", "Anjali", "Akhil", "Aswin", "Athira", "Vishnu", "Fathima", "Sneha",
    "Gokul", "Anu", "Nikhil", "Aparna", "Abhijith", "Amal", "Arya", "Adithya", "Devika",
    "Jithin", "Aiswarya", "Sreelakshmi", "Muhammed", "Nandana", "Hari", "Krishna", "Lakshmi",
    "Meera", "Midhun", "Neha", "Priya", "Reshma", "Riya", "Sandra", "Sreya", "Zainab", "Joel",
    "Aarav", "Abhinav", "Ananya", "Diya", "Gopika", "Irfan", "Kavya", "Navaneeth", "Nithin",
    "Pranav", "Sidharth", "Sruthi", "Swathi", "Vyshnavi", "Alan", "Albin", "Alen", "Amrutha",
    "Anagha", "Anand", "Anoop", "Ansar", "Anvar", "Ajmal", "Arun", "Ashik", "Ashwathy",
    "Basil", "Bibin", "Chinnu", "Deepthi", "Delna", "Divya", "Ebin", "Ejaz", "Fida", "Gayathri",
    "Haritha", "Hiba", "Jeswin", "Jincy", "Jismy", "Jobin", "Jomon", "Josna", "Karthik",
    "Keerthana", "Libin", "Linta", "Manu", "Merin", "Minnu", "Mithun", "Najiya", "Nasrin",
    "Navya", "Nayana", "Nimisha", "Nived", "Noufal", "Parvathy", "Rajesh", "Ranjith", "Rinsha",
    "Rohit", "Sajan", "Salman", "Sanjay", "Shahana", "Shamil", "Sharon", "Sherin", "Shifana",
    "Sivani", "Sooraj", "Sreehari", "Sreejith", "Suhail", "Sumayya", "Tessa", "Theertha",
    "Tom", "Unnikrishnan", "Varsha", "Vignesh", "Vinay", "Vismaya", "Yadhu", "Yasir", "Ziya",
    "Ajay", "Akash", "Alfiya", "Ameen", "Anjana", "Aneesh", "Aravind", "Asna", "Benson",
    "Christy", "Dona", "Febin", "Fasil", "Hridya", "Ishaan", "Jerin", "Jubin", "Lijo",
]

LAST_NAMES = [
    "Nair", "Menon", "Pillai", "Kurian", "Thomas", "Varghese", "Joseph", "George", "Kumar",
    "Krishnan", "Rajan", "Mathew", "Das", "Ali", "Rahman", "Jose", "Babu", "Iyer", "K", "P",
    "M", "S", "R", "V", "T", "Abraham", "Antony", "Augustine", "Baby", "Basheer", "Chacko",
    "Cherian", "Devassy", "Francis", "Gopinath", "Haneefa", "Ibrahim", "Jacob", "James",
    "John", "Kunjumon", "Kutty", "Madhavan", "Mohan", "Mohammed", "Moosa", "Namboothiri",
    "Narayanan", "Panicker", "Paul", "Philip", "Prakash", "Raghavan", "Raju", "Ravi",
    "Sasidharan", "Sebastian", "Shaji", "Shaju", "Sivan", "Skaria", "Sudheer", "Sunil",
    "Thampi", "Unni", "Varma", "Vijayan", "Warrier", "Yusuf", "Zacharia", "Ashraf", "Hameed",
    "Kunhi", "Mammen", "Oommen", "Poulose", "Rajeev", "Saji", "Shibu", "Suresh", "Thankachan",
]

# About 260 places, most common first (the generator weights them Zipf-like).
AREAS = [
    # Ernakulam
    "Kochi", "Ernakulam", "Aluva", "Kakkanad", "Edappally", "Kalamassery", "Vyttila",
    "Palarivattom", "Kaloor", "Thrippunithura", "Perumbavoor", "Angamaly", "Muvattupuzha",
    "Kothamangalam", "North Paravur", "Kolenchery", "Piravom", "Kadavanthra", "Vypin",
    "Fort Kochi", "Mattancherry", "Thoppumpady", "Palluruthy", "Cheranalloor", "Kundannoor",
    "Maradu", "Nettoor", "Eloor", "Kadamakudy", "Chottanikkara", "Kizhakkambalam",
    "Pattimattom", "Koothattukulam", "Kalady", "Nedumbassery", "Thevara", "Panampilly Nagar",
    "Elamakkara", "Vaduthala", "Chellanam",
    # Thrissur
    "Thrissur", "Chalakudy", "Irinjalakuda", "Kodungallur", "Guruvayur", "Kunnamkulam",
    "Wadakkanchery", "Ollur", "Mannuthy", "Puzhakkal", "Ayyanthole", "Chavakkad", "Mala",
    "Kodakara", "Pudukad", "Cherpu", "Triprayar", "Vadanappally", "Engandiyur", "Kechery",
    "Pavaratty", "Amala Nagar", "Peechi", "Nattika", "Thrissur East", "Thrissur West",
    # Palakkad
    "Palakkad", "Ottapalam", "Shoranur", "Mannarkkad", "Chittur", "Alathur", "Pattambi",
    "Vadakkencherry", "Kollengode", "Nenmara", "Cherpulassery", "Kongad", "Kanjikode",
    "Olavakkode", "Agali",
    # Malappuram
    "Malappuram", "Manjeri", "Perinthalmanna", "Tirur", "Ponnani", "Kottakkal", "Nilambur",
    "Kondotty", "Tirurangadi", "Valanchery", "Edappal", "Areekode", "Wandoor",
    "Parappanangadi", "Vengara", "Kuttippuram", "Tanur", "Changaramkulam",
    # Kozhikode
    "Kozhikode", "Vadakara", "Koyilandy", "Ramanattukara", "Feroke", "Mukkam", "Thamarassery",
    "Balussery", "Perambra", "Kunnamangalam", "Mavoor", "Nadapuram", "Kuttiady", "Nallalam",
    "Chevayur", "Beypore", "West Hill", "Eranhipalam", "Kozhikode North", "Kozhikode South",
    # Kannur, Kasaragod, Wayanad
    "Kannur", "Thalassery", "Payyanur", "Taliparamba", "Mattannur", "Iritty", "Kuthuparamba",
    "Panoor", "Sreekandapuram", "Peravoor", "Chakkarakkal", "Pappinisseri", "Azhikode",
    "Alakode", "Cherupuzha", "Kasaragod", "Kanhangad", "Nileshwar", "Cheruvathur", "Uppala",
    "Manjeshwar", "Trikaripur", "Bekal", "Kalpetta", "Mananthavady", "Sulthan Bathery",
    "Meppadi", "Vythiri", "Pulpally", "Panamaram",
    # Kottayam, Idukki
    "Kottayam", "Changanassery", "Pala", "Ettumanoor", "Vaikom", "Kanjirappally",
    "Erattupetta", "Mundakayam", "Pampady", "Kumarakom", "Ponkunnam", "Kuravilangad",
    "Uzhavoor", "Athirampuzha", "Puthuppally", "Thodupuzha", "Kattappana", "Adimali", "Munnar",
    "Nedumkandam", "Cheruthoni", "Kumily", "Painavu", "Vandiperiyar", "Rajakkad",
    # Alappuzha, Pathanamthitta
    "Alappuzha", "Cherthala", "Kayamkulam", "Haripad", "Mavelikkara", "Chengannur",
    "Ambalappuzha", "Kuttanad", "Aroor", "Mannar", "Thuravoor", "Edathua", "Mararikulam",
    "Kalavoor", "Pathanamthitta", "Thiruvalla", "Adoor", "Ranni", "Kozhencherry", "Pandalam",
    "Konni", "Mallappally", "Eraviperoor", "Kumbanad",
    # Kollam
    "Kollam", "Karunagappally", "Kottarakkara", "Punalur", "Chavara", "Paravur", "Kundara",
    "Anchal", "Sasthamcotta", "Chadayamangalam", "Kilikolloor", "Kadappakada", "Oachira",
    "Pathanapuram", "Kottiyam", "Kollam East", "Kollam West",
    # Thiruvananthapuram
    "Thiruvananthapuram", "Neyyattinkara", "Attingal", "Nedumangad", "Varkala",
    "Kazhakkoottam", "Technopark", "Pattom", "Kowdiar", "Vazhuthacaud", "Sreekaryam",
    "Kesavadasapuram", "Peroorkada", "Vattiyoorkavu", "Kaniyapuram", "Balaramapuram",
    "Kattakada", "Vellayambalam", "Ulloor", "Kovalam", "Vizhinjam", "Pothencode",
    "Venjaramoodu", "Kilimanoor", "Parassala", "Poovar", "Nemom", "Karamana", "Thampanoor",
    "Sasthamangalam",
    # Out of state
    "Bangalore", "Chennai", "Coimbatore", "Mangalore", "Mysore", "Madurai", "Hyderabad",
    "Mumbai", "Pune", "Delhi", "Nagercoil", "Tiruppur", "Salem", "Ooty", "Pondicherry",
]

COURSES = [
    "BSc Nursing", "GNM", "BPharm", "BPT", "BBA", "BCom", "BCA", "MBA", "MCA", "BSc MLT",
    "Hotel Management", "Aviation", "Logistics", "Data Science", "Digital Marketing",
    "Radiology", "Optometry", "Cardiac Care Technology", "Physician Assistant", "BSc Psychology",
]

# Where a new lead came from (the remark on most new customers).
SOURCES = [
    "Lead from Instagram ad", "Facebook lead form", "Walk-in enquiry", "Education expo",
    "Website enquiry", "Referred by an alumnus", "JustDial enquiry", "WhatsApp enquiry",
    "Google ad enquiry", "School seminar list", "Called the office",
]

# What a counsellor writes on reaching a status; {course} and {area} are filled in.
REMARKS: dict[str, list[str]] = {
    Status.NEW: SOURCES,
    Status.CALL_NOT_ATTENDED: [
        "Rang, no answer", "Switched off", "Busy, will retry", "Not reachable",
        "Call disconnected", "Rang twice, no response",
    ],
    Status.CALL_LATER: [
        "Asked to call in the evening", "In exams, call next week", "Driving, call tomorrow",
        "Father will decide, call on Sunday", "Results awaited, call after results",
    ],
    Status.VALID: [
        "Interested in {course}", "Wants {course} details", "Asked about fees for {course}",
        "Asked about hostel for {course}", "Interested in {course} in Bangalore",
        "Wants {course}, prefers a college near {area}", "Sent {course} brochure on WhatsApp",
    ],
    Status.WAITING_FOR_DECISION: [
        "Discussing with parents", "Comparing two colleges", "Waiting for entrance results",
        "Parents want to visit the campus", "Thinking about {course} or {course2}",
    ],
    Status.WAITING_FOR_DOCUMENTS: [
        "Sending +2 mark list", "Transfer certificate pending", "Aadhaar copy pending",
        "Will send documents by courier", "Migration certificate pending",
    ],
    Status.WAITING_FOR_FEES: [
        "Arranging first instalment", "Education loan in process", "Will pay after salary",
        "Asked for fee instalments", "Scholarship application pending",
    ],
    Status.WAITING_FOR_CONFIRMATION: [
        "Seat offered, awaiting confirmation", "Hostel allotment pending",
        "Seat offered for {course}",
    ],
    Status.WAITING_FOR_JOINING: ["Joining date given", "Will join next batch"],
    Status.ADMISSION: ["Admission confirmed", "Admission confirmed for {course}"],
    Status.JOINED: ["Joined the course", "Joined {course}, hostel allotted"],
    Status.NOT_INTERESTED: [
        "Chose another college", "Not planning to study this year", "Fees too high",
        "Going abroad", "Joined a college in {area}",
    ],
    Status.INVALID: ["Wrong number", "Duplicate lead", "Number does not exist"],
    Status.DROPPED: ["Dropped after admission", "Discontinued, family reasons"],
}

FOLLOW_UP_REMARKS = [
    "Called again, no change", "Reminded about documents", "Spoke to parent",
    "Shared fee structure again", "Will confirm this week", "Sent reminder on WhatsApp",
    "Asked about hostel again", "Visited office with parent",
]
