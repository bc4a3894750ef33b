"""The rules of a large design run in two processes (`designc.analysis.parallel`): the diagnostics must be
exactly those of one process, whichever process ran which rule, and a forked process that fails costs time,
never a finding."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import designc.analysis.parallel as parallel
import designc.processors as processors
from designc.driver import check

from conftest import EXAMPLES, ROOT


@pytest.fixture
def in_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every design's rules in two processes, however small, as if a second core were idle."""
    monkeypatch.setattr(parallel, "MIN_COMPONENTS", 0)
    monkeypatch.setattr(processors, "core_to_spare", lambda: True)


def _designs(tmp_path: Path) -> list[Path]:
    bench = tmp_path / "bench.design"
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--services", "300"],
        capture_output=True,
        text=True,
        check=True,
    )
    bench.write_text(out.stdout)
    return [*sorted(EXAMPLES.rglob("*.design")), bench]


@pytest.mark.parametrize("profile", ["review", "production"])
def test_every_design_gets_the_same_diagnostics_from_two_processes(tmp_path, monkeypatch, profile):
    designs = _designs(tmp_path)
    serial = [check([p], profile=profile).diagnostics for p in designs]
    monkeypatch.setattr(parallel, "MIN_COMPONENTS", 0)
    monkeypatch.setattr(processors, "core_to_spare", lambda: True)
    forked: list[int] = []
    real = parallel._forked
    monkeypatch.setattr(parallel, "_forked", lambda jobs, work: forked.append(1) or real(jobs, work))
    for path, expected in zip(designs, serial, strict=True):
        assert check([path], profile=profile).diagnostics == expected, path.name
    assert len(forked) >= len(designs) - 2, "the rules ran in two processes (a design with an error has no rules)"
    assert sum(len(d) for d in serial) > 200, "the comparison covers many findings"


def test_both_processes_take_jobs_and_every_job_is_done_once(in_two):
    parent = os.getpid()

    def work(job: str) -> tuple[str, bool]:
        time.sleep(0.005)
        return job, os.getpid() == parent

    jobs = [f"J{i:03}" for i in range(60)]
    results = parallel.run(jobs, work, size=10)
    assert list(results) != [] and sorted(results) == jobs
    assert all(results[j][0] == j for j in jobs)
    here = [j for j in jobs if results[j][1]]
    assert 0 < len(here) < len(jobs), "each process took some of the jobs"


def test_below_the_threshold_or_with_no_core_to_spare_nothing_is_forked(monkeypatch: pytest.MonkeyPatch):
    parent = os.getpid()
    jobs = ["A", "B", "C"]
    monkeypatch.setattr(processors, "core_to_spare", lambda: True)
    assert parallel.run(jobs, lambda j: os.getpid() == parent, size=parallel.MIN_COMPONENTS - 1) == dict.fromkeys(
        jobs, True
    )
    monkeypatch.setattr(processors, "core_to_spare", lambda: False)
    assert parallel.run(jobs, lambda j: os.getpid() == parent, size=10**6) == dict.fromkeys(jobs, True)


def test_a_forked_process_that_dies_costs_time_not_results(in_two):
    parent = os.getpid()

    def work(job: str) -> str:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.002)
        return job.lower()

    jobs = [f"J{i}" for i in range(20)]
    assert parallel.run(jobs, work, size=10) == {j: j.lower() for j in jobs}


def test_a_result_that_cannot_be_sent_back_is_worked_out_here(in_two):
    parent = os.getpid()

    def work(job: str) -> object:
        time.sleep(0.002)
        if os.getpid() != parent:
            return lambda: job  # cannot be pickled: the forked process's results are lost
        return job

    jobs = [f"J{i}" for i in range(20)]
    assert parallel.run(jobs, work, size=10) == {j: j for j in jobs}


def test_core_to_spare_reads_how_many_are_running(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """/proc/loadavg's fourth field counts the processes running now, the reader included."""
    if not Path("/proc/loadavg").exists():
        pytest.skip("no /proc/loadavg here")
    import builtins

    real_open = builtins.open
    monkeypatch.setattr(processors, "cores", lambda: 2)

    def loadavg(text: str):
        f = tmp_path / "loadavg"
        f.write_text(text)
        return lambda path, *a, **k: real_open(f if path == "/proc/loadavg" else path, *a, **k)

    monkeypatch.setattr(builtins, "open", loadavg("0.10 0.20 0.30 1/200 4242\n"))
    assert processors.core_to_spare() is True
    monkeypatch.setattr(builtins, "open", loadavg("1.90 1.20 0.30 2/200 4242\n"))
    assert processors.core_to_spare() is False
    monkeypatch.setattr(processors, "cores", lambda: 1)
    monkeypatch.setattr(builtins, "open", loadavg("0.10 0.20 0.30 1/200 4242\n"))
    assert processors.core_to_spare() is False


def test_the_order_names_only_rules_that_exist():
    """`ORDER` is only an order, but a renamed or removed rule left in it would quietly stop counting."""
    from designc.analysis.rule import all_rules

    assert set(parallel.ORDER) <= set(all_rules())
    assert len(set(parallel.ORDER)) == len(parallel.ORDER)
