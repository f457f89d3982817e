"""The secrets in a server's handshake answer, masked from that answer's own event on.

A server hands out credentials in its answer to the handshake: a ``Set-Cookie``, an
``X-Session-Token``. The ``open`` event (or the ``error`` of a refusal) carries those
headers, and the journal, ``--json`` and the app's detail view show them. So the values
of the headers whose names are secret-like (the one rule for header names,
:func:`~wsblock.variables.secretnames.secret_header`) join the session's
:class:`~wsblock.variables.masking.Secrets` before that event is published (a session's
handshake listener runs first), and everything that follows the secrets masks them in
that event and in every later one (a cookie echoed in a message)::

    secrets = Secrets(request.secrets)
    guard_handshake(session, secrets)
"""

from __future__ import annotations

from wsblock.engine.session import Session
from wsblock.variables.masking import Secrets
from wsblock.variables.secretnames import secrets_in_headers

__all__ = ["guard_handshake"]


def guard_handshake(session: Session, secrets: Secrets) -> None:
    """Add the secret values of each of ``session``'s handshake answers to ``secrets``,
    before the event that carries the answer is published."""

    def answered(status: int | None, headers: tuple[tuple[str, str], ...], ok: bool) -> None:
        for secret in secrets_in_headers(headers):
            secrets.add(secret)

    session.add_handshake_listener(answered)
