"""Misfires found on real designs (examples/real/), each fixed at its rule: what must no longer be reported, and
what still must."""

from __future__ import annotations

from conftest import findings


def test_a_scheduled_or_continuous_job_is_not_unused(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  service nightly { replicas 2; reads db { timeout 1s } }
  store db { engine postgres; replication sync { replicas 2; spread zones } }
}
"""
    (d,) = findings(check_design(text), "SEC009")
    assert "nothing starts its work" in d.message and any("trigger schedule" in h for h in d.hints)
    for trigger in ('trigger schedule "daily at 03:00"', "trigger continuous"):
        r = check_design(text.replace("replicas 2; reads", f"replicas 2; {trigger}; reads"))
        assert findings(r, "SEC009") == [], trigger
    r = check_design(text.replace("replicas 2; reads", "replicas 2; trigger request; reads"))
    assert findings(r, "SEC009")


def test_a_user_reaching_dns_or_a_cdn_crosses_no_boundary_of_the_system(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  client user { calls dns; calls cdn }
  external dns { }
  external cdn { }
  service push { replicas 2; calls apns { timeout 1s; encryption tls } }
  external apns { }
}
"""
    sec = findings(check_design(text), "SEC007")
    assert [d.message.split("`")[1:4:2] for d in sec] == [["push", "apns"]]  # a call out of the system still is


def test_no_timeout_is_asked_of_a_long_lived_connection(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  service chat { replicas 2; exposure public; calls hub { protocol websocket }; calls db }
  service hub { replicas 2 }
  store db { engine postgres; replication sync { replicas 2; spread zones } }
}
"""
    assert [d.message.split("`")[3] for d in findings(check_design(text), "TMO001")] == ["db"]


def test_a_managed_service_is_not_asked_to_autoscale(check_design):
    text = """\
system s {
  requirements { peak_load 900 rps; sustained_load 100 rps }
  region r { zones [a, b] }
  service lb { exposure public; managed aws; replicas 2; calls web { timeout 1s } }
  service web { replicas 2..6 }
}
"""
    assert [d.message.split("`")[1] for d in findings(check_design(text), "SCL003")] == ["web"]


def test_an_s3_store_keeps_its_objects_in_three_zones(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; replicas 2; reads files { timeout 1s } }
  store files { engine s3 }
}
"""
    r = check_design(text)
    assert not [d for d in findings(r, "SPOF001") + findings(r, "SPOF004") if "`files`" in d.message]


def test_a_cache_aside_cache_is_not_a_single_point_of_failure(check_design):
    text = """\
system s {
  region r { zones [a, b, c] }
  service api { exposure public; replicas 3; reads cache { timeout 5ms }; reads db { timeout 50ms } }
  cache cache { engine redis CACHES }
  store db { engine postgres; replication sync { replicas 3; spread zones } }
}
"""
    before = check_design(text.replace(" CACHES", ""))
    (d,) = [d for d in findings(before, "SPOF001") if "`cache`" in d.message]
    assert "say so: `caches db` on `cache`" in " ".join(d.hints)  # the hint names what its readers also reach
    after = check_design(text.replace(" CACHES", "; caches db"))
    assert not [d for d in findings(after, "SPOF001") if "`cache`" in d.message]
    # the cache is no hard dependency any more, the store still is
    from designc.analysis.graph import Graph

    g = Graph(after.model)
    assert not any(g.is_hard(e) for e in g.out["api"] if e.target == "cache")
    assert any(g.is_hard(e) for e in g.out["api"] if e.target == "db")


def test_the_write_that_fills_a_cache_aside_cache_is_no_hard_dependency_either(check_design):
    # a cache-aside reader fills the cache after a miss; failing to fill it leaves the answer in hand
    text = """\
system s {
  region r { zones [a, b, c] }
  service api {
    exposure public; replicas 3
    reads cache { timeout 5ms }; reads db { timeout 50ms }; writes cache { timeout 5ms }
  }
  cache cache { engine redis CACHES }
  store db { engine postgres; replication sync { replicas 3; spread zones } }
}
"""
    failing = check_design(text.replace(" CACHES", ""))
    assert [d for d in findings(failing, "SPOF001") if "`cache`" in d.message]
    fixed = check_design(text.replace(" CACHES", "; caches db"))
    assert not [d for d in findings(fixed, "SPOF001") if "`cache`" in d.message]


def test_an_engines_default_consistency_is_no_promise_the_design_made(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  service api { exposure public; replicas 2; reads db { timeout 50ms } }
  store db { engine postgres; replication async { replicas 2; spread zones } }
}
"""
    r = check_design(text)
    assert findings(r, "CAP001") == []
    db = next(c for c in r.model.components if c.name == "db")
    assert db.inherited["protocol"].startswith("engine `postgres`, stdlib/prelude.design:")
    # stated by the design itself, it is a promise, and the finding says so without a provenance note
    stated = check_design(text.replace("engine postgres;", "engine postgres; consistency linearizable;"))
    (d,) = findings(stated, "CAP001")
    assert d.message == "store `db` promises linearizable consistency but replicates asynchronously"


def test_a_definitions_default_names_where_it_comes_from(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  service api { exposure public; replicas 2; reads db { timeout 50ms } }
  store db is strong_db { }
}
define store strong_db { engine postgres; consistency linearizable; replication async { replicas 2; spread zones } }
"""
    (d,) = findings(check_design(text), "CAP001")
    assert "(the default of `strong_db`, main.design:6: state `consistency ...` on `db` to change it)" in d.message


def test_a_store_may_state_its_own_rpo_and_partition_stance(check_design):
    text = """\
system s {
  requirements { rpo 0s; partition prefer availability }
  region r { zones [a, b] }
  service api { exposure public; replicas 2; calls db { timeout 50ms }; calls log { timeout 50ms } }
  store db { engine postgres; replication async { replicas 2; spread zones }; backup { rpo 1h } STORE }
  store log { engine cassandra; replication quorum { n 3; r 1; w 1; spread zones } }
}
"""
    r = check_design(text.replace(" STORE", ""))
    assert [d for d in findings(r, "DR001") if "`db`" in d.message]
    assert [d for d in findings(r, "CAP003") if "`db`" in d.message]  # postgres's default stance, inherited
    r = check_design(text.replace(" STORE", "; rpo 1h; partition prefer consistency"))
    assert not [d for d in findings(r, "DR001") if "`db`" in d.message]
    assert not [d for d in findings(r, "CAP003") if "`db`" in d.message]  # stated on the store: its own choice
    # and a store stricter than the system is held to its own figure
    r = check_design(text.replace("rpo 0s;", "rpo 1h;").replace(" STORE", "; rpo 0s"))
    (d,) = [d for d in findings(r, "DR001") if "`db`" in d.message]
    assert "but it states rpo 0s" in d.message


TIERED = """\
system s {
  requirements { rpo RPO; survive region }
  region east { zones [a, b] }
  region west { zones [a, b]; role standby }
  service api { exposure public; replicas 2; placement east; placement west; calls db { timeout 50ms } }
  store db {
    engine postgres
    consistency linearizable
    replication sync { replicas 3; spread zones; regions [east, west]; cross_region async; failover automatic }
    placement east
    placement west
  }
}
"""


def test_replication_in_tiers_sync_within_a_region_async_across(check_design):
    r = check_design(TIERED.replace("RPO", "0s"))
    (d,) = findings(r, "DR001")
    assert "synchronously within a region but asynchronously to the others (`east`, `west`)" in d.message
    assert findings(r, "CAP001") == []  # in-region commits are synchronous: the primary's promise holds
    r = check_design(TIERED.replace("RPO", "5m"))
    assert findings(r, "DR001") == []
    db = next(c for c in r.model.components if c.name == "db")
    assert db.replication.mode == "sync" and db.replication.cross_region == "async"


def test_an_automatic_multi_region_recovery_promises_to_survive_a_region(check_design):
    text = """\
system s {
  disaster_recovery { strategy active_active; failover automatic }
  region east { zones [a, b] }
  region west { zones [a, b] }
  service api {
    exposure public; replicas 4; placement east [a, b]; placement west [a, b]; calls control { timeout 50ms }
  }
  service control { replicas 2; placement east [a, b] }
}
"""
    (d,) = [d for d in findings(check_design(text), "SPOF002") if "`control`" in d.message]
    assert "but the active-active recovery promises to survive a region: losing `east`" in d.message
    manual = text.replace("strategy active_active; failover automatic", "strategy backup_restore; failover manual")
    assert not [d for d in findings(check_design(manual), "SPOF002") if "`control`" in d.message]
