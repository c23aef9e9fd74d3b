from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from simpul.core.actors import Actor, ActorKind, account_of


def test_a_signed_in_active_user_is_a_person_with_their_role_and_name():
    user = SimpleNamespace(is_authenticated=True, is_active=True, role="officer", full_name="Rina", email="r@x", pk=7)
    actor = Actor.of(user)
    assert (actor.kind, actor.role, actor.label, actor.account) == (ActorKind.PERSON, "officer", "Rina", user)


def test_anonymous_inactive_and_none_are_anonymous_and_store_no_account():
    inactive = SimpleNamespace(is_authenticated=True, is_active=False, pk=3)
    for user in (None, AnonymousUser(), inactive):
        actor = Actor.of(user)
        assert (actor.kind, actor.account, actor.label) == (ActorKind.ANONYMOUS, None, "")


def test_an_api_client_acts_through_its_acting_user_and_is_named_after_the_client():
    acting = SimpleNamespace(is_authenticated=True, is_active=True, full_name="SIAK (API)", pk=9)
    actor = Actor.api_client(SimpleNamespace(pk=4, name="SIAK"), acting)
    assert (actor.kind, actor.client_id, actor.label, actor.account, actor.role) == (
        ActorKind.API_CLIENT, 4, "SIAK (API)", acting, "api_client")


def test_pin_holder_and_system_store_no_account_and_account_of_accepts_both_forms():
    assert account_of(Actor.pin_holder()) is None and account_of(Actor.system()) is None
    user = SimpleNamespace(is_authenticated=True, is_active=True, pk=1)
    assert account_of(user) is user and account_of(None) is None and Actor.of(Actor.system()).kind is ActorKind.SYSTEM
