from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from backoffice.accounts.models import User
from backoffice.accounts.roles import COMPLIANCE, SALES_MANAGER, STUDENT_COUNSELLOR
from backoffice.customers.demo import demo_customers_create
from backoffice.customers.models import Customer

DEMO_PASSWORD = "alims-demo"
DEMO_USERS = [
    # username, first, last, role (None = superuser)
    ("admin", "Site", "Administrator", None),
    ("manager", "Maya", "Menon", SALES_MANAGER),
    ("counsellor1", "Anil", "Kumar", STUDENT_COUNSELLOR),
    ("counsellor2", "Bindu", "Thomas", STUDENT_COUNSELLOR),
    ("counsellor3", "Chitra", "Nair", STUDENT_COUNSELLOR),
    ("counsellor4", "Deepak", "Varghese", STUDENT_COUNSELLOR),
    ("compliance", "Cyril", "Dsouza", COMPLIANCE),
]


class Command(BaseCommand):
    help = "Load the demo users and about 2,000 demo customers (embedded/demo setup only)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when the demo users already exist (used by `make run`).",
        )

    def handle(self, *args, customers: int, if_empty: bool, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo data is only for the embedded/demo setup (DEMO_MODE is off). "
                "Demo accounts have published passwords and never belong in production."
            )
        if User.objects.filter(username="manager").exists():
            if if_empty:
                self._create_users(missing_only=True)  # demo users added since
                self.stdout.write("Demo data already loaded.")
                self._print_logins()
                return
            raise CommandError("Demo data is already loaded.")
        with transaction.atomic():
            users = self._create_users()
            counsellors = [u for u in users if u.username.startswith("counsellor")]
            manager = next(u for u in users if u.username == "manager")
            offset = 100_000_000 + Customer.objects.count()
            created = demo_customers_create(
                count=customers, counsellors=counsellors, by=manager, phone_offset=offset
            )
        self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo customers."))
        self._print_logins()

    def _create_users(self, *, missing_only: bool = False) -> list[User]:
        users = []
        existing = set(User.objects.values_list("username", flat=True)) if missing_only else set()
        for username, first, last, role in DEMO_USERS:
            if username in existing:
                continue
            user = User(
                username=username, first_name=first, last_name=last,
                email=f"{username}@demo.alims.invalid", is_superuser=role is None,
                monthly_target=40 if role == STUDENT_COUNSELLOR else None,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            users.append(user)
        return users

    def _print_logins(self) -> None:
        self.stdout.write("\nDemo logins (password for all: %s):" % DEMO_PASSWORD)
        for username, first, last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {first} {last} — {role or 'Administrator'}")
        self.stdout.write("Administrators always sign in with two-factor sign-in: at the first "
                          "sign-in, 'admin' sets up an authenticator app (a QR code is shown).")
