"""``.void`` files: parse and write them losslessly, and read their blocks.

>>> from wsblock.document import Document
>>> doc = Document.load("echo.void")          # doctest: +SKIP
>>> doc.dump() == open("echo.void").read()    # doctest: +SKIP
True

* :class:`Document` / :class:`Block` -- the file as front matter, prose runs and
  ```` ```void ```` blocks; an unedited file is written back byte for byte, an
  edited block is re-emitted alone in Voiden's YAML style.
* :mod:`wsblock.document.yamlstyle` -- YAML read as YAML 1.2 and written as Voiden
  (npm ``yaml``) writes it.
* :mod:`wsblock.document.views` -- typed views of the blocks this project uses,
  with helpers that build edited nodes, and templates for new blocks.
* :mod:`wsblock.document.requests` -- a file's requests, its project root, and
  ``linkedBlock`` resolution.
"""

from .errors import DocumentError, LinkError
from .model import Block, Document, FrontMatter

__all__ = ["Block", "Document", "DocumentError", "FrontMatter", "LinkError"]
