import datetime

import factory
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_set_roles
from customers.models import Device, Organisation, Product, Site
from tickets.models import Category, Channel, Department, Priority, Ticket
from tickets.services import ticket_create

PASSWORD = "pass-for-tests-1"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Customer {n}")
    phone = factory.Sequence(lambda n: f"010-8{n:07d}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    province = "北京市"
    city = "北京市"
    district = "海淀区"
    street = "中关村大街1号"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    product_line = "Storage"


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    organisation = factory.SubFactory(OrganisationFactory)
    product = factory.SubFactory(ProductFactory)
    delivered_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            user_set_roles(self, *extracted)


class ContactFactory(UserFactory):
    organisation = factory.SubFactory(OrganisationFactory)
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        user_set_roles(self, *(extracted or [Role.CUSTOMER]))


def make_staff(role: Role, **kwargs) -> User:
    return UserFactory(roles=[role], **kwargs)


def make_ticket(*, contact: User | None = None, actor: User | None = None, **kwargs) -> Ticket:
    """A case created through the service, as a real one would be (reference, event, department)."""
    contact = contact or ContactFactory()
    fields = {
        "channel": Channel.PORTAL,
        "category": Category.FAULT,
        "priority": Priority.NORMAL,
        "subject": "Disk array offline",
        "description": "The array stopped answering at 09:00.",
    }
    fields.update(kwargs)
    return ticket_create(actor=actor, organisation=contact.organisation, contact=contact, **fields)


class TicketFactory:
    """Not a DjangoModelFactory on purpose: cases are only ever made by ticket_create."""

    @staticmethod
    def create(**kwargs) -> Ticket:
        return make_ticket(**kwargs)

    @staticmethod
    def create_batch(n: int, **kwargs) -> list[Ticket]:
        return [make_ticket(**kwargs) for _ in range(n)]
