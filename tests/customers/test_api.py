"""The registry API: who reads which organisations, contacts, products and devices, and who changes them."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from customers.models import Device, Organisation
from tests.factories import ContactFactory, DeviceFactory, OrganisationFactory, ProductFactory, SiteFactory

HUGE = "99999999999999999999"


@pytest.fixture
def api():
    return APIClient()


def login(api: APIClient, user) -> APIClient:
    api.force_login(user)
    return api


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def registry(customer, other_customer):
    """Two organisations, each with a device of its own product."""
    ours = DeviceFactory(organisation=customer.organisation, serial_number="SN-OURS-1")
    theirs = DeviceFactory(organisation=other_customer.organisation, serial_number="SN-THEIRS-1")
    return {"ours": ours, "theirs": theirs}


# --- reading --------------------------------------------------------------------------


def test_anonymous_requests_are_unauthorised(api, db):
    for path in ("organisations", "contacts", "products", "devices"):
        assert api.get(f"/api/v1/{path}/").status_code == 401


def test_customer_sees_only_their_own_organisation(api, customer, other_customer):
    login(api, customer)
    assert ids(api.get("/api/v1/organisations/")) == [customer.organisation_id]
    assert api.get(f"/api/v1/organisations/{customer.organisation_id}/").status_code == 200
    assert api.get(f"/api/v1/organisations/{other_customer.organisation_id}/").status_code == 404


def test_customer_sees_only_their_own_organisations_contacts(api, customer, other_customer, agent):
    colleague = ContactFactory(organisation=customer.organisation)
    login(api, customer)
    assert sorted(ids(api.get("/api/v1/contacts/"))) == sorted([customer.pk, colleague.pk])
    assert api.get(f"/api/v1/contacts/{other_customer.pk}/").status_code == 404
    assert api.get(f"/api/v1/contacts/{agent.pk}/").status_code == 404  # staff are not contacts


def test_customer_sees_only_their_own_devices_and_products(api, customer, registry):
    login(api, customer)
    assert ids(api.get("/api/v1/devices/")) == [registry["ours"].pk]
    assert api.get(f"/api/v1/devices/{registry['theirs'].pk}/").status_code == 404
    assert ids(api.get("/api/v1/products/")) == [registry["ours"].product_id]
    assert api.get(f"/api/v1/products/{registry['theirs'].product_id}/").status_code == 404


def test_customer_filtering_by_another_organisation_finds_nothing(api, customer, other_customer, registry):
    login(api, customer)
    assert ids(api.get(f"/api/v1/devices/?organisation={other_customer.organisation_id}")) == []
    assert ids(api.get(f"/api/v1/contacts/?organisation={other_customer.organisation_id}")) == []


def test_customer_without_an_organisation_sees_nothing(api, db, registry):
    loner = User.objects.create_user("loner", password="x")
    from accounts.services import user_set_roles

    user_set_roles(loner, Role.CUSTOMER)
    login(api, loner)
    for path in ("organisations", "contacts", "products", "devices"):
        assert ids(api.get(f"/api/v1/{path}/")) == []


@pytest.mark.parametrize("role", ["agent", "engineer", "manager", "project_manager"])
def test_staff_see_every_organisation_and_device(api, request, role, customer, other_customer, registry):
    login(api, request.getfixturevalue(role))
    assert set(ids(api.get("/api/v1/organisations/"))) == {customer.organisation_id, other_customer.organisation_id}
    assert set(ids(api.get("/api/v1/devices/"))) == {registry["ours"].pk, registry["theirs"].pk}
    assert set(ids(api.get("/api/v1/contacts/"))) == {customer.pk, other_customer.pk}


def test_device_shows_its_warranty_and_relations(api, agent, customer):
    site = SiteFactory(organisation=customer.organisation)
    device = DeviceFactory(organisation=customer.organisation, site=site)
    body = login(api, agent).get(f"/api/v1/devices/{device.pk}/").json()
    assert body["organisation"] == {"id": customer.organisation_id, "name": customer.organisation.name}
    assert body["product"]["id"] == device.product_id
    assert body["site"]["id"] == site.pk
    assert body["site"]["address"] == site.address
    assert body["warranty_until"] == device.warranty_until.isoformat()
    assert body["in_warranty"] is True


# --- filters --------------------------------------------------------------------------


def test_hotline_finds_the_caller_by_phone_prefix(api, agent, db):
    caller = ContactFactory(phone="13912345678")
    ContactFactory(phone="13800000000")
    login(api, agent)
    assert ids(api.get("/api/v1/contacts/?phone=1391234")) == [caller.pk]
    body = api.get("/api/v1/contacts/?phone=13912345678").json()["results"][0]
    assert body["organisation"]["id"] == caller.organisation_id
    assert body["name"] == str(caller)


def test_devices_filter_by_organisation_product_and_serial_number(api, agent, customer, registry):
    login(api, agent)
    ours = registry["ours"]
    assert ids(api.get(f"/api/v1/devices/?organisation={customer.organisation_id}")) == [ours.pk]
    assert ids(api.get(f"/api/v1/devices/?product={ours.product_id}")) == [ours.pk]
    assert ids(api.get("/api/v1/devices/?serial_number=sn-ours-1")) == [ours.pk]
    assert ids(api.get("/api/v1/devices/?serial_number=nope")) == []


def test_organisations_filter_by_phone_prefix_and_name(api, agent, db):
    acme = OrganisationFactory(name="Acme Storage", phone="010-66668888")
    OrganisationFactory(name="Other", phone="021-55550000")
    login(api, agent)
    assert ids(api.get("/api/v1/organisations/?phone=010-6666")) == [acme.pk]
    assert ids(api.get("/api/v1/organisations/?name=acme")) == [acme.pk]


@pytest.mark.parametrize(
    "path",
    [
        "devices/?organisation=abc",
        f"devices/?organisation={HUGE}",
        "devices/?product=1.5",
        "devices/?site=-1",
        "contacts/?organisation=x",
    ],
)
def test_bad_filter_values_answer_400_not_500(api, agent, db, path):
    response = login(api, agent).get(f"/api/v1/{path}")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path", ["organisations/abc/", f"organisations/{HUGE}/", f"devices/{HUGE}/", "contacts/0/", "products/-1/"]
)
def test_unknown_ids_answer_404(api, agent, db, path):
    assert login(api, agent).get(f"/api/v1/{path}").status_code == 404


def test_device_list_uses_a_fixed_number_of_queries(api, agent, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    DeviceFactory.create_batch(12, organisation=organisation, site=SiteFactory(organisation=organisation))
    login(api, agent)
    # session, user, the user's groups, one page of devices joined with organisation, product and site
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/devices/?page_size=10")
    assert len(response.json()["results"]) == 10


# --- writing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("customer", 403),
        ("engineer", 403),
        ("agent", 201),
        ("manager", 201),
        ("project_manager", 201),
        ("admin_user", 201),
    ],
)
def test_only_supervisors_and_agents_add_organisations(api, request, role, expected):
    response = login(api, request.getfixturevalue(role)).post(
        "/api/v1/organisations/", {"name": "New Customer Ltd", "phone": "010-12345678"}, format="json"
    )
    assert response.status_code == expected
    assert Organisation.objects.filter(name="New Customer Ltd").exists() == (expected == 201)


def test_customer_cannot_change_their_own_organisation(api, customer):
    response = login(api, customer).patch(
        f"/api/v1/organisations/{customer.organisation_id}/", {"name": "Renamed"}, format="json"
    )
    assert response.status_code == 403


def test_duplicate_organisation_name_answers_400(api, agent, customer):
    response = login(api, agent).post("/api/v1/organisations/", {"name": customer.organisation.name}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name"}


def test_agent_adds_a_contact_who_is_a_customer_without_a_password(api, agent, customer):
    response = login(api, agent).post(
        "/api/v1/contacts/",
        {
            "username": "wang.fang",
            "first_name": "Fang",
            "last_name": "Wang",
            "email": "wang.fang@example.com",
            "phone": "13700001111",
            "organisation": customer.organisation_id,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    contact = User.objects.get(username="wang.fang")
    assert response.json()["id"] == contact.pk
    assert response.json()["organisation"]["id"] == customer.organisation_id
    assert contact.roles == {Role.CUSTOMER}
    assert not contact.has_usable_password()


def test_contact_needs_an_organisation_and_a_valid_username(api, agent, customer):
    response = login(api, agent).post("/api/v1/contacts/", {"username": "bad name!", "email": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "email", "organisation"}


def test_contact_username_cannot_be_changed(api, agent, customer):
    login(api, agent)
    response = api.patch(f"/api/v1/contacts/{customer.pk}/", {"username": "renamed"}, format="json")
    assert response.status_code == 400
    response = api.patch(f"/api/v1/contacts/{customer.pk}/", {"phone": "13600000000"}, format="json")
    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.username, customer.phone) == ("customer", "13600000000")


def test_manager_registers_and_moves_a_device(api, manager, customer):
    product = ProductFactory()
    site = SiteFactory(organisation=customer.organisation)
    login(api, manager)
    response = api.post(
        "/api/v1/devices/",
        {
            "serial_number": "SN-NEW-0001",
            "organisation": customer.organisation_id,
            "product": product.pk,
            "delivered_on": "2026-01-15",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    device_id = response.json()["id"]
    assert response.json()["warranty_until"] == "2027-01-15"
    response = api.patch(f"/api/v1/devices/{device_id}/", {"site": site.pk}, format="json")
    assert response.status_code == 200
    assert Device.objects.get(pk=device_id).site == site


def test_device_at_another_organisations_site_answers_400(api, manager, customer, other_customer):
    device = DeviceFactory(organisation=customer.organisation)
    foreign_site = SiteFactory(organisation=other_customer.organisation)
    response = login(api, manager).patch(f"/api/v1/devices/{device.pk}/", {"site": foreign_site.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"site"}


@pytest.mark.parametrize(
    "payload",
    [
        {"serial_number": "", "organisation": "abc", "product": HUGE},
        {"serial_number": "SN-X", "organisation": 1, "product": 1, "delivered_on": "yesterday"},
        {"serial_number": "SN-X", "organisation": 1, "product": 1, "warranty_months": -5},
    ],
)
def test_device_with_bad_input_answers_400(api, manager, db, payload):
    response = login(api, manager).post("/api/v1/devices/", payload, format="json")
    assert response.status_code == 400


def test_put_and_delete_are_not_allowed(api, manager, customer):
    login(api, manager)
    url = f"/api/v1/organisations/{customer.organisation_id}/"
    assert api.put(url, {"name": "x"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405


def test_agent_adds_a_product(api, agent):
    response = login(api, agent).post(
        "/api/v1/products/", {"code": "DS-9000", "name": "Disk array 9000", "product_line": "Storage"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["code"] == "DS-9000"


def test_organisation_email_may_be_blank_but_not_malformed(db, manager):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(manager)
    blank = api.post("/api/v1/organisations/", {"name": "Blank Mail Ltd", "email": ""}, format="json")
    assert blank.status_code == 201, blank.content
    bad = api.post("/api/v1/organisations/", {"name": "Bad Mail Ltd", "email": "not-an-address"}, format="json")
    assert bad.status_code == 400
    assert "email" in bad.json()
