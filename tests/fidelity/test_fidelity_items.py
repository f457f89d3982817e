"""Issue 10: every Voiden file runs as Voiden runs it (one test per item, named after it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fidelity_files import messages, rows, write, wsblock, wss

from wsblock.document import Document
from wsblock.document.requests import group_requests
from wsblock.document.views import SocketMessages, SocketOptions, new_block, view
from wsblock.variables.sources import load_variables

MSG = ("hello", "json", '{"op": "hello"}')


def test_item1_our_blocks_are_yaml_code_fences_with_the_same_views(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.void",
        wss("ws://h/x"),
        rows("socket-options", ["ping-interval", "5"]),
        messages(MSG),
    )
    text = f.read_text()
    assert "```yaml\ntype: socket-options\n" in text and "```yaml\ntype: socket-messages\n" in text
    assert "```void\n---\ntype: socket-options" not in text
    doc = Document.load(f)
    opts, msgs = (view(b) for b in doc.blocks[1:])
    assert isinstance(opts, SocketOptions) and opts.rows[0].cells == ["ping-interval", "5"]
    assert isinstance(msgs, SocketMessages) and msgs.items[0].content == '{"op": "hello"}'
    # editing through the views keeps the form; the old form is read and migrated by fmt
    doc.blocks[1].set_node(opts.set_cell(0, 1, "7"))
    assert Document.parse(doc.dump()).blocks[1].node == doc.blocks[1].node
    old = text.replace("```yaml\ntype: socket-options\n", "```void\n---\ntype: socket-options\n", 1)
    old = re.sub(r"(type: socket-options\n.*?\n)```", r"\1---\n```", old, count=1, flags=re.S)
    (tmp_path / "old.void").write_text(old)
    assert view(Document.load(tmp_path / "old.void").blocks[1]).rows[0].cells == [
        "ping-interval",
        "5",
    ]
    assert wsblock("fmt", "--check", str(tmp_path / "old.void")).returncode == 1
    assert wsblock("fmt", str(tmp_path / "old.void")).returncode == 0
    assert (tmp_path / "old.void").read_text() == text


def test_item1_a_yaml_fence_of_prose_stays_prose() -> None:
    doc = Document.parse("# x\n\n```yaml\ntype: something\n```\n")
    assert doc.blocks == [] and doc.dump() == "# x\n\n```yaml\ntype: something\n```\n"


def test_item2_an_unresolved_link_is_an_error_not_a_vanished_request(tmp_path: Path) -> None:
    (tmp_path / ".voiden").mkdir()
    link = {
        "type": "linkedBlock",
        "attrs": {"uid": "l1", "blockUid": "nope", "originalFile": "/gone.void"},
    }
    f = write(tmp_path / "a.void", "# Linked\n\n", link)
    r = wsblock("check", str(f))
    assert r.returncode == 2, r.stdout
    assert (
        "gone.void" in r.stdout
        and str(tmp_path / "gone.void") in r.stdout
        and "a.void:" in r.stdout
    )
    empty = write(tmp_path / "b.void", "# Nothing\n\n", rows("headers", ["A", "1"]))
    assert "no block of this file is a runnable request" in wsblock("check", str(empty)).stdout


def test_item3_project_root_is_found_from_dot_voiden(tmp_path: Path) -> None:
    from wsblock.document.requests import find_project_root

    (tmp_path / ".voiden").mkdir()
    (tmp_path / "sub").mkdir()
    assert find_project_root(tmp_path / "sub" / "x.void") == tmp_path


def test_item3_project_option_sets_the_root_for_links(tmp_path: Path) -> None:
    lib = write(tmp_path / "proj" / "lib" / "h.void", rows("headers", ["X-Lib", "1"]))
    uid = Document.load(lib).blocks[0].uid
    link = {
        "type": "linkedBlock",
        "attrs": {"uid": "l1", "blockUid": uid, "originalFile": "/lib/h.void"},
    }
    f = write(tmp_path / "proj" / "req" / "a.void", wss("ws://h/x"), link)  # no .voiden/ nor .git
    assert wsblock("check", str(f)).returncode == 2  # the root is the file's folder: not found
    r = wsblock("check", "--project", str(tmp_path / "proj"), str(f))
    assert r.returncode == 0 and "header   X-Lib: 1" in r.stdout, r.stdout


def test_item3_app_project_and_folder_set_the_root(tmp_path: Path) -> None:
    from wsblock.app import make_app
    from wsblock.conversation.workspace import EnvChoice

    (tmp_path / "sub").mkdir()
    app = make_app(tmp_path / "sub" / "a.void", EnvChoice(project=tmp_path))
    assert app.project.root == tmp_path
    assert make_app(tmp_path / "sub").project.root == tmp_path / "sub"  # the folder opened


def test_item4_grouping_a_section_is_one_request(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.void",
        rows("headers", ["X-Above", "1"]),
        wss("ws://h/a"),
        new_block("separator"),
        wss("ws://h/b"),
        wss("ws://h/c"),
    )
    specs = group_requests(Document.load(f))
    assert [b.type for b in specs[0].blocks] == ["headers-table"]  # the table above the head
    assert not specs[0].warnings and "share one section" in specs[1].warnings[0]
    r = wsblock("check", str(f))
    assert "header   X-Above: 1" in r.stdout and "warning  2 requests" in r.stdout


def test_item5_linked_file_is_expanded(tmp_path: Path) -> None:
    (tmp_path / ".voiden").mkdir()
    sep = new_block("separator")
    write(
        tmp_path / "lib.void",
        new_block("separator"),
        rows("headers", ["X-All", "1"]),
        sep,
        rows("headers", ["X-Section", "2"]),
    )
    whole = {
        "type": "linkedFile",
        "attrs": {"uid": "f1", "originalFile": "/lib.void", "sectionUid": None},
    }
    part = {
        "type": "linkedFile",
        "attrs": {"uid": "f2", "originalFile": "/lib.void", "sectionUid": sep["attrs"]["uid"]},
    }
    f = write(tmp_path / "a.void", wss("ws://h/a"), part)
    (spec,) = group_requests(Document.load(f))
    assert [view(b).rows[0].cells for b in spec.blocks] == [["X-Section", "2"]]
    g = write(tmp_path / "b.void", wss("ws://h/a"), whole)
    specs = group_requests(Document.load(g))
    assert [view(b).rows[0].cells for b in specs[0].blocks] == [
        ["X-All", "1"]
    ]  # then the separator
    bad = write(
        tmp_path / "c.void",
        wss("ws://h/a"),
        {"type": "linkedFile", "attrs": {"uid": "f3", "originalFile": "/missing.void"}},
    )
    r = wsblock("check", str(bad))
    assert r.returncode == 2 and "missing.void" in r.stdout


def test_item6_faker_process_and_unresolved_variables(tmp_path: Path) -> None:
    (tmp_path / ".voiden").mkdir()
    (tmp_path / ".voiden" / ".process.env.json").write_text(
        json.dumps({"__global__": {"token": "abc"}})
    )
    v = load_variables(tmp_path)
    assert v.substitute("{{process.token}}") == "abc"
    a, b = v.substitute("{{$faker.string.uuid()}}"), v.substitute("{{$faker.string.uuid()}}")
    assert a != b and re.fullmatch(r"[0-9a-f-]{36}", a)
    n = int(v.substitute("{{$faker.number.int({ min: 3, max: 4 })}}"))
    assert n in (3, 4)
    f = write(tmp_path / "a.void", wss("ws://h/{{$faker.nosuch.thing()}}"))
    r = wsblock("check", str(f))
    assert r.returncode == 2 and "faker" in r.stdout
    g = write(tmp_path / "b.void", wss("ws://h/{{process.missing}}"))
    r = wsblock("check", str(g))
    assert r.returncode == 2 and "process.missing" in r.stdout
    h = write(tmp_path / "c.void", wss("ws://h/{{ not a name! }}"))
    assert wsblock("check", str(h)).returncode == 2


def test_item7_environment_names_as_voiden_writes_them(tmp_path: Path) -> None:
    (tmp_path / ".voiden").mkdir()
    (tmp_path / "env-public.yaml").write_text(  # an old root-level env file
        "dev:\n  variables:\n    A: '1'\n  children:\n    eu:\n      variables:\n        B: '2'\n"
    )
    v = load_variables(tmp_path, environment="dev.eu")
    assert v.values["A"] == "1" and v.values["B"] == "2"
    assert load_variables(tmp_path, environment="dev/eu").values["B"] == "2"
    # read as YAML 1.2 core, as Voiden reads it
    (tmp_path / ".voiden" / "env-public.yaml").write_text(
        "dev:\n  variables:\n    PIN: 0123\n    OCT: 010\n    FLAG: on\n    TIME: 1:30\n"
    )
    v = load_variables(tmp_path, environment="dev")
    assert (v.values["PIN"], v.values["OCT"], v.values["FLAG"], v.values["TIME"]) == (
        "123",
        "10",
        "on",
        "1:30",
    )


def test_item8_method_names(tmp_path: Path) -> None:
    for method in ("WS", "ws", "wss", "WSS"):
        node = view(wss("ws://127.0.0.1:1/x")).with_method(method)
        f = write(tmp_path / f"{method}.void", node)
        assert wsblock("check", str(f)).returncode == 0, method


def test_item9_fmt_quotes_exactly_what_voiden_quotes(tmp_path: Path) -> None:
    f = tmp_path / "v.void"
    f.write_text(
        "---\nversion: 0.20.1\ngeneratedBy: Voiden app\ngeneratedAt: 2025-04-01T07:33:37.478Z\n---\n\n"
        '```void\n---\ntype: headers-table\nattrs:\n  uid: h1\n  importedFrom: ""\ncontent:\n'
        "  - type: table\n    rows:\n      - attrs:\n          disabled: false\n        row:\n"
        "          - on\n          - 1:30\n      - attrs:\n          disabled: false\n        row:\n"
        "          - yes\n          - 2025-04-01\n---\n```\n"
    )
    assert wsblock("fmt", "--check", str(f)).returncode == 0  # Voiden writes these plain
    doc = Document.load(f)
    assert view(doc.blocks[0]).rows[0].cells == ["on", "1:30"]  # read as YAML 1.2
    doc.set_front_matter(doc.front_matter)
    assert "generatedAt: 2025-04-01T07:33:37.478Z\n" in doc.dump()


def test_item9_new_blocks_have_voidens_attributes() -> None:
    smethod = new_block("wss")["content"][0]
    assert smethod["attrs"]["importedFrom"] == "" and smethod["attrs"]["visible"] is True
    assert "oauth2Config" in new_block("auth-bearer")["attrs"]


def test_item10_voiden_assertion_names(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.void",
        wss("ws://h/x"),
        rows(
            "assertions",
            ["s", "statusCode", "equals", "101"],
            ["h", "header.Upgrade", "equals", "websocket"],
            ["t", "responseTime", "lessThan", "5000"],
            ["e", "subprotocol", "isNotEmpty", ""],
        ),
    )
    r = wsblock("check", str(f))
    assert r.returncode == 0, r.stdout
    assert "status equals 101" in r.stdout and "headers.Upgrade equals websocket" in r.stdout
    assert "responseTime lessThan 5000" in r.stdout and "not-empty" in r.stdout


def test_item11_u2028_and_del_load(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.void",
        "# a\u2028b\x7f\n\n",
        wss("ws://h/x"),
        messages(("m\u2028", "text", "a\u2028b\x7fc\x85d")),
    )
    doc = Document.load(f)
    assert view(doc.blocks[1]).items[0].content == "a\u2028b\x7fc\x85d"
    assert doc.dump() == f.read_bytes().decode("utf-8")
    r = wsblock("check", str(f))
    assert r.returncode == 0 and "message  m" in r.stdout, r.stdout + r.stderr
