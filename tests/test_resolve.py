"""From syntax to model: units, defaults, definitions, references, and the diagnostics for each mistake."""

from __future__ import annotations

import pytest

from conftest import MINIMAL


def comp(model, name):
    return next(c for c in model.components if c.name == name)


def edge(model, source, target):
    return next(e for e in model.edges if e.source == source and e.target == target)


def test_minimal_design_resolves(check_language):
    r = check_language(MINIMAL)
    assert r.codes == []
    m = r.model
    assert m.system.name == "shop" and m.system.title == "A shop"
    assert [x.name for x in m.regions] == ["eu"] and m.regions[0].zones == ["a", "b"]
    e = edge(m, "api", "db")
    assert e.kind == "calls" and e.mode == "sync" and e.timeout == pytest.approx(0.1)
    assert e.protocol == "sql"  # from the postgres engine of the target
    db = comp(m, "db")
    assert db.engine == "postgres" and db.consistency == "linearizable" and db.state == "stateful"
    assert db.partition.prefer == "consistency"


def test_units_are_normalised(check_language):
    r = check_language("""\
system s {
  requirements { peak_load 5000 rps; sustained_load 600 rpm; availability 99.95%; latency p99 300ms; rto 15m; rpo 0s }
  region r { zones [a] }
  service api {
    replicas 3..30
    capacity 800 rps per replica
    autoscale cpu 65%
    slo { availability 99.9%; latency p99 1.5s; window 28d }
  }
  cache c { ttl 5m; max_memory 2GiB }
  stream e { retention 7d; partitions 12 }
}
""")
    assert r.codes == []
    req = r.model.system.requirements
    assert req.peak_load == 5000 and req.sustained_load == pytest.approx(10)
    assert req.availability == pytest.approx(0.9995)
    assert req.latency[0].percentile == "p99" and req.latency[0].value == pytest.approx(0.3)
    assert req.rto == 900 and req.rpo == 0
    api = comp(r.model, "api")
    assert (api.replicas.min, api.replicas.max) == (3, 30)
    assert api.capacity == 800 and api.autoscale.signal == "cpu" and api.autoscale.target == pytest.approx(0.65)
    assert api.slo.latency[0].value == pytest.approx(1.5) and api.slo.window == 28 * 86400
    c = comp(r.model, "c")
    assert c.ttl == 300 and c.max_memory == 2 * 2**30
    assert comp(r.model, "e").retention == 7 * 86400


def test_default_slo_window_and_edge_modes(check_language):
    r = check_language("""\
system s {
  service a { publishes t; calls b; slo { availability 99% } }
  service b { consumes t { delivery at_least_once; idempotent yes; dead_letter yes } }
  stream t { engine kafka }
}
""")
    assert r.codes == []
    assert comp(r.model, "a").slo.window == 30 * 86400
    assert edge(r.model, "a", "t").mode == "async" and edge(r.model, "a", "b").mode == "sync"
    consume = edge(r.model, "b", "t")
    assert consume.delivery == "at_least_once" and consume.idempotent and consume.dead_letter
    assert consume.protocol == "kafka"


def test_definitions_are_inherited_and_overridden(check_language):
    r = check_language("""\
import "stdlib/patterns"
system s {
  store ledger is postgres_ha { backup { pitr off } }
  store plain is postgres_ha
}
""")
    assert r.codes == []
    ledger, plain = comp(r.model, "ledger"), comp(r.model, "plain")
    assert plain.based_on == ["postgres_ha"] and plain.engine == "postgres"
    assert plain.replication.mode == "sync" and plain.replication.replicas == 3
    assert plain.backup.pitr is True and plain.backup.rpo == 300
    # a block statement overrides the inherited one as a whole
    assert ledger.backup.pitr is False and ledger.backup.rpo is None
    assert ledger.replication.replicas == 3


def test_stdlib_availability_data(check_language):
    r = check_language('import "stdlib/aws"\nsystem s { store db is rds_postgres_multi_az }\n')
    assert r.codes == []
    db = comp(r.model, "db")
    assert db.availability == pytest.approx(0.9995)
    assert "aws.amazon.com/rds/sla" in db.availability_source
    assert db.managed == "aws"


def test_local_definitions_chain(check_language):
    r = check_language("""\
define service base { replicas 3; state stateless }
define service web is base { exposure public }
system s { service front is web { replicas 5 } }
""")
    assert r.codes == []
    front = comp(r.model, "front")
    assert front.based_on == ["web", "base"]
    assert front.exposure == "public" and front.state == "stateless" and front.replicas.min == 5


@pytest.mark.parametrize(
    ("body", "code", "needle", "hint"),
    [
        ("service a { calls dbb }\nstore db {}", "REF001", "unknown component `dbb`", "did you mean `db`?"),
        ("service a { consumes b }\nservice b {}", "REF003", "`consumes` needs", None),
        ("store a { engine postgress }", "REF001", "unknown engine `postgress`", "did you mean `postgres`?"),
        ("service a { placement nowhere }\nregion r { zones [a] }", "REF001", "unknown region `nowhere`", None),
        ("region r { zones [a, b] }\nservice a { placement r [a, c] }", "REF001", "region `r` has no zone `c`", None),
        ("service a {}\nservice a {}", "REF002", "defined twice", None),
        ("service a {}\nregion a { zones [x] }", "REF002", "already the name of a service", None),
        ("service a { is_public yes }", "DEF001", "unknown statement `is_public`", None),
        ("service a { exposure publik }", "VAL001", "expected one of", "did you mean `public`?"),
        ("service a { replicas 2; replicas 3 }", "DEF002", "set twice", None),
        ("service a { calls b; calls b }\nservice b {}", "DEF002", "`calls b` is set twice", None),
        ("service a { calls b { timeout 5% } }\nservice b {}", "VAL001", "expected a duration", "is a percentage"),
        ("service a { calls b { timeout 5 } }\nservice b {}", "VAL001", "expected a duration", "`5ms` or `5s`"),
        ("external a { availability 120% }", "VAL002", "out of range", None),
        ("service a { replicas -1 }", "VAL002", "at least 0", None),
        ("service a { replicas 30..3 }", "VAL002", "runs backwards", None),
        ("service a { replicas 3 spread zones }", "VAL003", "one too many", None),
        ("service a { technology }", "VAL003", "needs a string", None),
        ("service a { timeout 1s { x 1 } }", "DEF001", "unknown statement `timeout`", "belongs in"),
        ("service a { replicas 2 { x 1 } }", "VAL003", "takes no block", None),
        ("service { }", "VAL003", "needs a name", None),
        ("region r {}", "DEF003", "does not list its zones", None),
        ("define store x is x {}", "REF004", "builds on itself", None),
        ("define store x is nope {}", "REF001", "unknown definition `nope`", None),
        ("define servce x {}", "VAL003", "`define` needs the kind", "did you mean `service`?"),
        ("store s { engine kafka }", "REF003", "engine `kafka` is for", None),
        ("system t {}", "DEF004", "a second system", None),
        ("bogus 1", "DEF001", "unknown statement `bogus`", None),
        ("requirements { availability 99% }", "DEF001", "at the top level", "belongs inside the `system` block"),
        ("service a { deploy canary [5%, 200%] }", "VAL002", "out of range", None),
        ("service a { health_check http 5 }", "VAL001", "expected a string", None),
        ("service a { affinity channel_id { owners 0 } }", "VAL002", "at least 1", None),
        ("service a { affinity channel_id { takeover 20 } }", "VAL001", "expected a duration", None),
        ("service a { affinity { owners 2 } }", "VAL003", "`affinity` needs the routing key's name", "channel_id"),
        ("service a { calls b { on reconnect } }\nservice b {}", "VAL001", "expected one of", None),
        ("service a { calls b { connection open } }\nservice b {}", "VAL001", "expected one of", None),
    ],
)
def test_mistakes_get_a_diagnostic(check_language, body, code, needle, hint):
    r = check_language(f"system s {{\n}}\n{body}\n")
    matching = [d for d in r.diagnostics if d.code == code]
    assert matching, f"expected {code}, got {r.codes}: {[d.message for d in r.diagnostics]}"
    d = matching[0]
    assert needle in d.message
    if hint:
        assert any(hint in h for h in d.hints), d.hints
    assert d.span is not None and d.span.line >= 1 and d.span.column >= 1
    assert r.model is None  # a design with errors has no model


def test_components_without_a_system(check_language):
    r = check_language("service a {}\n")
    assert r.only("DEF003").message == "this design has components but no `system`"


def test_library_without_components_is_fine(check_language):
    r = check_language("define service base { replicas 3 }\n")
    assert r.codes == []


def test_design_may_shadow_a_stdlib_definition(check_language):
    r = check_language("""\
import "stdlib/patterns"
define store postgres_ha { engine postgres; replication sync { replicas 5 } }
system s { store db is postgres_ha }
""")
    assert r.codes == []
    assert comp(r.model, "db").replication.replicas == 5


def test_properties_are_free_form(check_language):
    r = check_language('system s { properties { cost "cc-1"; weight 3; flag on; size 3GiB } }\n')
    assert r.codes == []
    assert r.model.system.properties == {"cost": "cc-1", "weight": 3, "flag": True, "size": "3GiB"}


def test_model_spans_are_relative_to_the_design_root(check_language):
    r = check_language(MINIMAL)
    api = comp(r.model, "api")
    assert api.span.file == "main.design" and api.span.line == 3
    assert edge(r.model, "api", "db").span.line == 5


def test_two_ports_on_one_number_are_refused(check_language):
    r = check_language("system s {\n  region r { zones [a] }\n  service api { port http 8080; port metrics 8080 }\n}\n")
    d = r.only("VAL004")
    assert d.message == "ports `metrics` and `http` both listen on 8080"
    assert (d.span.line, d.span.column) == (3, 46)


@pytest.mark.parametrize(
    ("slo", "code", "message"),
    [
        ('errors "sum(rate(e[$window]))"', "DEF003", "states `errors` but not `total`"),
        ('total "sum(rate(t[$window]))"', "DEF003", "states `total` but not `errors`"),
        ('errors "sum(rate(e[5m]))"; total "sum(rate(t[$window]))"', "VAL001", "`errors` query has no `$window`"),
    ],
)
def test_slo_queries_come_in_pairs_and_name_the_window(check_language, slo: str, code: str, message: str):
    r = check_language(
        f"system s {{\n  region r {{ zones [a] }}\n  service api {{ slo {{ availability 99%; {slo} }} }}\n}}\n"
    )
    assert message in r.only(code).message


def test_size_classes_are_words_the_lexer_reads(check_language):
    r = check_language("system s {\n  region r { zones [a] }\n  store db { engine postgres; size_class xxlarge }\n}\n")
    assert r.codes == [] and next(c for c in r.model.components if c.name == "db").size_class == "xxlarge"


NEWCOMER = """\
define service base { replicas 2 }
system s {
  region us_east_1 { zones [a, b] }
  service web {
    calls %s
    %s
  }
  service api { }
}
"""


def test_a_misspelt_kind_in_a_system_gets_a_did_you_mean(check_language):
    r = check_language("system s {\n  servce app { }\n}\n")
    d = r.only("DEF001")
    assert d.hints[0] == "did you mean `service`?"
    r = check_language("system s {\n  fooo app { }\n}\n")
    assert "holds components (`service`, `store`" in r.only("DEF001").hints[0]


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("us_east_1", "`us_east_1` is a region"),
        ("us_east_1.a", "`us_east_1.a` is a zone of region `us_east_1`"),
        ("base", "`base` is a definition (service)"),
    ],
)
def test_calling_a_region_a_zone_or_a_definition_says_what_the_name_is(check_language, target, words):
    r = check_language(NEWCOMER % (target, ""))
    d = r.only("REF003")
    assert words in d.message and d.span.line == 5
    assert d.notes and d.notes[0].span.line == (1 if target == "base" else 3)


def test_an_out_of_range_percentage_says_the_range_not_every_form(check_language):
    d = check_language(NEWCOMER % ("api", "autoscale cpu 150%")).only("VAL002")
    assert d.message == "`150%` is out of range: a percentage here lies between 1% and 100%"
    assert (d.span.line, d.span.column, d.span.end_column) == (6, 19, 23)


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("cpu 60", "add the percent sign: `60%`"),  # would reach the autoscaler as 6,000%: it never scales out
        ("memory 0.7", "write it as a percentage: `70%`"),
        ("rps 400", "give the unit: `400 rps`"),
        ("latency 200", "give the unit: `200ms` or `200s`"),
        ("queue_lag 30s", "`30s` is a duration; this statement takes a number of waiting messages like `1000`"),
        ("connections 5ms", "`5ms` is a duration; this statement takes a number of connections like `500`"),
    ],
)
def test_an_autoscale_target_in_the_wrong_unit_for_its_signal_is_an_error(check_language, written, hint):
    d = check_language(NEWCOMER % ("api", f"autoscale {written}")).only("VAL001")
    assert d.span.line == 6 and d.span.column == 15 + len(written.split()[0]) + 1
    assert d.hints == [hint]


@pytest.mark.parametrize(
    ("written", "signal", "target"),
    [
        ("cpu 65%", "cpu", 0.65),
        ("memory 80%", "memory", 0.8),
        ("rps 400 rps", "rps", 400),
        ("rps 1200 rpm", "rps", 20),
        ("queue_lag 1000", "queue_lag", 1000),
        ("latency 250ms", "latency", 0.25),
        ("connections 500", "connections", 500),
        ("custom 7.5", "custom", 7.5),
    ],
)
def test_each_autoscale_signal_takes_its_target_in_its_own_unit(check_language, written, signal, target):
    r = check_language(NEWCOMER % ("api", f"autoscale {written}"))
    assert r.codes == []
    auto = next(c for c in r.model.components if c.name == "web").autoscale
    assert auto.signal == signal and auto.target == pytest.approx(target)


def test_a_misspelt_autoscale_signal_is_told_the_signals(check_language):
    d = check_language(NEWCOMER % ("api", "autoscale cpus 65%")).only("VAL001")
    assert "`autoscale` expects a signal and its target, like `cpu 65%`" in d.message
    assert d.hints[0] == "did you mean `cpu`?" and "`autoscale queue_lag 1000`" in d.hints[1]


def test_an_exponent_is_reported_as_written(check_language):
    d = check_language(NEWCOMER % ("api", "replicas 1e999")).only("VAL001")
    assert "found `1e999`" in d.message and (d.span.column, d.span.end_column) == (14, 19)
    assert d.hints == ["designc does not read exponents: write `1e999` as a plain number"]


def test_a_count_written_with_a_unit_is_told_to_drop_it(check_language):
    d = check_language(NEWCOMER % ("api { retries 3x }", "")).only("VAL001")
    assert d.hints == ["write the count alone: `3`"]


def test_no_component_of_the_needed_kind_is_said_as_that_kind(check_language):
    d = check_language(NEWCOMER % ("api", "consumes events { group g }")).only("REF001")
    assert d.hints == ["this design defines no stream or queue yet"]


def test_keys_and_held_connections_resolve(check_language):
    r = check_language(
        """\
system s {
  region r { zones [a, b] }
  flow search { rate 10 rps; criticality soft; route [app, gw, index] }
  client app { calls gw { protocol https } }
  service gw { calls index { connection persistent; on connect }; calls chan }
  service chan { state stateful; affinity channel_id { owners 2; takeover 20s; hot_key 2% } }
  store index { sharding hash(channel_id, bucket) 8 { hot_key 5% } }
}
"""
    )
    assert r.codes == []
    m = r.model
    a = comp(m, "chan").affinity
    assert (a.key, a.owners, a.takeover, a.hot_key) == ("channel_id", 2, 20.0, pytest.approx(0.02))
    assert comp(m, "gw").affinity is None
    assert comp(m, "index").sharding.hot_key == pytest.approx(0.05)
    e = edge(m, "gw", "index")
    assert (e.connection, e.when) == ("persistent", "connect")
    assert (edge(m, "gw", "chan").connection, edge(m, "gw", "chan").when) == (None, None)
    assert m.system.flows[0].criticality == "soft"
    assert comp(m, "chan").model_dump()["affinity"]["owners"] == 2


@pytest.mark.parametrize(
    ("written", "found", "hint"),
    [
        ("timeout 50 s", "`50 s`", "write the unit against the number: `50s`"),
        (
            "timeout 50 parsecs",
            "`50 parsecs`",
            "`parsecs` is not a duration unit: duration units are `us`, `ms`, `s`, `m`, `min`, `h`, `d` or `w`",
        ),
        ("timeout 50 mss", "`50 mss`", "did you mean `50ms`? `mss` is not a duration unit"),
    ],
)
def test_a_unit_written_apart_or_unknown_is_named_with_its_number(check_language, written, found, hint):
    d = check_language(NEWCOMER % (f"api {{ {written} }}", "")).only("VAL001")
    assert f"found {found}" in d.message and d.hints[0].startswith(hint)
    assert (d.span.column, d.span.end_column) == (25, 25 + len(written) - len("timeout "))
