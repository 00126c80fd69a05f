import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, OuterRef, Subquery

from backoffice.accounts.models import User
from backoffice.customers.models import Customer, StatusChange
from backoffice.customers.statuses import Status

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_outside_the_demo_setup(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("seed_demo", customers=10)
    assert not User.objects.exists()


def test_seed_demo_loads_the_team_and_customers_over_every_status(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", customers=600)
    assert User.objects.filter(groups__name="Student Counsellor").count() == 4
    assert User.objects.filter(groups__name="Sales Manager").count() == 1
    assert Customer.objects.count() == 600
    assert set(Customer.objects.values_list("status", flat=True)) == set(Status.values)
    assert Customer.objects.filter(assigned_to__isnull=True).exists()
    # some assigned customers sent the website's form again
    from backoffice.customers.models import Enquiry

    assert Enquiry.objects.exists()
    assert not Enquiry.objects.filter(customer__assigned_to__isnull=True).exists()


def test_seed_demo_history_ends_in_each_customers_status(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", customers=300)
    latest = StatusChange.objects.filter(customer=OuterRef("pk")).order_by("-changed_at", "-id")
    mismatched = Customer.objects.annotate(
        last=Subquery(latest.values("to_status")[:1])
    ).exclude(last=models_F("status"))
    assert not mismatched.exists()
    assert not Customer.objects.annotate(n=Count("status_changes")).filter(n=0).exists()


def test_seed_demo_runs_once(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", customers=20)
    call_command("seed_demo", customers=20, if_empty=True)
    assert Customer.objects.count() == 20


def models_F(name):
    from django.db.models import F

    return F(name)


def test_demo_history_never_lies_in_the_future(db):
    from django.utils import timezone

    from backoffice.customers.demo import demo_customers_create
    from backoffice.customers.models import StatusChange
    from tests.factories import CounsellorFactory, ManagerFactory

    demo_customers_create(count=200, counsellors=[CounsellorFactory()], by=ManagerFactory())
    assert not StatusChange.objects.filter(changed_at__gt=timezone.now()).exists()
