"""The `view` statement: hand-made architecture diagrams, resolved into `System.views`."""

from __future__ import annotations

from pathlib import Path

import pytest

from designc.fmt import format_text
from designc.model import Design, View, ViewSelector

from conftest import run_designc

SHOP = """\
system shop "A shop" {
  region eu { zones [a, b] }
  client web { calls api_gateway }
  service api_gateway { replicas 2; owner "edge-team"; calls payments }
  service payments { replicas 2; tags [pci]; calls ledger; calls card_network; writes history }
  store ledger { engine postgres }
  store history { engine cassandra }
  external card_network { availability 99.95% }
VIEWS}
"""


def shop(views: str) -> str:
    return SHOP.replace("VIEWS", views)


CHECKOUT = """\
  view checkout "Checkout path" {
    description "What a card payment touches."
    include [api_gateway, payments, ledger]
    include tag pci
    include kind store
    include owner "payments-team"
    exclude [history]
    exclude kind external
    neighbours on  # callers and callees, faded
  }
"""


def test_a_view_resolves_with_its_selectors_in_order(check_language):
    r = check_language(shop(CHECKOUT))
    assert r.codes == [], [d.message for d in r.diagnostics]
    [view] = r.model.system.views
    assert isinstance(view, View)
    assert (view.name, view.title) == ("checkout", "Checkout path")
    assert view.description == "What a card payment touches."
    assert view.neighbours is True
    assert [(s.by, s.values) for s in view.include] == [
        ("names", ["api_gateway", "payments", "ledger"]),
        ("tag", ["pci"]),
        ("kind", ["store"]),
        ("owner", ["payments-team"]),
    ]
    assert [(s.by, s.values) for s in view.exclude] == [("names", ["history"]), ("kind", ["external"])]
    assert all(isinstance(s, ViewSelector) for s in [*view.include, *view.exclude])
    assert (view.span.file, view.span.line, view.span.column) == ("main.design", 9, 3)
    assert view.span.end_line == 18
    assert Design.model_validate(r.model.model_dump()) == r.model  # the constructed model is a valid model


def test_views_are_optional_and_a_view_without_include_shows_everything(check_language):
    r = check_language(shop(""))
    assert r.codes == [] and r.model.system.views == []
    r = check_language(shop('  view everything "All of it"\n  view some { include all; neighbours off }\n'))
    assert r.codes == [], [d.message for d in r.diagnostics]
    everything, some = r.model.system.views
    assert everything.include == [] and everything.exclude == [] and everything.neighbours is False
    assert everything.title == "All of it" and everything.description is None
    assert [(s.by, s.values) for s in some.include] == [("all", [])] and some.title is None
    assert Design.model_validate(r.model.model_dump()) == r.model


def test_a_single_name_is_a_list_of_one(check_language):
    r = check_language(shop("  view v { include ledger }\n"))
    assert r.codes == []
    assert [(s.by, s.values) for s in r.model.system.views[0].include] == [("names", ["ledger"])]


def test_a_view_at_a_files_top_level_belongs_to_the_system(check_language):
    r = check_language(
        shop("  view inner { include [ledger] }\n"),
        files={"views.design": "view outer { include kind store }\n"},
        folder=True,
    )
    assert r.codes == [], [d.message for d in r.diagnostics]
    assert sorted(v.name for v in r.model.system.views) == ["inner", "outer"]
    outer = next(v for v in r.model.system.views if v.name == "outer")
    assert outer.span.file == "views.design" and outer.span.line == 1


def test_a_view_without_a_system_is_reported(check_language):
    r = check_language("view lonely { include all }\n")
    d = r.only("DEF003")
    assert "`view` but no `system`" in d.message
    assert (d.span.line, d.span.column) == (1, 6)


@pytest.mark.parametrize("key", ["include", "exclude"])
def test_an_unknown_component_is_ref001_with_did_you_mean(check_language, key):
    r = check_language(shop(f"  view v {{\n    {key} [api_gateway, ledgr]\n  }}\n"))
    d = r.only("REF001")
    assert d.message == "unknown component `ledgr`"
    assert (d.span.file.endswith("main.design"), d.span.line, d.span.column) == (True, 10, 27)
    assert (d.span.end_line, d.span.end_column) == (10, 32)
    assert "did you mean `ledger`?" in d.hints


def test_an_unknown_component_on_the_command_line(tmp_path: Path):
    p = tmp_path / "main.design"
    p.write_text(shop("  view v { include [payments, ledgr] }\n"))
    r = run_designc("check", str(p))
    assert r.returncode == 1
    assert "error[REF001]: unknown component `ledgr`" in r.stderr + r.stdout
    assert "main.design:9:31" in r.stderr + r.stdout
    assert "did you mean `ledger`?" in r.stderr + r.stdout


def test_a_misspelt_selector_word_is_reported_where_it_is(check_language):
    r = check_language(shop("  view v {\n    include tags pci\n  }\n"))
    d = r.only("VAL001")
    assert d.message.startswith("`include` expects a list of component names, `all`, `tag NAME`")
    assert "found the name `tags`" in d.message
    assert (d.span.line, d.span.column, d.span.end_column) == (10, 13, 17)
    assert d.hints[0] == "did you mean `tag`?"
    assert "`include kind store`" in d.hints[1]


def test_names_without_brackets_are_pointed_to_a_list(check_language):
    r = check_language(shop("  view v { include payments ledger }\n"))
    d = r.only("VAL001")
    assert "found the name `payments`" in d.message and (d.span.line, d.span.column) == (9, 20)
    assert d.hints[0] == "several names go in a list: `include [payments, ledger]`"


def test_a_wrong_kind_is_reported_with_the_kinds(check_language):
    r = check_language(shop("  view v {\n    exclude kind servce\n  }\n"))
    d = r.only("VAL001")
    assert "a component kind" in d.message and "found the name `servce`" in d.message
    assert (d.span.line, d.span.column) == (10, 18)
    assert "did you mean `service`?" in d.hints


@pytest.mark.parametrize(
    ("line", "message", "column"),
    [
        ("include tag", "`include tag` needs a name", 16),
        ("include", "`include` needs a list of component names", 12),
        ("include all ledger", "`include all` takes no more values; the name `ledger` is one too many", 17),
        ("include tag pci tier1", "`include tag` takes one value; the name `tier1` is one too many", 21),
        ('include "ledger"', "`include` expects a list of component names", 13),
        ("include owner", "`include owner` needs a name or a string", 18),
    ],
)
def test_malformed_selectors_get_precise_diagnostics(check_language, line, message, column):
    r = check_language(shop(f"  view v {{\n    {line}\n  }}\n"))
    assert r.codes in (["VAL003"], ["VAL001"]), [d.message for d in r.diagnostics]
    d = r.diagnostics[0]
    assert d.message.startswith(message), d.message
    assert (d.span.line, d.span.column) == (10, column)


def test_a_non_name_in_the_list_is_reported_as_such(check_language):
    r = check_language(shop("  view v { include [ledger, 5] }\n"))
    d = r.only("VAL001")
    assert d.message == "expected a component name, found `5`"
    assert (d.span.line, d.span.column) == (9, 29)


def test_duplicate_view_names_are_reported(check_language):
    r = check_language(shop("  view v { include all }\n  view w\n  view v { include [ledger] }\n"))
    d = r.only("DEF002")
    assert d.message == "`view v` is set twice in system `shop`"
    assert (d.span.line, d.span.column) == (11, 3)
    assert [(n.span.line, n.message) for n in d.notes] == [(9, "first set here")]


def test_a_view_title_must_be_a_string(check_language):
    r = check_language(shop("  view v Checkout\n"))
    d = r.only("VAL001")
    assert "found the name `Checkout`" in d.message and (d.span.line, d.span.column) == (9, 10)
    assert 'quote it: `"Checkout"`' in d.hints


def test_a_view_inside_a_component_is_pointed_to_the_system(check_language):
    r = check_language(shop("").replace("service payments {", "service payments { view v;"))
    d = r.only("DEF001")
    assert "unknown statement `view`" in d.message
    assert any("directly in `system`" in h for h in d.hints)


def test_fmt_round_trips_a_view():
    scrambled = shop(
        'view checkout   "Checkout path"{\ndescription "What a card payment touches."\n'
        "include [ api_gateway,payments ,ledger ]\ninclude tag pci;include kind store\n"
        'include owner "payments-team"\nexclude [history]\nexclude kind external\n'
        "neighbours on # callers and callees, faded\n}\n"
    )
    once, diags = format_text(scrambled, "main.design")
    assert diags == [] and once is not None
    assert once == shop(CHECKOUT), once
    again, _ = format_text(once, "main.design")
    assert again == once  # idempotent
    one_line = shop("  view v { include all; exclude kind external; neighbours on }\n")
    assert format_text(one_line, "main.design")[0] == one_line


def test_a_formatted_view_means_the_same(check_language, tmp_path: Path):
    before = check_language(shop(CHECKOUT)).model.system.views
    p = tmp_path / "f.design"
    p.write_text(shop(CHECKOUT.replace("\n    ", "\n").replace("include tag pci\n", "include tag pci;")))
    r = run_designc("fmt", str(p))
    assert r.returncode == 0, r.stderr
    assert run_designc("fmt", "--check", str(p)).returncode == 0
    after = check_language(p.read_text()).model.system.views
    assert [v.model_dump(exclude={"span"}) for v in after] == [v.model_dump(exclude={"span"}) for v in before]
    assert after[0].include[1].by == "tag"
