"""The read-replica router: reporting reads go to the replica, everything else to the primary."""

from __future__ import annotations

import copy

from simpul.cases.models import Case
from simpul.core.db_router import ReplicaRouter, reporting_reads


def _with_replica(settings):
    databases = copy.deepcopy(settings.DATABASES)
    databases["replica"] = dict(databases["default"])
    settings.DATABASES = databases


def test_without_a_replica_everything_stays_on_default(settings):
    router = ReplicaRouter()
    with reporting_reads():
        assert router.db_for_read(Case) is None
    assert router.db_for_write(Case) == "default"


def test_reporting_reads_go_to_the_replica_and_ordinary_reads_do_not(settings):
    _with_replica(settings)
    router = ReplicaRouter()
    assert router.db_for_read(Case) is None
    with reporting_reads():
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) == "default"
    assert router.db_for_read(Case) is None


def test_decorator_form_and_replica_apps(settings):
    _with_replica(settings)
    router = ReplicaRouter()

    @reporting_reads()
    def report():
        return router.db_for_read(Case)

    assert report() == "replica"
    settings.SIMPUL_REPLICA_APPS = ["cases"]
    assert router.db_for_read(Case) == "replica"


def test_migrations_never_run_on_the_replica():
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is True
