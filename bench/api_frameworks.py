"""Django REST framework or django-ninja for the API: the same endpoint in
both, timed in the same run (the measurement behind docs/decisions.md, "The
API: Django REST framework").

    .venv/bin/pip install --target /tmp/ninja-pkgs django-ninja   # not a dependency
    NINJA_PATH=/tmp/ninja-pkgs .venv/bin/python bench/api_frameworks.py

The endpoint: the first page (50) of a counsellor's and of a manager's
customers, newest first, with counsellor and source, as JSON — the real
/api/v1/customers/ (DRF: token authentication, throttle, keyset pagination,
ModelSerializer) against a django-ninja endpoint written for the comparison
(the same token check and query, a pydantic schema of the same fields). Both
through Django's test client, warm; the raw ORM's 50 rows as the baseline.
"""

import os
import statistics
import sys
import time
import types

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench import common  # noqa: E402

common.setup()
if os.environ.get("NINJA_PATH"):
    sys.path.append(os.environ["NINJA_PATH"])  # after the project's own packages

import datetime  # noqa: E402

from django.test import Client, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from backoffice.accounts.models import User  # noqa: E402
from backoffice.api.models import ApiToken  # noqa: E402
from backoffice.api.services import api_token_create  # noqa: E402
from backoffice.customers.selectors import customers_visible_to  # noqa: E402


def ninja_urls():
    from ninja import NinjaAPI, Schema
    from ninja.security import HttpBearer

    from backoffice.api.models import ApiToken
    from backoffice.api.services import api_token_touch, token_hash

    class Bearer(HttpBearer):
        def authenticate(self, request, token):
            found = ApiToken.objects.select_related("user").filter(
                key_hash=token_hash(token)).first()
            if found and found.is_usable() and found.user.is_active:
                api_token_touch(found)
                request.user = found.user
                return found
            return None

    class Person(Schema):
        id: int
        name: str

    class Source(Schema):
        id: int
        name: str

    class CustomerOut(Schema):
        id: int
        name: str
        phone: str
        alternate_phone: str
        email: str
        area: str
        date_added: datetime.date
        status: str
        remarks: str
        next_follow_up: datetime.date | None
        last_contacted: datetime.datetime | None
        attempts: int
        counsellor: Person | None
        data_source: Source | None
        source_details: dict
        created_at: datetime.datetime
        updated_at: datetime.datetime

        @staticmethod
        def resolve_counsellor(obj):
            if obj.assigned_to_id is None:
                return None
            return {"id": obj.assigned_to_id, "name": obj.assigned_to.get_full_name()}

    class Page(Schema):
        next: str | None
        results: list[CustomerOut]

    api = NinjaAPI(urls_namespace="bench_ninja", auth=Bearer())

    @api.get("/customers/", response=Page)
    def customers(request):
        rows = list(customers_visible_to(request.user)
                    .select_related("assigned_to", "data_source")
                    .order_by("-date_added", "-id")[:51])
        return {"next": "x" if len(rows) > 50 else None, "results": rows[:50]}

    module = types.ModuleType("bench_ninja_urls")
    from config import urls

    module.urlpatterns = [path("ninja/", api.urls), *urls.urlpatterns]
    sys.modules["bench_ninja_urls"] = module
    return "bench_ninja_urls"


def median_ms(fn, runs=40) -> float:
    for _ in range(5):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    try:
        urlconf = ninja_urls()
    except ImportError:
        sys.exit("django-ninja is not installed: see this script's docstring.")
    client = Client()
    manager = User.objects.get(username=common.MANAGER_USERNAME)
    counsellor = (User.objects.filter(username__startswith=common.USERNAME_PREFIX + "c")
                  .order_by("username").first())
    print(f"load average {os.getloadavg()[0]:.2f}; median of 40 warm requests, ms")
    print(f"{'who':<12}{'raw ORM':>9}{'DRF':>9}{'ninja':>9}")
    with override_settings(ROOT_URLCONF=urlconf):
        for label, user in (("manager", manager), ("counsellor", counsellor)):
            ApiToken.objects.filter(user=user, name__startswith="bench").delete()
            _, token = api_token_create(user=user, name="bench frameworks")
            auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
            drf = client.get("/api/v1/customers/", **auth)
            ninja = client.get("/ninja/customers/", **auth)
            assert drf.status_code == ninja.status_code == 200, (drf.content, ninja.content)
            assert ([r["id"] for r in drf.json()["results"]]
                    == [r["id"] for r in ninja.json()["results"]])
            orm = median_ms(lambda u=user: list(
                customers_visible_to(u).select_related("assigned_to", "data_source")
                .order_by("-date_added", "-id")[:51]))
            drf_ms = median_ms(lambda a=auth: client.get("/api/v1/customers/", **a))
            ninja_ms = median_ms(lambda a=auth: client.get("/ninja/customers/", **a))
            print(f"{label:<12}{orm:>9.1f}{drf_ms:>9.1f}{ninja_ms:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
