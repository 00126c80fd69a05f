import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.accounts.roles import COMPLIANCE, SALES_MANAGER, STUDENT_COUNSELLOR
from backoffice.customers.models import Customer
from backoffice.customers.statuses import Status

PASSWORD = "correct horse battery"


def role_group(name: str) -> Group:
    """The role's group. A transactional test's flush removes what the data
    migration created; the roles are then made again the same way."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        from backoffice.accounts.roles import roles_sync

        roles_sync()
        group = Group.objects.get(name=name)
    return group


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def authenticator_for(user, *, confirmed: bool = True):
    """The person's authenticator app (a TOTP device), as if set up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def totp_code(device, *, offset: int = 0) -> str:
    """The code the app shows now (offset: steps later), never one the device
    already accepted (it takes each time step once)."""
    import time

    from django_otp.oath import totp

    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    step = max(now_step + offset, device.last_t + 1)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                drift=step - now_step)
    return f"{code:0{device.digits}d}"


def second_factor_given(client, user) -> None:
    """Marks the test client's session as signed in with the user's
    authenticator (what the code step does), as force_login does the password."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


class ManagerFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(role_group(SALES_MANAGER))


class CounsellorFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(role_group(STUDENT_COUNSELLOR))


class ComplianceFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(role_group(COMPLIANCE))


class CustomerFactory(factory.django.DjangoModelFactory):
    """A stored customer, written directly (not through the services) so tests
    can set up any state."""

    class Meta:
        model = Customer

    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"+9198{n:08d}")
    area = factory.Iterator(["Kochi", "Thrissur", "Kozhikode", "Kollam"])
    status = Status.NEW


class LeaveDayFactory(factory.django.DjangoModelFactory):
    """A counsellor's day away (no new leads go to them that day)."""

    class Meta:
        model = "followups.LeaveDay"

    user = factory.SubFactory(CounsellorFactory)
    date = factory.LazyFunction(timezone.localdate)
    note = ""


class EndpointFactory(factory.django.DjangoModelFactory):
    """A webhook endpoint subscribed to every customer event (tests point it
    at their own receiver on 127.0.0.1)."""

    class Meta:
        model = "webhooks.Endpoint"

    url = "https://hooks.example.com/alims"
    events = factory.LazyFunction(lambda: ["customer.created", "customer.status_changed",
                                           "customer.assigned"])
    secret = factory.Sequence(lambda n: f"whsec_test_{n:04d}")
    active = True
    description = ""
