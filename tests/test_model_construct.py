"""The model as `construct` builds it: an object stores only its stated fields, and still reads, compares,
prints and dumps as a fully stored pydantic object does."""

from __future__ import annotations

import json

import pytest

from designc.driver import check
from designc.model import Edge, Location, Service, construct

from conftest import EXAMPLES


def _edge() -> Edge:
    span = {"file": "a.design", "line": 3, "column": 5, "end_line": 3, "end_column": 20}
    return construct(
        Edge, {"source": "a", "target": "b", "kind": "calls", "mode": "sync", "timeout": 0.5, "span": span}
    )


def test_a_constructed_edge_stores_its_stated_fields_and_reads_every_default():
    e = _edge()
    assert set(e.__dict__) == {"source", "target", "kind", "mode", "timeout", "span"}
    assert isinstance(e.span, Location)
    full = Edge.model_validate(e.model_dump())
    for name in Edge.model_fields:
        assert getattr(e, name) == getattr(full, name), name
    assert e.criticality is None and e.retries is None and e.data == []
    assert e.model_fields_set == {"source", "target", "kind", "mode", "timeout", "span"}


def test_a_constructed_edge_equals_prints_and_iterates_as_the_validated_one():
    e = _edge()
    full = Edge.model_validate(e.model_dump())
    assert e == full and full == e
    assert e != construct(Edge, {**e.model_dump(), "timeout": 1.0})
    assert dict(e) == dict(full)
    assert repr(e).count("=") == repr(full).count("=")  # every field printed
    assert "criticality=None" in repr(e)


def test_dumping_keeps_the_stored_order_plain_defaults_first():
    """The JSON target's key order: the plain defaults in declaration order (stated or not), then the other
    stated fields as stated, then the fields made by a factory (as before objects left defaults out)."""
    e = _edge()
    keys = list(e.model_dump())
    defaults = [n for n, f in Edge.model_fields.items() if not f.is_required() and f.default_factory is None]
    assert keys == [*defaults, "source", "target", "kind", "mode", "span", "data"]
    assert json.loads(e.model_dump_json()) == e.model_dump()


def test_a_class_default_differs_per_kind():
    s = construct(Service, {"name": "api", "span": _edge().model_dump()["span"]})
    assert s.kind == "service" and s.exposure == "internal" and s.tags == []
    with pytest.raises(TypeError):  # the unstated list is shared: it cannot change
        s.tags.append("x")
    assert s.tags == [] and s.model_dump()["tags"] == []


def test_every_example_model_round_trips():
    for path in sorted(EXAMPLES.glob("*.design")):
        m = check([path]).designs[0].model
        from designc.model import Design

        again = Design.model_validate(m.model_dump())
        assert again == m, path
        assert again.model_dump() == m.model_dump(), path


def test_value_objects_of_the_same_plain_values_are_one_object_within_a_design():
    from designc.model import Autoscale, Replicas, forget_shared

    forget_shared()
    a = construct(Replicas, {"min": 3, "max": 12})
    assert construct(Replicas, {"min": 3, "max": 12}) is a
    assert construct(Replicas, {"min": 3, "max": 13}) is not a
    # equal numbers of another type are other values: True == 1 == 1.0
    assert construct(Autoscale, {"signal": "rps", "target": 1.0}).target.__class__ is float
    assert construct(Autoscale, {"signal": "rps", "target": 1}).target.__class__ is int
    assert str(construct(Autoscale, {"signal": "cpu", "target": -0.0}).target) == "-0.0"
    assert str(construct(Autoscale, {"signal": "cpu", "target": 0.0}).target) == "0.0"
    with pytest.raises(TypeError, match="not changed once built"):  # a shared object is never changed
        a.min = 4
    assert a.min == 3 and construct(Replicas, {"min": 3, "max": 12}).min == 3
    forget_shared()
    assert construct(Replicas, {"min": 3, "max": 12}) is not a  # not across designs
    # an object with a location of its own is never shared
    assert _edge() is not _edge()


def test_an_unstated_nested_model_reads_as_its_default_and_check_builds_no_validator():
    """A field whose default is a model (a store's `partition`, a system's `requirements`) is made as `construct`
    makes objects: calling the class would validate, and building pydantic's validator for it (deferred to first
    use) cost every cold `designc check` 30 ms."""
    import subprocess
    import sys

    code = (
        "import sys; from designc.driver import check; from designc import model; "
        f"check([__import__('pathlib').Path({str(EXAMPLES / 'payments.design')!r})]); "
        "built = sorted(c.__name__ for c in vars(model).values() if isinstance(c, type) "
        "and issubclass(c, model.BaseModel) and c.__dict__.get('__pydantic_complete__')); print(built)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    from designc.model import Partition, Store

    s = construct(Store, {"name": "db", "span": _edge().model_dump()["span"]})
    assert s.partition == Partition() and s.model_dump()["partition"] == Partition().model_dump()
