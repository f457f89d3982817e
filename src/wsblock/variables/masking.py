"""Masking of secret values in everything wsblock shows or writes.

One :class:`Masker` is built from the secret values of the variables in use
(:attr:`wsblock.variables.Variables.secrets`) and handed to every front end: the
human output, ``--json``, the journal and the exports. It replaces every
occurrence of every secret with :data:`MASK`::

    >>> m = Masker({"s3cr3t-token"})
    >>> m.mask("Authorization: Bearer s3cr3t-token")
    'Authorization: Bearer ••••••'

Decisions, so that every front end masks the same way:

* **Short values are not masked.** A value shorter than :data:`MIN_SECRET_LENGTH`
  (3) characters is ignored (see :attr:`Masker.too_short`): masking ``"a"`` or
  ``"1"`` would destroy every payload and, by the pattern of the masks, reveal the
  value anyway. CI systems make the same call (GitHub Actions skips values of 1-2
  characters; GitLab wants 8). Surrounding whitespace counts as part of the value.
* **Common encodings are masked too.** Besides the value itself, its forms escaped
  inside a JSON string (``"`` and ``\\``, control characters, ``\\uXXXX``, ``\\/``)
  and percent-encoded in a URL (``%2F``, ``+`` for a space) are masked when they
  differ from it, so that a token still disappears from a JSON payload or a query
  string.
* **Overlaps leave nothing behind.** When occurrences of secrets overlap or one
  contains another, the whole covered span becomes a single :data:`MASK`, so no
  fragment of any secret survives (a regex alternation would keep the tail of the
  second one).
* **Binary payloads are masked as bytes** (:meth:`Masker.mask_bytes`): the UTF-8
  bytes of each form are replaced by the UTF-8 bytes of :data:`MASK`, before the
  payload is base64-encoded for output. A secret split across a binary encoding
  (compressed, or base64 inside the payload) cannot be found and is not masked.
* **Sizes are not changed**: callers report the wire size of a message even when the
  text they show was masked.

With no secrets every method returns its argument unchanged at the cost of one
attribute test, so front ends can always call the masker.

A session's secrets can grow while it runs: a token captured into ``{{process.TOKEN}}``
is a secret from the moment it is captured. :class:`Secrets` holds one session's
current masker and hands every new one to everything that shows or writes the session
(the journal, the console, ``--json``, the app's log), so that all of them mask it from
then on, alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "MIN_SECRET_LENGTH", "Masker", "Secrets"]

MASK = "••••••"
"""What a secret is replaced with (six U+2022 bullets, whatever the secret's length)."""

MIN_SECRET_LENGTH = 3
"""Secret values shorter than this many characters are not masked."""

_MASK_BYTES = MASK.encode()

_Text = TypeVar("_Text", str, bytes)

# Above this many forms, one regex search is faster than a loop of ``in`` tests
# for the common case: no secret in the text.
_LOOP_LIMIT = 16


def _forms(secret: str) -> Iterator[str]:
    """Yield ``secret`` and the encodings of it that payloads commonly carry."""
    yield secret
    escaped = json.dumps(secret)[1:-1]
    yield escaped
    yield escaped.replace("/", "\\/")
    yield json.dumps(secret, ensure_ascii=False)[1:-1]
    yield quote(secret, safe="")
    yield quote_plus(secret, safe="")
    yield quote(secret, safe="/:@")


class Masker:
    """Replaces every secret value, and its JSON- and URL-escaped forms, by :data:`MASK`.

    ``secrets`` may hold ``None`` and duplicates; values shorter than ``min_length``
    characters are kept aside in :attr:`too_short` (so a front end can warn about
    them) and not masked. A masker is immutable and safe to share between threads.
    """

    __slots__ = ("_needles", "_byte_needles", "_pattern", "_byte_pattern", "_secrets", "_short")

    def __init__(
        self, secrets: Iterable[str | None] = (), *, min_length: int = MIN_SECRET_LENGTH
    ) -> None:
        values = {s for s in secrets if s}
        self._secrets = tuple(sorted((s for s in values if len(s) >= min_length), key=_order))
        self._short = tuple(sorted((s for s in values if len(s) < min_length), key=_order))
        forms = {f for s in self._secrets for f in _forms(s) if len(f) >= min_length}
        self._needles: tuple[str, ...] = tuple(sorted(forms, key=_order))
        self._byte_needles: tuple[bytes, ...] = tuple(n.encode() for n in self._needles)
        self._pattern = re.compile("|".join(map(re.escape, self._needles))) if forms else None
        self._byte_pattern = (
            re.compile(b"|".join(map(re.escape, self._byte_needles))) if forms else None
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values masked (not their escaped forms), longest first."""
        return self._secrets

    @property
    def too_short(self) -> tuple[str, ...]:
        """Values given but not masked: shorter than the minimum length."""
        return self._short

    def __bool__(self) -> bool:
        """True when there is at least one secret to mask."""
        return bool(self._needles)

    def __repr__(self) -> str:
        return f"Masker(<{len(self._secrets)} secrets>)"

    def mask(self, text: str) -> str:
        """Return ``text`` with every occurrence of a secret replaced by :data:`MASK`."""
        needles = self._needles
        if not needles:
            return text
        if len(needles) <= _LOOP_LIMIT:
            for needle in needles:
                if needle in text:
                    break
            else:
                return text
        elif self._pattern is not None and self._pattern.search(text) is None:
            return text
        return _replace(text, needles, MASK)

    def mask_bytes(self, data: bytes) -> bytes:
        """Return ``data`` with the UTF-8 bytes of every secret replaced by :data:`MASK`'s."""
        needles = self._byte_needles
        if not needles:
            return data
        if len(needles) <= _LOOP_LIMIT:
            for needle in needles:
                if needle in data:
                    break
            else:
                return data
        elif self._byte_pattern is not None and self._byte_pattern.search(data) is None:
            return data
        return _replace(bytes(data), needles, _MASK_BYTES)

    def mask_any(self, value: object) -> object:
        """Mask every ``str`` and ``bytes`` inside ``value`` (dicts, lists, tuples, nested).

        Dict keys are masked too; other values are returned unchanged. Used for
        records read back from disk and for structured output.
        """
        if not self._needles:
            return value
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, bytes | bytearray):
            return self.mask_bytes(bytes(value))
        if isinstance(value, dict):
            return {self.mask_any(k): self.mask_any(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.mask_any(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.mask_any(v) for v in value)
        return value


class Secrets:
    """One session's secrets, which grow as values are captured into secret names.

    A :class:`Masker` is immutable; :meth:`add` makes a new one with the value added
    and hands it to every follower (:meth:`follow`), in the order they followed::

        >>> secrets = Secrets({"s3cr3t-token"})
        >>> shown = []
        >>> secrets.follow(shown.append)
        >>> secrets.add("captured-sid")
        True
        >>> shown[-1].mask("sid=captured-sid")
        'sid=••••••'

    One ``Secrets`` per session, shared by every front end that shows or writes it: the
    one mechanism by which a captured secret is masked everywhere from then on.
    """

    __slots__ = ("masker", "_followers")

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        #: The masker of the secrets so far (replaced, never changed, by :meth:`add`).
        self.masker = Masker(secrets)
        self._followers: list[Callable[[Masker], object]] = []

    def follow(self, use: Callable[[Masker], object]) -> None:
        """Call ``use`` with the masker now, and with each new one from then on."""
        self._followers.append(use)
        use(self.masker)

    def add(self, value: str) -> bool:
        """``value`` is a secret from now on: True when that changed the masker (False:
        known already, or shorter than :data:`MIN_SECRET_LENGTH` -- not masked)."""
        masker = self.masker
        if not value or value in masker.secrets or value in masker.too_short:
            return False
        self.masker = Masker((*masker.secrets, *masker.too_short, value))
        if value in self.masker.too_short:
            return False
        for use in self._followers:
            use(self.masker)
        return True


def _order(value: str) -> tuple[int, str]:
    """Longest first, then alphabetical: a deterministic order."""
    return (-len(value), value)


def _replace(text: _Text, needles: tuple[_Text, ...], mask: _Text) -> _Text:
    """Replace every span covered by an occurrence of a needle by one ``mask``.

    Occurrences may overlap (``"aaa"`` in ``"aaaa"``; two secrets sharing an edge):
    spans are merged so that nothing of any occurrence is left.
    """
    spans: list[tuple[int, int]] = []
    for needle in needles:
        start = text.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
    if not spans:
        return text
    spans.sort()
    parts: list[_Text] = []
    pos = 0
    cur_start, cur_end = spans[0]
    for start, end in spans[1:]:
        if start < cur_end:
            cur_end = max(cur_end, end)
            continue
        parts += (text[pos:cur_start], mask)
        pos, cur_start, cur_end = cur_end, start, end
    parts += (text[pos:cur_start], mask, text[cur_end:])
    return text[:0].join(parts)
