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

__all__ = [
    "LinkError",
    "RequestSpec",
    "clean_heading",
    "find_project_root",
    "group_requests",
    "resolve_links",
]

HEAD_TYPES = ("socket-request", "request")
SEPARATOR_TYPE = "request-separator"
LINK_TYPE = "linkedBlock"
LINKED_FILE_TYPE = "linkedFile"
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
    #: Problems that do not stop the request (two heads in one section...), for ``check``.
    warnings: list[str] = field(default_factory=list)

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

#: An ATX heading line (fullmatch; the heading's text is group 2). The definition, and
#: the tests' reference: :func:`_atx_text` reads the same in linear time (this pattern's
#: lazy text against its optional closing hashes backtracks cubically on a long heading).
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*")
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})[ \t]*")
_NOT_PARAGRAPH = re.compile(r" {0,3}(?:[-+*>]|\d{1,9}[.)]|#{1,6}(?:[ \t]|$)|`{3,}|~{3,}|<)|\s*$")


def _atx_text(line: str) -> str | None:
    """The text of an ATX heading line (as :data:`_ATX` reads it), None if not one."""
    body = line.lstrip(" ")
    if len(line) - len(body) > 3:
        return None
    rest = body.lstrip("#")
    if not 1 <= len(body) - len(rest) <= 6:
        return None
    if not rest:
        return ""
    if rest[0] not in " \t":
        return None
    text = rest.strip(" \t")  # what follows the spaces after the hashes, to the line's end
    unhashed = text.rstrip("#")
    if unhashed != text and unhashed[-1:] in (" ", "\t"):
        return unhashed.rstrip(" \t")  # a closing sequence of hashes
    return text


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
        heading = _atx_text(line)
        if heading is not None:
            out.append(heading)
            prev = ""
            continue
        if prev and _SETEXT.fullmatch(line) and not _NOT_PARAGRAPH.match(prev):
            out.append(prev.strip())
            prev = ""
            continue
        prev = line
    return out


#: A Markdown link or image, and an HTML tag: the definitions, and the tests' reference.
#: :func:`_unlink` and :func:`_untag` do the same in linear time: a pattern run from each
#: ``[`` or ``<`` of a line full of them scans the rest of the line from every one.
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_MARKUP = re.compile(r"(\*\*|__|\*|_|~~|`)")


def _unlink(text: str) -> str:
    """``_LINK.sub(r"\\1", text)``: each ``[text](target)`` (or ``![...](...)``) by its text."""
    out: list[str] = []
    n, last = len(text), 0
    close_bracket = close_paren = -1  # the next "]" / ")" at or after where last looked
    p = text.find("[")
    while p >= 0:
        if close_bracket < p + 1:
            close_bracket = text.find("]", p + 1)
            if close_bracket < 0:
                break  # no "]" further on: no more links
        if text.startswith("(", close_bracket + 1):
            if close_paren < close_bracket + 2:
                close_paren = text.find(")", close_bracket + 2)
                if close_paren < 0:
                    close_paren = n
            if close_paren < n:
                start = p - 1 if p - 1 >= last and text[p - 1] == "!" else p
                out.append(text[last:start])
                out.append(text[p + 1 : close_bracket])
                last = close_paren + 1
                p = text.find("[", last)
                continue
        p = text.find("[", p + 1)
    out.append(text[last:])
    return "".join(out)


def _untag(text: str) -> str:
    """``_TAG.sub("", text)``: every ``<...>`` removed."""
    out: list[str] = []
    last = 0
    p = text.find("<")
    close = -1  # the next ">" at or after where last looked
    while p >= 0:
        if close < p + 1:
            close = text.find(">", p + 1)
            if close < 0:
                break
        if close > p + 1:
            out.append(text[last:p])
            last = close + 1
            p = text.find("<", last)
        else:
            p = text.find("<", p + 1)
    out.append(text[last:])
    return "".join(out)


def clean_heading(text: str) -> str:
    """A heading as plain text: links, emphasis, code marks, HTML tags and emoji removed."""
    text = _untag(_unlink(text))
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
    """The requests of ``doc``, in file order, grouped as Voiden groups them.

    Voiden takes everything between two ``request-separator`` blocks (a *section*)
    as one request, and gathers every block of that section, wherever it stands
    (a headers table above the ``socket-request`` belongs to it). So: a section
    with one head (``socket-request``, ``request``, or a ``linkedBlock`` standing
    for one) is one request whose ``blocks`` are all the other blocks of the
    section, in order. A section with two heads and no separator between them is
    ambiguous: it is split at each head (blocks above the first head go to the
    first), and each of its requests carries a warning saying so
    (:attr:`RequestSpec.warnings`). A ``linkedFile`` (Voiden's import of a whole
    file, or of one section of it with ``attrs.sectionUid``) is replaced by the
    blocks of that file before sections are made, as Voiden does.

    To tell whether a ``linkedBlock`` heads a request, the file it names is read
    from ``project_root`` (default: :func:`find_project_root` of the document's
    path). A link that cannot be read is never dropped: it stays a member of its
    section, and a section with no head but such a link becomes a request headed
    by it, so that :func:`resolve_links` reports it (file, line, link and the path
    looked at).
    """
    root: Path | None = None
    if project_root is not None:
        root = Path(project_root)
    elif doc.path is not None:
        root = find_project_root(doc.path)
    peek = _LinkPeek(root)

    # 1. the blocks in order, linkedFile expanded; each with the last heading above it
    items: list[tuple[Block, tuple[int, str]]] = []
    heading = (0, "")  # (how many headings so far, the last one)
    for seg in doc.segments:
        if isinstance(seg, FrontMatter):
            continue
        if isinstance(seg, str):
            for raw in _headings(seg):
                text = clean_heading(raw)
                if text:
                    heading = (heading[0] + 1, text)
            continue
        if seg.type == LINKED_FILE_TYPE and root is not None:
            expanded = _expand_linked_file(seg, root, peek)
            if expanded is not None:
                items += [(b, heading) for b in expanded]
                continue
        items.append((seg, heading))

    # 2. sections between separators
    sections: list[tuple[str, list[tuple[Block, tuple[int, str]]]]] = [("", [])]
    for block, at in items:
        if _is_separator(block, peek):
            sep = view(peek(block) or block) if block.type == LINK_TYPE else view(block)
            label = sep.label if isinstance(sep, RequestSeparator) else ""
            sections.append((label if label.lower() != _DEFAULT_SEPARATOR_LABEL else "", []))
        else:
            sections[-1][1].append((block, at))

    # 3. the requests of each section
    specs: list[RequestSpec] = []
    used = 0  # the headings up to this one named a request already
    for label, members in sections:
        kinds = [_head_kind(b, peek) for b, _ in members]
        heads = [n for n, k in enumerate(kinds) if k is not None]
        if not heads:
            dangling = [
                n
                for n, (b, _) in enumerate(members)
                if b.type in (LINK_TYPE, LINKED_FILE_TYPE) and peek(b) is None
            ]
            if not dangling or root is None:
                continue  # prose, or blocks that make no request (as in Voiden)
            heads, kinds[dangling[0]] = [dangling[0]], "wss"
        warning = ""
        if len(heads) > 1:
            lines = ", ".join(str(members[n][0].line) for n in heads)
            warning = (
                f"{len(heads)} requests (lines {lines}) share one section with no "
                "request-separator between them, and Voiden takes a section as one "
                "request: add a separator (/separator) between them"
            )
        for k, n in enumerate(heads):
            first = 0 if k == 0 else n
            last = heads[k + 1] if k + 1 < len(heads) else len(members)
            head, (count, heading_text) = members[n]
            number = len(specs) + 1
            name = heading_text if count > used else ""
            used = max(used, count)
            spec = RequestSpec(
                number,
                name or (label if k == 0 else "") or f"request {number}",
                str(kinds[n]),
                head,
                [b for b, _ in members[first:last] if b is not head],
                file=doc.path,
                line=head.line,
            )
            if warning:
                spec.warnings.append(warning)
            specs.append(spec)
    return specs


def _expand_linked_file(block: Block, root: Path, peek: _LinkPeek) -> list[Block] | None:
    """The blocks a ``linkedFile`` stands for, or None when its file cannot be read.

    As Voiden's ``fetchLinkedFileBlocks``: with ``attrs.sectionUid``, the blocks after
    the separator with that uid up to the next separator; else every block of the
    file, a leading ``request-separator`` dropped (the including file provides it).
    """
    original = _scalar(block.attrs.get("originalFile"))
    path = _target_path(root, original) if original else None
    doc = peek.load(path) if path is not None else None
    if doc is None:
        return None
    blocks = doc.blocks
    section = _scalar(block.attrs.get("sectionUid"))
    if section:
        out: list[Block] = []
        inside = False
        for b in blocks:
            if b.type == SEPARATOR_TYPE:
                if inside:
                    break
                inside = b.uid == section
            elif inside:
                out.append(b)
        return out if inside else None
    if blocks and blocks[0].type == SEPARATOR_TYPE:
        blocks = blocks[1:]
    return blocks


def _scalar(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


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

    def load(self, path: Path) -> Document | None:
        """The document at ``path`` (read once), or None if it cannot be read."""
        if path not in self.docs:
            try:
                self.docs[path] = Document.load(path)
            except (OSError, DocumentError):
                self.docs[path] = None
        return self.docs[path]

    def __call__(self, block: Block) -> Block | None:
        if block.type == LINKED_FILE_TYPE:  # a linkedFile left in place could not be read
            return None
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
            doc = self.load(path)
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


def _resolve(
    block: Block,
    root: Path,
    docs: dict[Path, Document],
    file: Path | None,
    chain: list[tuple[Path, str, str]],
) -> Block:
    if block.type == LINKED_FILE_TYPE:  # group_requests expands those it can read
        _unreadable_linked_file(block, root, file)
    if block.type != LINK_TYPE:
        return block
    link = view(block)
    assert isinstance(link, LinkedBlock)
    source = block.source or file
    here = place(source, block.line)
    uid, original = link.block_uid, link.original_file

    def fail(message: str, target: str | None = original, uid: str | None = uid) -> LinkError:
        """The error of this link, naming its target, uid, file and line."""
        return LinkError(message, target=target, uid=uid, source=source, line=block.line)

    if not original:
        raise fail(f"the linkedBlock at {here} has no attrs.originalFile", None, uid or None)
    if not uid:
        raise fail(f"the linkedBlock at {here} has no attrs.blockUid", uid=None)
    path = _target_path(root, original)
    if path is None:
        raise fail(
            f"the linkedBlock at {here} names {original}, which is outside the project {root}",
        )
    key = (path.resolve(), uid)
    if any((p, u) == key for p, u, _ in chain):
        steps = " -> ".join(w for _, _, w in chain)
        raise fail(
            f"linked blocks form a cycle: {steps} -> {here} (block {uid} of {original})",
        )
    doc = docs.get(key[0])
    if doc is None:
        try:
            doc = Document.load(path)
        except FileNotFoundError:
            raise fail(
                f"linked block {uid} not found: {original} does not exist "
                f"(looked for {path}; the link is at {here})",
            ) from None
        except (OSError, DocumentError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            raise fail(
                f"linked block {uid} of {original} cannot be read ({path}): {reason} (the link is at {here})",
            ) from None
        docs[key[0]] = doc
    target = doc.find(uid)
    if target is None:
        raise fail(
            f"linked block {uid} not found in {original} (looked in {path}; the link is at {here})",
        )
    return _resolve(target, root, docs, doc.path, [*chain, (key[0], uid, here)])


def _unreadable_linked_file(block: Block, root: Path, file: Path | None) -> None:
    """Raise the :class:`LinkError` of a ``linkedFile`` that :func:`group_requests` could not expand."""
    source = block.source or file
    here = place(source, block.line)
    original = _scalar(block.attrs.get("originalFile"))
    section = _scalar(block.attrs.get("sectionUid"))
    if not original:
        raise LinkError(
            f"the linkedFile at {here} has no attrs.originalFile", source=source, line=block.line
        )
    path = _target_path(root, original)
    if path is None:
        raise LinkError(
            f"the linkedFile at {here} names {original}, which is outside the project {root}",
            target=original,
            source=source,
            line=block.line,
        )
    if not path.is_file():
        reason = f"{original} does not exist (looked for {path})"
    else:
        try:
            doc = Document.load(path)
        except (OSError, DocumentError) as e:
            reason = f"{original} cannot be read ({path}): {getattr(e, 'strerror', None) or e}"
        else:
            if section and not any(
                b.uid == section and b.type == SEPARATOR_TYPE for b in doc.blocks
            ):
                reason = f"{original} ({path}) has no request-separator with uid {section}"
            else:
                reason = f"{original} ({path}) cannot be included"
    raise LinkError(
        f"the linkedFile at {here} does not resolve: {reason}",
        target=original,
        source=source,
        line=block.line,
    )
