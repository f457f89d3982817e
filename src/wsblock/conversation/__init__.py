"""A resolved request and its steps: one implementation for ``run``, ``load`` and the app.

* :mod:`.request` -- the resolved-request data classes (no ``{{variables}}`` left);
* :mod:`.resolve` -- a document's request and the variables to a :class:`Request`;
* :mod:`.workspace` -- a front end's view of files: open, pick an environment, resolve;
* :mod:`.checks`, :mod:`.prechecks`, :mod:`.draftcheck` -- what is validated, and when;
* :mod:`.matching` -- expectations and assertions against what was received.

This layer knows nothing of sockets: the engine and the front ends drive it.
Nothing is imported here, so that a front end pays only for the module it uses.
"""
