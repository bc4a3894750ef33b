"""Files into designs: reading bytes safely, imports, cycles, the root boundary, folders of designs."""

from __future__ import annotations

from pathlib import Path

from designc.driver import check


def test_imports_are_relative_to_the_importing_file(check_language):
    r = check_language(
        'import "lib/stores.design"\nsystem s { service a { calls db } }\n',
        files={
            "lib/stores.design": 'import "more"\nstore db { engine postgres }\n',
            "lib/more.design": "define service x {}\n",
        },
    )
    assert r.codes == []
    assert r.model.files == ["lib/more.design", "lib/stores.design", "main.design"]


def test_missing_import(check_language):
    r = check_language('import "lib/store.design"\nsystem s {}\n', files={"lib/stores.design": "define service x {}\n"})
    d = r.only("IMP001")
    assert (d.span.line, d.span.column) == (1, 8)
    assert any("stores.design" in h for h in d.hints)


def test_importing_a_folder_says_it_is_a_folder_and_how_to_name_a_file(check_language):
    r = check_language('import "lib"\nsystem s {}\n', files={"lib/stores.design": "define service x {}\n"})
    d = r.only("IMP001")
    assert d.message == "`lib` is a folder: an import names one file" and (d.span.line, d.span.column) == (1, 8)
    assert d.hints == ['name each file: `import "lib/stores.design"`']


def test_missing_stdlib_module(check_language):
    d = check_language('import "stdlib/awss"\nsystem s {}\n').only("IMP001")
    assert 'did you mean `"stdlib/aws"`?' in d.hints


def test_import_cycle_is_an_error_not_a_hang(check_language):
    r = check_language('import "b"\nsystem s {}\n', files={"b.design": 'import "c"\n', "c.design": 'import "b"\n'})
    d = r.only("IMP002")
    assert "b.design → c.design → b.design" in d.message


def test_self_import_is_a_cycle(check_language):
    assert check_language('import "main"\nsystem s {}\n').only("IMP002")


def test_import_escaping_the_root_is_refused(tmp_path):
    secret = tmp_path / "secret.design"
    secret.write_text("define service x {}\n")
    design = tmp_path / "d" / "main.design"
    design.parent.mkdir()
    design.write_text('import "../secret.design"\nsystem s {}\n')
    r = check([design], analysis=False)
    assert [d.code for d in r.diagnostics] == ["IMP003"]
    # widening the root allows it
    r = check([design], root=tmp_path, analysis=False)
    assert r.diagnostics == []


def test_symlink_out_of_the_root_is_refused(tmp_path):
    outside = tmp_path / "outside.design"
    outside.write_text("define service x {}\n")
    d = tmp_path / "d"
    d.mkdir()
    (d / "link.design").symlink_to(outside)
    (d / "main.design").write_text('import "link.design"\nsystem s {}\n')
    r = check([d / "main.design"], analysis=False)
    assert "IMP003" in [x.code for x in r.diagnostics]


def test_import_needs_a_quoted_path(check_language):
    assert check_language("import stdlib\nsystem s {}\n").only("VAL003")


def test_empty_and_binary_and_non_utf8_files(tmp_path):
    cases = {
        "empty.design": b"",
        "blank.design": b"\n  \n# comment\n",
        "bin.design": b"system \x00\x01\x02",
        "latin1.design": "system caf\xe9 {}\n".encode("latin-1"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    for name in cases:
        r = check([tmp_path / name], analysis=False)
        codes = [d.code for d in r.diagnostics]
        assert codes == ["SYN007"] if "empty" in name or "blank" in name else codes == ["SYN006"], (name, codes)
    d = check([tmp_path / "latin1.design"], analysis=False).diagnostics[0]
    assert (d.span.line, d.span.column) == (1, 11)


def test_utf8_bom_is_accepted(tmp_path):
    p = tmp_path / "bom.design"
    p.write_bytes(b"\xef\xbb\xbfsystem s {}\n")
    assert check([p], analysis=False).diagnostics == []


def test_folder_with_one_system_is_one_design(tmp_path):
    (tmp_path / "a.design").write_text("system s {\n  region r { zones [a] }\n}\n")
    (tmp_path / "b.design").write_text("service api { calls db; placement r }\n")
    (tmp_path / "c.design").write_text("store db { engine postgres }\n")
    r = check([tmp_path], analysis=False)
    assert r.diagnostics == []
    assert len(r.designs) == 1
    assert sorted(c.name for c in r.designs[0].model.components) == ["api", "db"]


def test_folder_with_several_systems_holds_several_designs(tmp_path):
    (tmp_path / "one.design").write_text('import "shared"\nsystem one { service a { calls db } }\n')
    (tmp_path / "two.design").write_text('import "shared"\nsystem two { service b { calls db } }\n')
    (tmp_path / "shared.design").write_text("store db { engine postgres }\n")
    (tmp_path / "lib.design").write_text("define service base { replicas 2 }\n")
    r = check([tmp_path], analysis=False)
    assert r.diagnostics == []
    names = sorted(d.model.system.name for d in r.designs if d.model and d.model.system)
    assert names == ["one", "two"]
    assert len(r.designs) == 3  # two systems and the library nobody imports


def test_nested_folders_are_searched_and_hidden_ones_skipped(tmp_path):
    (tmp_path / "x" / "y").mkdir(parents=True)
    (tmp_path / "x" / "y" / "s.design").write_text("system s {}\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "bad.design").write_text("this is { not valid\n")
    r = check([tmp_path], analysis=False)
    assert r.diagnostics == [] and len(r.designs) == 1


def test_a_file_in_two_designs_is_reported_once(tmp_path):
    (tmp_path / "one.design").write_text('import "shared"\nsystem one {}\n')
    (tmp_path / "two.design").write_text('import "shared"\nsystem two {}\n')
    (tmp_path / "shared.design").write_text("service a { calls nothing }\n")
    r = check([tmp_path], analysis=False)
    assert [d.code for d in r.diagnostics] == ["REF001"]


def test_stdlib_files_check_clean():
    root = Path(__file__).resolve().parent.parent / "stdlib"
    r = check([root], analysis=False)
    assert r.diagnostics == []
    assert len(r.designs) >= 3


def test_a_file_two_designs_import_is_resolved_whole_for_each(tmp_path):
    """The syntax tree is let go as the model is built only when one design is checked: a shared file must reach
    the second design intact."""
    from designc.driver import check

    (tmp_path / "shared.design").write_text('service auth {\n  replicas 3\n  owner "identity"\n}\n')
    for name in ("a", "b"):
        (tmp_path / f"{name}.design").write_text(
            f'import "shared.design"\nsystem {name} {{\n  region r {{ zones [a, b] }}\n'
            "  service web {\n    calls auth { timeout 100ms }\n  }\n}\n"
        )
    result = check([tmp_path], analysis=False)
    models = [d.model for d in result.designs if d.model is not None]
    assert len(models) == 2, [d.message for d in result.diagnostics]
    for m in models:
        auth = next(c for c in m.components if c.name == "auth")
        assert auth.replicas is not None and auth.replicas.min == 3 and auth.owner == "identity"
