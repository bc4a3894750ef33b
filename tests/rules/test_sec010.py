"""SEC010: backups of classified data that are not encrypted."""

from __future__ import annotations

from conftest import findings


def assert_clean(checked, code):
    """No finding of `code`, in a design the front end accepted (so a typo cannot make a test pass)."""
    front = [d.message for d in checked.diagnostics if d.code[:3] in ("DEF", "IMP", "INT", "REF", "SYN", "VAL")]
    assert not front, front
    assert findings(checked, code) == []


FAILING = """\
system s {
  region r { zones [a, b, c] }
  store ledger {
    engine postgres
    data [pci, pii]
    encryption_at_rest on
    backup { pitr on; retention 35d }
  }
}
"""

FIXED = FAILING.replace("retention 35d }", "retention 35d; encrypted on }")


def test_flags_unencrypted_backup_of_classified_store(check_design):
    (d,) = findings(check_design(FAILING), "SEC010")
    assert d.message == "store `ledger` holds pci and pii data and its backups state no encryption"
    assert d.span.line == 3
    assert d.fingerprint == "SEC010:s/store:ledger/backup"
    assert d.severity == "warning"


def test_fixed_design_is_clean(check_design):
    assert_clean(check_design(FIXED), "SEC010")


def test_backup_encryption_turned_off(check_design):
    (d,) = findings(check_design(FAILING.replace("retention 35d }", "retention 35d; encrypted off }")), "SEC010")
    assert d.message == "store `ledger` holds pci and pii data and its backups are not encrypted (`encrypted off`)"


def test_no_backup_or_no_classified_data(check_design):
    assert_clean(check_design(FAILING.replace("    backup { pitr on; retention 35d }\n", "")), "SEC010")
    assert_clean(check_design(FAILING.replace("data [pci, pii]", "data [public]")), "SEC010")


def test_queue_backups_are_checked(check_design):
    text = """\
system s {
  region r { zones [a, b] }
  queue jobs { engine sqs; data [phi]; encryption_at_rest on; backup { interval 1h } }
}
"""
    (d,) = findings(check_design(text), "SEC010")
    assert d.fingerprint == "SEC010:s/queue:jobs/backup"
