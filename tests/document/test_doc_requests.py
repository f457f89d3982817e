"""Requests of a file, the project root, and linkedBlock resolution."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from doc_samples import FIXTURES

from wsblock.document import Document, LinkError
from wsblock.document.requests import (
    RequestSpec,
    clean_heading,
    find_project_root,
    group_requests,
    resolve_links,
)
from wsblock.document.views import HeadersTable, HttpRequest, SocketRequest, new_block, view


def _block(node: dict) -> str:
    doc = Document.parse("")
    doc.insert_block(0, node)
    return doc.dump()


def _link(uid: str, original: str, own: str = "link-uid") -> str:
    return _block(
        {"type": "linkedBlock", "attrs": {"uid": own, "blockUid": uid, "originalFile": original}}
    )


def _wss(uid: str, url: str) -> dict:
    node = new_block("wss")
    node["attrs"]["uid"] = uid
    node["content"][1]["content"] = url
    return node


@pytest.fixture
def project(samples: Path, tmp_path: Path) -> Path:
    """A writable copy of the Voiden sample project (it has ``.voiden/``)."""
    root = tmp_path / "project"
    shutil.copytree(samples / "voiden", root)
    for p in root.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    root.chmod(0o755)
    return root


# -- grouping -------------------------------------------------------------------------


def test_echo_void_is_one_websocket_request(samples: Path) -> None:
    doc = Document.load(samples / "wss" / "echo.void")
    (spec,) = group_requests(doc)
    assert isinstance(spec, RequestSpec)
    assert (spec.index, spec.name, spec.kind) == (1, "Echo: a first WebSocket conversation", "wss")
    assert spec.head is doc.blocks[0] and spec.blocks == doc.blocks[1:]
    assert spec.file == samples / "wss" / "echo.void" and spec.line == doc.blocks[0].line == 11
    assert spec.all_blocks == doc.blocks


def test_several_requests_separators_and_loose_blocks() -> None:
    doc = Document.load(FIXTURES / "multi.void")
    specs = group_requests(doc)
    blocks = doc.blocks
    assert [(s.index, s.name, s.kind) for s in specs] == [
        (1, "First request", "wss"),  # emphasis, code marks and emoji are stripped
        (2, "Second one", "wss"),  # no heading since request 1: the separator's label
        (3, "Third request", "http"),  # a setext heading
        (4, "request 4", "grpc"),
    ]
    assert [s.head for s in specs] == [blocks[1], blocks[5], blocks[6], blocks[7]]
    # as in Voiden, a section (between separators) is one request: the headers above
    # the head belong to it (issue 10 item 4)
    assert specs[0].blocks == [blocks[0], blocks[2]]
    assert specs[1].blocks == [blocks[4]]  # the query table after the separator, above the head
    assert specs[3].blocks == [blocks[8]]  # unknown block types stay members
    # three heads in the second section, no separator between them: check says so
    assert not specs[0].warnings
    assert all("share one section" in s.warnings[0] for s in specs[1:])
    assert [s.line for s in specs] == [b.line for b in (blocks[1], blocks[5], blocks[6], blocks[7])]


def test_names_come_from_the_nearest_heading_since_the_previous_request() -> None:
    text = (
        "# File title\n\n## Login\n\nprose\n\n"
        + _block(_wss("a", "wss://a"))
        + "\n### Details of login\n\n"
        + _block(new_block("headers"))
        + "\n```bash\n# not a heading\n```\n\n"
        + _block(_wss("b", "wss://b"))
        + "\n"
        + _block(new_block("separator"))
        + _block(_wss("c", "wss://c"))
        + "\n## [Linked](http://x) <b>name</b> 🚀\n\n"
        + _block(_wss("d", "wss://d"))
    )
    names = [s.name for s in group_requests(Document.parse(text))]
    assert names == ["Login", "Details of login", "request 3", "Linked name"]


def test_http_requests_are_listed(samples: Path) -> None:
    doc = Document.load(samples / "voiden" / "blocks" / "headers.void")
    (spec,) = group_requests(doc)
    assert spec.kind == "http" and isinstance(view(spec.head), HttpRequest)
    assert spec.name == "Game of Headers: Content-Type is Coming"
    assert [b.type for b in spec.blocks] == ["headers-table", "table"]


def test_no_requests() -> None:
    assert group_requests(Document.parse("# Nothing\n\n" + _block(new_block("headers")))) == []
    assert group_requests(Document.parse("")) == []


@pytest.mark.parametrize(
    ("heading", "clean"),
    [
        (
            "🛡️ Initiate Protocol: First Contact with a Block",
            "Initiate Protocol: First Contact with a Block",
        ),
        ("**🧊 The Good, The Bad and The Dev**", "The Good, The Bad and The Dev"),
        ("▶️ Try it out:", "Try it out:"),
        ("_Echo_ `ws` ~~old~~ server 👩🏽‍💻", "Echo ws old server"),
        ("🚀", ""),
    ],
)
def test_clean_heading(heading: str, clean: str) -> None:
    assert clean_heading(heading) == clean


# -- project root ---------------------------------------------------------------------


def test_project_root_prefers_dot_voiden_then_git_then_the_folder(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "api" / ".voiden").mkdir(parents=True)
    (tmp_path / "repo" / "api" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "repo" / "other").mkdir()
    (tmp_path / "loose").mkdir()
    f = tmp_path / "repo" / "api" / "deep" / "er" / "x.void"
    f.write_text("")
    assert find_project_root(f) == tmp_path / "repo" / "api"
    assert find_project_root(tmp_path / "repo" / "other" / "y.void") == tmp_path / "repo"
    assert find_project_root(tmp_path / "loose" / "z.void") == tmp_path / "loose"
    assert find_project_root(tmp_path / "repo" / "api" / "deep") == tmp_path / "repo" / "api"


def test_project_root_of_the_samples(samples: Path) -> None:
    assert find_project_root(samples / "voiden" / "blocks" / "json.void") == samples / "voiden"


# -- links ----------------------------------------------------------------------------


def test_imports_resolve_into_blocks(project: Path) -> None:
    doc = Document.load(project / "imports" / "request-assemblers.void")
    (spec,) = group_requests(doc)
    assert spec.kind == "http" and spec.head.type == "linkedBlock"  # a linked head
    resolved = resolve_links(spec)
    assert resolved is not spec and spec.head.type == "linkedBlock"
    assert (
        resolved.head.type == "request"
        and resolved.head.uid == "90fca34b-0a6f-4b3e-a1bd-a3e3840bb4d8"
    )
    assert resolved.head.source == project / "blocks" / "json.void"
    types = [b.type for b in resolved.blocks]
    # the section's blocks, the fileLink above the head included (Voiden's grouping)
    assert types == [
        "fileLink",
        "fileLink",
        "headers-table",
        "fileLink",
        "query-table",
        "fileLink",
        "json_body",
        "table",
    ]
    headers = view(resolved.blocks[2])
    assert isinstance(headers, HeadersTable) and headers.rows[1].cells == [
        "Content-Type",
        "application/json",
    ]
    assert resolved.blocks[2].source == project / "blocks" / "headers.void"
    assert resolved.blocks[0] is spec.blocks[0]  # blocks that are not links are the same objects


def test_a_linked_head_from_the_start_file(project: Path) -> None:
    doc = Document.load(project / "imports" / "initiate-protocol..void")
    (spec,) = group_requests(doc)
    resolved = resolve_links(spec, project)
    assert isinstance(view(resolved.head), HttpRequest)
    assert view(resolved.head).url == "https://echo.apyhub.com"  # type: ignore[attr-defined]


def test_links_need_a_root_to_head_requests(project: Path) -> None:
    text = (project / "imports" / "initiate-protocol..void").read_text()
    assert group_requests(Document.parse(text)) == []  # unsaved: links are not followed
    assert len(group_requests(Document.parse(text), project)) == 1


def test_a_missing_file_names_the_target_uid_and_the_link(project: Path) -> None:
    path = project / "mine.void"
    path.write_text(
        _block(_wss("head", "wss://x")) + "\n" + _link("some-uid", "/blocks/missing.void")
    )
    doc = Document.load(path)
    (spec,) = group_requests(doc)
    line = doc.blocks[-1].line
    with pytest.raises(LinkError) as e:
        resolve_links(spec)
    err = e.value
    assert err.target == "/blocks/missing.void" and err.uid == "some-uid"
    assert err.source == path and err.line == line
    message = str(err)
    assert message.startswith(f"{path}:{line}: ")
    assert (
        "/blocks/missing.void" in message and "some-uid" in message and "does not exist" in message
    )


def test_a_missing_uid_names_the_target_uid_and_the_link(project: Path) -> None:
    path = project / "mine.void"
    path.write_text(
        _block(_wss("head", "wss://x")) + "prose\n" + _link("nope", "/blocks/headers.void")
    )
    doc = Document.load(path)
    (spec,) = group_requests(doc)
    line = doc.blocks[-1].line
    with pytest.raises(LinkError) as e:
        resolve_links(spec)
    assert str(e.value) == (
        f"{path}:{line}: linked block nope not found in /blocks/headers.void "
        f"(looked in {project / 'blocks' / 'headers.void'}; the link is at {path}:{line})"
    )


def test_a_target_that_does_not_parse(project: Path) -> None:
    (project / "broken.void").write_text("```void\n---\ntype: [\n---\n```\n")
    path = project / "mine.void"
    path.write_text(_block(_wss("head", "wss://x")) + _link("x", "/broken.void"))
    (spec,) = group_requests(Document.load(path))
    with pytest.raises(LinkError) as e:
        resolve_links(spec)
    assert "/broken.void" in str(e.value) and "cannot be read" in str(e.value)
    assert "broken.void:4: invalid YAML" in str(e.value)


def test_links_to_links_are_followed_and_cycles_are_found(project: Path) -> None:
    (project / "a.void").write_text(_link("in-b", "/b.void", own="in-a"))
    (project / "b.void").write_text(_link("in-c", "/c.void", own="in-b"))
    c_node = new_block("headers")
    c_node["attrs"]["uid"] = "in-c"
    (project / "c.void").write_text(_block(c_node))
    path = project / "mine.void"
    path.write_text(_block(_wss("head", "wss://x")) + _link("in-a", "/a.void"))
    (spec,) = group_requests(Document.load(path))
    resolved = resolve_links(spec)
    assert (
        resolved.blocks[0].type == "headers-table"
        and resolved.blocks[0].source == project / "c.void"
    )

    (project / "c.void").write_text(_link("in-a", "/a.void", own="in-c"))
    (spec,) = group_requests(Document.load(path))
    with pytest.raises(LinkError) as e:
        resolve_links(spec)
    assert "cycle" in str(e.value) and "a.void" in str(e.value) and "c.void" in str(e.value)


def test_a_link_without_attributes(project: Path) -> None:
    path = project / "mine.void"
    path.write_text(
        _block(_wss("head", "wss://x")) + _block({"type": "linkedBlock", "attrs": {"uid": "l"}})
    )
    (spec,) = group_requests(Document.load(path))
    with pytest.raises(LinkError) as e:
        resolve_links(spec)
    assert "no attrs.originalFile" in str(e.value)


def test_a_linked_websocket_head_and_a_linked_separator(project: Path) -> None:
    (project / "lib.void").write_text(
        _block(_wss("lib-head", "wss://lib"))
        + _block({"type": "request-separator", "attrs": {"uid": "lib-sep"}})
    )
    path = project / "mine.void"
    path.write_text(
        "## From the library\n\n"
        + _link("lib-head", "/lib.void", own="l1")
        + _block(new_block("headers"))
        + _link("lib-sep", "/lib.void", own="l2")
        + _block(new_block("query"))
    )
    (spec,) = group_requests(Document.load(path))
    assert (spec.name, spec.kind, len(spec.blocks)) == ("From the library", "wss", 1)
    head = resolve_links(spec).head
    assert isinstance(view(head), SocketRequest) and view(head).url == "wss://lib"  # type: ignore[attr-defined]


def test_a_link_outside_the_project_is_refused(project: Path) -> None:
    (project.parent / "secret.void").write_text(
        _block({"type": "headers-table", "attrs": {"uid": "s"}})
    )
    path = project / "mine.void"
    path.write_text(_block(_wss("head", "wss://x")) + _link("s", "/../secret.void"))
    (spec,) = group_requests(Document.load(path))
    with pytest.raises(LinkError) as e:
        resolve_links(spec)
    assert "outside the project" in str(e.value)
