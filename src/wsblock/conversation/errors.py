"""The error every part of resolving a request raises: :class:`ResolveError`.

Its own module so that :mod:`wsblock.conversation.resolve` and the modules it uses
(:mod:`wsblock.conversation.resolve_state`) raise the same class without importing each other.
"""

from __future__ import annotations

__all__ = ["ResolveError"]


class ResolveError(ValueError):
    """A request cannot be built: bad option, unknown variable, malformed message..."""
