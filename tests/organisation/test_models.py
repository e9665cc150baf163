"""The organisation's rules on one row: units, people, posts and memberships stay in their ente."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organisation.models import Assignment, Membership, OrgUnit, Person
from tests.factories import make_ente, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(db):
    return make_ente("alfa"), make_ente("beta")


def test_a_unit_cannot_hang_under_another_entes_unit(two):
    alfa, beta = two
    parent = OrgUnit.objects.create(ente=beta, kind="dipartimento", name="Territorio")
    unit = OrgUnit(ente=alfa, kind="servizio", name="Urbanistica", parent=parent)
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert error.value.message_dict["parent"] == ["L'unità superiore appartiene a un altro ente."]


def test_a_unit_cannot_hang_under_itself(two):
    unit = OrgUnit.objects.create(ente=two[0], kind="dipartimento", name="Affari")
    unit.parent = unit
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert error.value.message_dict["parent"] == ["Un'unità non può stare sotto sé stessa."]


def test_a_units_validity_must_be_in_order(two):
    unit = OrgUnit(ente=two[0], kind="ufficio", name="Protocollo", valid_from_year=2024)
    unit.valid_to_year = 2023
    with pytest.raises(ValidationError, match="L'anno di fine validità precede"):
        unit.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()
    unit.valid_to_year = 2024
    unit.full_clean()


def test_a_name_is_one_person_per_ente_but_may_repeat_across_entes(two):
    alfa, beta = two
    make_person(alfa, "Anna Alfieri")
    make_person(beta, "Anna Alfieri")
    with pytest.raises(ValidationError, match="Esiste già una persona con questo nome"):
        Person(ente=alfa, full_name="Anna Alfieri").full_clean()


def test_a_login_is_one_person_per_ente(two):
    user = make_user("anna")
    make_person(two[0], "Anna Alfieri", user=user)
    make_person(two[1], "Anna Alfieri", user=user)  # the same login in another ente is fine
    with pytest.raises(ValidationError, match="già collegato a una persona"):
        Person(ente=two[0], full_name="Anna A.", user=user).full_clean()


def test_a_post_takes_its_persons_ente_and_refuses_another_entes_unit(two):
    alfa, beta = two
    person = make_person(alfa, "Anna Alfieri")
    post = Assignment(ente=beta, person=person, role="dirigente")
    post.full_clean()
    assert post.ente == alfa  # the person's ente, whatever was given
    post.unit = OrgUnit.objects.create(ente=beta, kind="dipartimento", name="Territorio")
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert error.value.message_dict["unit"] == ["L'unità appartiene a un altro ente."]


def test_a_post_ends_after_it_starts(two):
    person = make_person(two[0], "Anna Alfieri")
    post = Assignment(
        person=person, role="eq", start_date=dt.date(2024, 6, 1), end_date=dt.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError, match="La data di fine precede quella di inizio"):
        post.full_clean()


def test_one_membership_per_user_and_ente(two):
    user = make_user("anna", ente=two[0], role=Membership.Role.VIEWER)
    with pytest.raises(ValidationError, match="già un accesso a questo ente"):
        Membership(user=user, ente=two[0], role=Membership.Role.NDV).full_clean()
    Membership(user=user, ente=two[1], role=Membership.Role.NDV).full_clean()
