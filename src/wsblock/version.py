"""The version of wsblock, in one place (``pyproject.toml`` reads it from here).

Apart from the package's ``__init__`` so that the lower layers (the engine's
User-Agent, the journal's session record) can name it without importing the package
façade, which reaches up to the front ends (``wsblock.run_file``, ``wsblock.connect``).
"""

__version__ = "0.1.0"
