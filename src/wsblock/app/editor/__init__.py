"""The editor of ``.void`` files: prose and blocks, the slash menu, saving, files.

* :mod:`.model` -- :class:`EditSession`: the edits, undo/redo, dirty flag and saving,
  over a :class:`wsblock.document.Document` (no Textual).
* :mod:`.slash` -- the slash menu's items (new blocks come from ``document.views.new_block``).
* :mod:`.editor` -- :class:`DocumentEditor`; :mod:`.blocks` -- the block editors.
* :mod:`.files` -- :class:`FilesPanel` (the project's ``.void`` files) and
  :class:`EditorArea` (files + one tab per open file).
* :mod:`.dialogs` -- ConfirmQuit, ChangedOnDisk, SaveAs.
"""

from .model import ChangedOnDisk, EditError, EditSession, NeedsName

__all__ = ["ChangedOnDisk", "EditError", "EditSession", "NeedsName"]
