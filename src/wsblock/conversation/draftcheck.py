"""The one rule for a message that is not yet sent (editor and composer alike).

``{{NAME}}`` is replaced when the message is sent, so a draft is checked with each
variable replaced by a stand-in value (``0``): ``{"n": {{N}}}`` is a valid JSON draft.
A binary draft holding a variable cannot be decoded before it is resolved and is not
checked here (the run checks it after resolving). An empty draft is not an error.
"""

from __future__ import annotations

import re

from wsblock.conversation.checks import MessageError, validate

__all__ = ["check_draft"]

PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")


def check_draft(fmt: str, text: str, encoding: str = "base64") -> MessageError | None:
    """The first error in the draft *text* as *fmt*, or ``None``."""
    if not text.strip():
        return None
    if fmt == "binary" and "{{" in text:
        return None
    return validate(fmt, PLACEHOLDER.sub("0", text), encoding)
