"""Demo API clients with documented keys (only in demo mode): Dinas Dukcapil's system and the Open311 façade.

They show the least-privilege pattern: the agency's own system works its agency's cases (`cases:read`,
`cases:write`); the Open311 façade only submits complaints and reads back its own submissions (`cases:intake`).
The keys are public, so `load` also narrows a demo client of an older database to these scopes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from simpul.agencies.models import Agency
from simpul.api.models import AgencyIntegration
from simpul.clients.models import ApiClient, ApiKey
from simpul.clients.scopes import AGENCY_CASE_SCOPES, INTAKE_SCOPES
from simpul.clients.services import api_client_create, api_client_update, api_key_hash, api_key_issue

DEMO_CLIENTS = [
    {
        "name": "Sistem Dinas Dukcapil",
        "key": "demo-dukcapil-key",
        "scopes": [*INTAKE_SCOPES, *AGENCY_CASE_SCOPES, "webhooks:manage"],  # SIAK submits applications too
        "agency": "disdukcapil",
        "allowed_service_kinds": [],
    },
    {
        "name": "Open311",
        "key": "demo-open311-key",
        "scopes": [*INTAKE_SCOPES],
        "agency": None,
        "allowed_service_kinds": ["pengaduan"],
    },
]


def load(*, stdout: Any) -> None:
    if not settings.DEMO_MODE:
        return
    for spec in DEMO_CLIENTS:
        client = ApiClient.objects.filter(name=spec["name"]).first()
        if client is None:
            agency = Agency.objects.filter(code=spec["agency"]).first() if spec["agency"] else None
            client = api_client_create(
                name=spec["name"], scopes=spec["scopes"], agency=agency,
                allowed_service_kinds=spec["allowed_service_kinds"], rate_limit_per_minute=600,
                notes="Demo client; its key is public. Never use in production.",
            )
        elif sorted(client.scopes) != sorted(spec["scopes"]):
            client = api_client_update(client=client, scopes=list(spec["scopes"]))
        if not ApiKey.objects.filter(secret_hash=api_key_hash(spec["key"])).exists():
            api_key_issue(client=client, secret=spec["key"])
        stdout.write(f"demo API client: {spec['name']}  key: {spec['key']}")
    dukcapil = Agency.objects.filter(code="disdukcapil").first()
    if dukcapil is not None:
        # Dukcapil's own system receives its case events; the demo writes them to the log.
        AgencyIntegration.objects.get_or_create(agency=dukcapil, name="SIAK Dukcapil (demo)",
                                                defaults={"backend": "log"})
