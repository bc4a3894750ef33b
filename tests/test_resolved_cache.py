"""Each file's resolved components cached by content (compiler/resolved_cache.py): a warm check must build the very
model and report the very findings a cold one does, whatever changed in the other files since."""

from __future__ import annotations

from pathlib import Path

import pytest

import designc.resolved_cache as resolved_cache
from designc.driver import check

from conftest import EXAMPLES  # noqa: F401  (conftest sets the test cache directory up)

SYSTEM = """\
system shop "A shop" {
  region eu { zones [a, b] }
  service api {
    replicas 2
    exposure public
    calls orders { timeout 1s }
  }
  store db { engine postgres; protocol PROTOCOL }
}

define service standard {
  replicas 3
  latency p99 20ms
}
"""

TEAM = """\
# the orders team
service orders is standard {
  placement eu [a, b]
  calls db { timeout 100ms }
}

service audit {
  replicas 2
  calls orders { timeout 300ms }
}
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("DESIGNC_CACHE_DIR", str(d))
    monkeypatch.setattr(resolved_cache, "MIN_COMPONENTS", 1)  # these designs are small: use the cache anyway
    return d


def _design(tmp_path: Path, system: str = SYSTEM, team: str = TEAM) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir(exist_ok=True)
    (folder / "system.design").write_text(system.replace("PROTOCOL", "sql"))
    (folder / "team.design").write_text(team)
    return folder


def _seen(folder: Path, cache: bool = True):
    """What a check reports and the model it builds, as text: byte for byte what a user could see."""
    result = check([folder], cache=cache)
    model = result.designs[0].model
    report = [(d.code, str(d.span), d.span.end_column if d.span else None, d.message) for d in result.diagnostics]
    return report, (model.model_dump_json() if model is not None else None), result


def _cold(folder: Path):
    report, model, _ = _seen(folder, cache=False)
    return report, model


def test_a_warm_check_builds_the_model_a_cold_one_does(cache_dir: Path, tmp_path: Path):
    folder = _design(tmp_path)
    cold = _cold(folder)
    *first, r1 = _seen(folder)
    assert r1.resolved_from_cache == 0
    assert list((cache_dir / "resolved").rglob("*")), "the first run stores the files it resolved"
    *second, r2 = _seen(folder)
    assert r2.resolved_from_cache == 2, "both files come from the cache the second time"
    assert first == list(cold) and second == list(cold)


def test_a_generated_design_over_many_files_is_the_same_warm_cold_and_after_an_edit(cache_dir: Path, tmp_path: Path):
    import subprocess
    import sys

    from conftest import ROOT

    out = tmp_path / "split"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--services", "400", "--files", "8", "--out", str(out)],
        check=True,
    )
    cold = _cold(out)
    _seen(out)
    *warm, r = _seen(out)
    assert r.resolved_from_cache == 8 and warm == list(cold)
    team = sorted(out.glob("team_*.design"))[3]
    team.write_text(team.read_text().replace("timeout 20ms; retries 1", "timeout 25ms; retries 2", 1))
    *edited, r = _seen(out)
    assert r.resolved_from_cache == 7, "only the edited file is resolved again"
    assert edited == list(_cold(out)) and edited != warm


def test_a_definition_changed_in_another_file_reaches_the_cached_components(cache_dir: Path, tmp_path: Path):
    folder = _design(tmp_path)
    _seen(folder)
    # one line more above the definition, and a new latency in it: `orders` (in the unchanged team file) takes both,
    # and says where it took its latency from
    _design(
        tmp_path,
        system=SYSTEM.replace("define service standard {", "\ndefine service standard {").replace(
            "latency p99 20ms", "latency p99 35ms"
        ),
    )
    report, model, result = _seen(folder)
    assert result.resolved_from_cache == 0, "a definition changed: every file is resolved again"
    assert (report, model) == _cold(folder)
    orders = next(c for c in result.designs[0].model.components if c.name == "orders")
    assert [(x.percentile, x.value) for x in orders.latency] == [("p99", 0.035)]
    assert orders.inherited == {"replicas": "`standard`, system.design:13", "latency": "`standard`, system.design:14"}


def test_a_protocol_taken_from_a_target_in_another_file_follows_it(cache_dir: Path, tmp_path: Path):
    folder = _design(tmp_path)
    _seen(folder)
    (folder / "system.design").write_text(SYSTEM.replace("PROTOCOL", "grpc"))
    report, model, result = _seen(folder)
    assert result.resolved_from_cache == 1, "the team file is unchanged"
    assert (report, model) == _cold(folder)
    calls_db = next(e for e in result.designs[0].model.edges if e.target == "db")
    assert calls_db.protocol == "grpc"


def test_a_reference_into_another_file_is_checked_again_on_every_run(cache_dir: Path, tmp_path: Path):
    folder = _design(tmp_path)
    _seen(folder)
    (folder / "system.design").write_text(SYSTEM.replace("PROTOCOL", "sql").replace("store db", "store ledger"))
    report, _, result = _seen(folder)
    assert result.resolved_from_cache == 1
    assert report == _cold(folder)[0]
    assert report == [("REF001", f"{folder / 'team.design'}:4:9", 11, "unknown component `db`")]


def test_a_zone_removed_from_its_region_is_found_in_a_cached_file(cache_dir: Path, tmp_path: Path):
    folder = _design(tmp_path)
    _seen(folder)
    (folder / "system.design").write_text(SYSTEM.replace("PROTOCOL", "sql").replace("zones [a, b]", "zones [a, c]"))
    report, _, _ = _seen(folder)
    assert report == _cold(folder)[0]
    assert report == [("REF001", f"{folder / 'team.design'}:3:20", 21, "region `eu` has no zone `b`")]


def test_a_file_with_a_problem_is_not_stored(cache_dir: Path, tmp_path: Path):
    folder = _design(tmp_path, team=TEAM.replace("replicas 2", "replicas 2\n  colour blue"))
    report, _, _ = _seen(folder)
    assert report == [("DEF001", f"{folder / 'team.design'}:9:3", 9, "unknown statement `colour` in service `audit`")]
    *_, r = _seen(folder)
    assert r.resolved_from_cache == 1, "only the system file was stored"


def test_a_damaged_entry_is_a_miss_and_no_cache_writes_nothing(cache_dir: Path, tmp_path: Path):
    folder = _design(tmp_path)
    _seen(folder, cache=False)
    assert not (cache_dir / "resolved").exists(), "--no-cache neither reads nor writes"
    _seen(folder)
    for entry in (cache_dir / "resolved").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    *damaged, r = _seen(folder)
    assert r.resolved_from_cache == 0 and damaged == list(_cold(folder))


def test_an_entry_of_another_shape_is_a_miss_not_an_error(cache_dir: Path, tmp_path: Path):
    """A readable entry that is not this version's (or is not designc's) must not reach the resolver."""
    import pickle

    folder = _design(tmp_path)
    _seen(folder)
    entries = [e for e in (cache_dir / "resolved").rglob("*") if e.is_file()]
    assert len(entries) == 2
    for i, entry in enumerate(entries):
        names = pickle.loads(entry.read_bytes())["names"]
        # the right names, but no components at all, or components that are not pairs of objects
        foreign = {"names": names} if i == 0 else {"names": names, "components": dict.fromkeys(names, "x")}
        entry.write_bytes(pickle.dumps(foreign))
    *seen, r = _seen(folder)
    assert r.resolved_from_cache == 0 and seen == list(_cold(folder))


def test_a_small_design_does_not_use_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DESIGNC_CACHE_DIR", str(tmp_path / "cache"))
    folder = _design(tmp_path)
    _seen(folder)
    assert not (tmp_path / "cache" / "resolved").exists()
