import factory
from django.contrib.auth.models import Group

from backoffice.accounts.models import User
from backoffice.accounts.roles import SALES_MANAGER, STUDENT_COUNSELLOR
from backoffice.customers.models import Customer
from backoffice.customers.statuses import Status

PASSWORD = "correct horse battery"


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
            obj.groups.add(Group.objects.get(name=SALES_MANAGER))


class CounsellorFactory(UserFactory):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=STUDENT_COUNSELLOR))


class CustomerFactory(factory.django.DjangoModelFactory):
    """A stored customer, written directly (not through the services) so tests
    can set up any state."""

    class Meta:
        model = Customer

    name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"+9198{n:08d}")
    area = factory.Iterator(["Kochi", "Thrissur", "Kozhikode", "Kollam"])
    status = Status.NEW
