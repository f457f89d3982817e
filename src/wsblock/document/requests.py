"""A file's requests, its project root, and ``linkedBlock`` resolution.

* :func:`group_requests` -- a request is a ``socket-request`` (or HTTP ``request``)
  block plus the blocks after it, up to the next ``socket-request``, ``request`` or
  ``request-separator``. Blocks before the first request belong to none. A
  ``linkedBlock`` that stands for a ``socket-request`` or ``request`` heads a
  request too (Voiden's "assemble a request from blocks of other files").
* :func:`find_project_root` -- the nearest folder upwards holding ``.voiden/``,
  else ``.git``, else the file's own folder.
* :func:`resolve_links` -- each ``linkedBlock`` of a request replaced by the block
  it names, recursively; :class:`LinkError` names the missing file or uid and
  where the link stands.
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DocumentError, LinkError, place
from .model import Block, Document, FrontMatter
from .views import LinkedBlock, RequestSeparator, SocketRequest, view

__all__ = ["LinkError", "RequestSpec", "clean_heading", "find_project_root", "group_requests",
           "resolve_links"]

HEAD_TYPES = ("socket-request", "request")
SEPARATOR_TYPE = "request-separator"
LINK_TYPE = "linkedBlock"
#: The label Voiden gives every new separator: no name for a request.
_DEFAULT_SEPARATOR_LABEL = "new request"


@dataclass
class RequestSpec:
    """One request of a file, its links not yet resolved (see :func:`resolve_links`).

    * ``index``: 1-based, in file order; ``name``: the nearest Markdown heading
      above it (since the previous request), else its separator's label, else
      ``"request N"``.
    * ``kind``: ``"wss"``, ``"grpc"`` or ``"http"`` (for a linked head: the kind of
      the block it stands for; ``"wss"`` when that cannot be read yet).
    * ``head``: the ``socket-request``/``request`` block (or the ``linkedBlock``
      standing for it); ``blocks``: the blocks after it, in order.
    * ``file``: the document's path; ``line``: the head's line.
    """

    index: int
    name: str
    kind: str
    head: Block
    blocks: list[Block] = field(default_factory=list)
    file: Path | None = None
    line: int = 0

    @property
    def all_blocks(self) -> list[Block]:
        """The head, then the other blocks."""
        return [self.head, *self.blocks]


# ---------------------------------------------------------------------------------------
# Project root
# ---------------------------------------------------------------------------------------


def find_project_root(path: str | Path) -> Path:
    """The nearest folder upwards holding ``.voiden/``, else ``.git``, else the file's folder.

    ``path`` is a file (or a folder, which is searched from itself). The result is
    absolute.
    """
    p = Path(path).expanduser().absolute()
    start = p if p.is_dir() else p.parent
    folders = [start, *start.parents]
    for d in folders:
        if (d / ".voiden").is_dir():
            return d
    for d in folders:
        if (d / ".git").exists():
            return d
    return start


# ---------------------------------------------------------------------------------------
# Grouping
# ---------------------------------------------------------------------------------------

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")
_NOT_PARAGRAPH = re.compile(r" {0,3}(?:[-+*>]|\d{1,9}[.)]|#{1,6}(?:[ \t]|$)|`{3,}|~{3,}|<)|\s*$")


def _headings(text: str) -> list[str]:
    """The Markdown headings (ATX and setext) of a prose run, outside code fences."""
    out: list[str] = []
    fence: tuple[str, int] | None = None
    prev = ""
    for raw in text.split("\n"):
        line = raw.rstrip("\r").lstrip("\ufeff")
        if fence is not None:
            m = _FENCE_CLOSE.fullmatch(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= fence[1]:
                fence = None
            prev = ""
            continue
        m = _FENCE_OPEN.fullmatch(line)
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            fence = (m.group(1)[0], len(m.group(1)))
            prev = ""
            continue
        m = _ATX.fullmatch(line)
        if m:
            out.append(m.group(2) or "")
            prev = ""
            continue
        if prev and _SETEXT.fullmatch(line) and not _NOT_PARAGRAPH.match(prev):
            out.append(prev.strip())
            prev = ""
            continue
        prev = line
    return out


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"(\*\*|__|\*|_|~~|`)")
_TAG = re.compile(r"<[^>]+>")


def clean_heading(text: str) -> str:
    """A heading as plain text: links, emphasis, code marks, HTML tags and emoji removed."""
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _MARKUP.sub("", text)
    kept = []
    for c in text:
        o = ord(c)
        if unicodedata.category(c) in ("So", "Cs", "Co") or o in (0x200D, 0xFE0E, 0xFE0F, 0x20E3):
            continue
        if 0x1F3FB <= o <= 0x1F3FF or 0xE0020 <= o <= 0xE007F:  # skin tones, tag characters
            continue
        kept.append(c)
    return " ".join("".join(kept).split())


def group_requests(doc: Document, project_root: str | Path | None = None) -> list[RequestSpec]:
    """The requests of ``doc``, in file order (see the module docstring).

    To tell whether a ``linkedBlock`` heads a request, the file it names is read
    from ``project_root`` (default: :func:`find_project_root` of the document's
    path; for an unsaved document links are never heads). A link that cannot be
    read is an ordinary member here; :func:`resolve_links` reports it.
    """
    root: Path | None = None
    if project_root is not None:
        root = Path(project_root)
    elif doc.path is not None:
        root = find_project_root(doc.path)
    peek = _LinkPeek(root)

    specs: list[RequestSpec] = []
    current: RequestSpec | None = None
    heading = ""  # the last heading seen since the previous request's head
    label = ""  # the label of a separator seen since then
    for seg in doc.segments:
        if isinstance(seg, FrontMatter):
            continue
        if isinstance(seg, str):
            for h in _headings(seg):
                h = clean_heading(h)
                if h:
                    heading = h
            continue
        kind = _head_kind(seg, peek)
        if kind is not None:
            n = len(specs) + 1
            current = RequestSpec(n, heading or label or f"request {n}", kind, seg,
                                  file=doc.path, line=seg.line)
            specs.append(current)
            heading = label = ""
        elif _is_separator(seg, peek):
            current = None
            sep = view(seg)
            text = sep.label if isinstance(sep, RequestSeparator) else ""
            label = text if text.lower() != _DEFAULT_SEPARATOR_LABEL else ""
        elif current is not None:
            current.blocks.append(seg)
    return specs


def _head_kind(block: Block, peek: _LinkPeek) -> str | None:
    target = peek(block) if block.type == LINK_TYPE else block
    if target is None or target.type not in HEAD_TYPES:
        return None
    if target.type == "request":
        return "http"
    v = view(target)
    return "grpc" if isinstance(v, SocketRequest) and v.is_grpc else "wss"


def _is_separator(block: Block, peek: _LinkPeek) -> bool:
    if block.type == LINK_TYPE:
        target = peek(block)
        return target is not None and target.type == SEPARATOR_TYPE
    return block.type == SEPARATOR_TYPE


class _LinkPeek:
    """The block a ``linkedBlock`` stands for, or None; files read once."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.docs: dict[Path, Document | None] = {}

    def __call__(self, block: Block) -> Block | None:
        seen: set[tuple[str, str]] = set()
        while block.type == LINK_TYPE and self.root is not None:
            link = view(block)
            assert isinstance(link, LinkedBlock)
            key = (link.original_file, link.block_uid)
            if not all(key) or key in seen:
                return None
            seen.add(key)
            path = _target_path(self.root, link.original_file)
            if path is None:
                return None
            if path not in self.docs:
                try:
                    self.docs[path] = Document.load(path)
                except (OSError, DocumentError):
                    self.docs[path] = None
            doc = self.docs[path]
            found = doc.find(link.block_uid) if doc is not None else None
            if found is None:
                return None
            block = found
        return block if block.type != LINK_TYPE else None


# ---------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------


def _target_path(root: Path, original_file: str) -> Path | None:
    """``/blocks/headers.void`` -> ``<root>/blocks/headers.void``; None if it leaves the root."""
    base = Path(os.path.normpath(root))
    target = Path(os.path.normpath(base / original_file.replace("\\", "/").lstrip("/")))
    return target if target == base or target.is_relative_to(base) else None


def resolve_links(spec: RequestSpec, project_root: str | Path | None = None) -> RequestSpec:
    """A copy of ``spec`` with every ``linkedBlock`` (head included) replaced by its block.

    ``originalFile`` is taken from ``project_root`` (default: the root of
    ``spec.file``, else the current folder). A link to a link is followed; a cycle,
    a missing file, a file that does not parse or a missing uid is a
    :class:`LinkError` naming the target file, the uid and where the link stands
    (``file:line``). Blocks that are not links are kept as they are (the same
    objects).
    """
    if project_root is not None:
        root = Path(project_root)
    elif spec.file is not None:
        root = find_project_root(spec.file)
    else:
        root = Path.cwd()
    docs: dict[Path, Document] = {}
    head = _resolve(spec.head, root, docs, spec.file, [])
    blocks = [_resolve(b, root, docs, spec.file, []) for b in spec.blocks]
    return dataclasses.replace(spec, head=head, blocks=blocks)


def _resolve(block: Block, root: Path, docs: dict[Path, Document], file: Path | None,
             chain: list[tuple[Path, str, str]]) -> Block:
    if block.type != LINK_TYPE:
        return block
    link = view(block)
    assert isinstance(link, LinkedBlock)
    source = block.source or file
    here = place(source, block.line)
    uid, original = link.block_uid, link.original_file
    if not original:
        raise LinkError(f"the linkedBlock at {here} has no attrs.originalFile", uid=uid or None,
                        source=source, line=block.line)
    if not uid:
        raise LinkError(f"the linkedBlock at {here} has no attrs.blockUid", target=original,
                        source=source, line=block.line)
    path = _target_path(root, original)
    if path is None:
        raise LinkError(f"the linkedBlock at {here} names {original}, which is outside the project {root}",
                        target=original, uid=uid, source=source, line=block.line)
    key = (path.resolve(), uid)
    if any((p, u) == key for p, u, _ in chain):
        steps = " -> ".join(w for _, _, w in chain)
        raise LinkError(f"linked blocks form a cycle: {steps} -> {here} (block {uid} of {original})",
                        target=original, uid=uid, source=source, line=block.line)
    doc = docs.get(key[0])
    if doc is None:
        try:
            doc = Document.load(path)
        except FileNotFoundError:
            raise LinkError(
                f"linked block {uid} not found: {original} does not exist "
                f"(looked for {path}; the link is at {here})",
                target=original, uid=uid, source=source, line=block.line,
            ) from None
        except (OSError, DocumentError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            raise LinkError(
                f"linked block {uid} of {original} cannot be read: {reason} (the link is at {here})",
                target=original, uid=uid, source=source, line=block.line,
            ) from None
        docs[key[0]] = doc
    target = doc.find(uid)
    if target is None:
        raise LinkError(
            f"linked block {uid} not found in {original} (the link is at {here})",
            target=original, uid=uid, source=source, line=block.line,
        )
    return _resolve(target, root, docs, doc.path, [*chain, (key[0], uid, here)])
