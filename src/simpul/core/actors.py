"""Who is acting: one typed value for every writer, instead of asking `getattr(x, "is_authenticated", False)`.

A door (web view, JSON API, Open311, SMS, the worker) builds an `Actor` once, from what it knows, and passes it
down: intake, the case actions, the audit log and the history all read the same fields.

- `Actor.of(user)`: a signed-in person (citizen, business, village operator, officer, head, admin, ...) or,
  for an anonymous request, `Actor.anonymous()`.
- `Actor.api_client(client, user, agency_ids=...)`: an agency system acting through its API key; `user` is the
  client's login-less acting user (`simpul.api.exchange.actors.client_actor`), stored as who did it, and
  `agency_ids` the agencies it may act for (`simpul.api.exchange.actors.case_actor` builds it): on a case it
  holds the roles an officer of those agencies would.
- `Actor.pin_holder()`: whoever holds a case's reference + PIN (tracking page, status API, SMS).
- `Actor.system()`: the platform itself (retention, the worker, management commands).

It lives in core because core's audit log records actors too; it names no app above core.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


class ActorKind(enum.StrEnum):
    ANONYMOUS = "anonymous"
    PERSON = "person"  # a signed-in user; `role` says which persona
    API_CLIENT = "api_client"
    PIN_HOLDER = "pin_holder"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    user: Any = None  # the signed-in (or acting) user model instance, or None
    client_id: int | None = None
    client_name: str = ""
    # The agencies an API client may act for (its own and those it is allowed); empty: any agency. The cases
    # app reads it to give a client the roles an officer of those agencies has (`simpul.cases.permissions`).
    agency_ids: frozenset[int] = frozenset()

    # -- constructors --------------------------------------------------------------------------------------------

    @classmethod
    def of(cls, user: Any) -> Actor:
        """The actor for a request's user: a person when signed in and active, else anonymous."""
        if isinstance(user, Actor):
            return user
        if user is not None and bool(getattr(user, "is_authenticated", False)) and getattr(user, "is_active", True):
            return cls(ActorKind.PERSON, user=user)
        return cls(ActorKind.ANONYMOUS)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(ActorKind.ANONYMOUS)

    @classmethod
    def api_client(cls, client: Any, user: Any = None, *, agency_ids: Iterable[int] = ()) -> Actor:
        return cls(ActorKind.API_CLIENT, user=user, client_id=getattr(client, "pk", None),
                   client_name=str(getattr(client, "name", "") or ""), agency_ids=frozenset(agency_ids))

    @classmethod
    def pin_holder(cls) -> Actor:
        return cls(ActorKind.PIN_HOLDER)

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorKind.SYSTEM)

    # -- questions -----------------------------------------------------------------------------------------------

    @property
    def is_person(self) -> bool:
        return self.kind is ActorKind.PERSON

    @property
    def account(self) -> Any:
        """The user row to store as "who did it" (created_by, uploaded_by, event actor): a person's own user, an API
        client's acting user, else None."""
        return self.user if self.kind in (ActorKind.PERSON, ActorKind.API_CLIENT) else None

    @property
    def role(self) -> str:
        """The person's role (`simpul.accounts.models.Role` value), or the actor kind for everyone else."""
        if self.kind is ActorKind.PERSON:
            return str(getattr(self.user, "role", "") or "")
        return self.kind.value

    @property
    def label(self) -> str:
        """A name for the history and the audit log ("" for anonymous and PIN holders: the caller words those)."""
        if self.kind is ActorKind.API_CLIENT:
            return f"{self.client_name} (API)" if self.client_name else str(getattr(self.user, "full_name", "") or "")
        if self.kind is ActorKind.PERSON:
            user = self.user
            return str(getattr(user, "full_name", "") or getattr(user, "email", "") or user.pk)
        return ""


def account_of(actor: Any) -> Any:
    """The user row behind `actor` (an `Actor`, a user or None): the one answer to "whom do I store as the actor"."""
    return Actor.of(actor).account if not isinstance(actor, Actor) else actor.account
