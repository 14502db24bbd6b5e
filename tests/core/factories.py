import factory
from django.contrib.auth import get_user_model

from kcc.core.constants import AddressKind
from kcc.core.models import ClosureDay, Customer, Department, DigitalAddress


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Afdeling {n}")
    code = factory.Sequence(lambda n: f"afd-{n}")
    callback_norm_days = 2
    email = factory.LazyAttribute(lambda o: f"{o.code}@voorbeeldstad.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda o: f"{o.username}@voorbeeldstad.example")
    password = factory.django.Password("Welkom-bij-het-KCC-2026")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    street = factory.Faker("street_name", locale="nl_NL")
    house_number = factory.Sequence(lambda n: n % 200 + 1)
    postcode = "1011AB"
    city = "Voorbeeldstad"


class DigitalAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigitalAddress

    customer = factory.SubFactory(CustomerFactory)
    kind = AddressKind.PHONE
    value = factory.Sequence(lambda n: f"+3161{n:07d}")
    is_default = True


class ClosureDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosureDay
        django_get_or_create = ("date",)

    description = "Collectieve vrije dag"
