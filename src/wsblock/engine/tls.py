"""The TLS settings of a ``wss://`` connection, as an :class:`ssl.SSLContext`.

The context is built by :mod:`wsblock.conversation.tlsfiles` (where :mod:`resolve
<wsblock.conversation.resolve>` already checked the files, before connecting); a file
that changed since is a failed connection attempt, kind ``tls``.
"""

from __future__ import annotations

import ssl

from ..conversation.request import Options
from ..conversation.tlsfiles import TlsFileError
from ..conversation.tlsfiles import ssl_context as _context
from .errors import ConnectFailed, Problem


def ssl_context(options: Options) -> ssl.SSLContext:
    """Build the TLS context of ``options``.

    Raises:
        ConnectFailed: A file cannot be read or does not hold what it should (kind
            ``tls``), named in the reason.
    """
    try:
        return _context(options)
    except TlsFileError as exc:
        raise ConnectFailed(Problem("tls", str(exc))) from exc
