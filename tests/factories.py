import factory
from django.contrib.auth.models import Group

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
