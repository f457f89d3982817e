"""The editor of ``.void`` files: prose and blocks, the slash menu, saving, files.

* :mod:`.model` -- :class:`EditSession`: the edits, undo/redo, dirty flag and saving,
  over a :class:`wsblock.document.Document` (no Textual).
* :mod:`.slash` -- the slash menu's items (new blocks come from ``document.views.new_block``).
* :mod:`.editor` -- :class:`DocumentEditor`: the page, structural edits, the key hold.
* :mod:`.blocks`, :mod:`.prose` -- the block editors, the prose and its slash menu; they
  ask the editor for edits by message (:mod:`.keys`) and get an :mod:`.host` context.
* :mod:`.hold` -- :class:`KeyHolder`: which keys a rebuild holds, in what order they go
  back (plain Python).
* :mod:`.files` -- :class:`FilesPanel` (the project's ``.void`` files) and
  :class:`EditorArea` (files + one tab per open file).
* :mod:`.dialogs` -- ConfirmQuit, ChangedOnDisk, SaveAs.
"""

from .model import ChangedOnDisk, EditError, EditSession, NeedsName

__all__ = ["ChangedOnDisk", "EditError", "EditSession", "NeedsName"]
