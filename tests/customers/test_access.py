"""The organisation rule (customers.access): the one place that says whose records a person sees."""

from django.contrib.auth.models import AnonymousUser

from accounts.roles import Role
from customers.access import is_contact_of, visible_to
from customers.models import Device, Organisation

from ..factories import ContactFactory, DeviceFactory, OrganisationFactory, make_staff


def test_a_contact_sees_only_their_organisations_devices_and_staff_see_all(db):
    mine, theirs = DeviceFactory(), DeviceFactory()
    contact = ContactFactory(organisation=mine.organisation)
    assert list(visible_to(contact, Device.objects.all())) == [mine]
    assert list(visible_to(contact, Organisation.objects.all(), path="")) == [mine.organisation]
    assert set(visible_to(make_staff(Role.AGENT), Device.objects.all())) == {mine, theirs}


def test_nobody_without_an_organisation_or_an_active_login_sees_anything(db):
    DeviceFactory()
    orphan = ContactFactory(organisation=None)
    gone = ContactFactory(is_active=False)
    for user in (orphan, gone, AnonymousUser()):
        assert not visible_to(user, Device.objects.all()).exists()


def test_only_a_customer_contact_of_the_organisation_answers_for_it(db):
    organisation = OrganisationFactory()
    contact = ContactFactory(organisation=organisation)
    assert is_contact_of(contact, organisation.pk)
    assert not is_contact_of(ContactFactory(), organisation.pk)
    assert not is_contact_of(make_staff(Role.MANAGER), organisation.pk)
