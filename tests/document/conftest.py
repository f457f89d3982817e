"""Fixtures of the document tests (the helpers live in ``doc_samples``)."""

from doc_samples import samples  # noqa: F401 - a fixture
