"""The app fixes glibc's mmap threshold (see ``wsblock.app.allocator``)."""

from __future__ import annotations

import platform

import pytest

from wsblock.app import allocator


@pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's; elsewhere tune() is a no-op"
)
def test_tune_sets_the_mmap_threshold_on_glibc():
    assert allocator.tune() is True


def test_run_app_tunes_the_allocator_before_the_app_runs(monkeypatch, tmp_path):
    import wsblock.app as app_module

    calls: list[str] = []
    monkeypatch.setattr(allocator, "tune", lambda: calls.append("tune") or True)

    class Ran(Exception):
        pass

    def fake_make_app(*args, **kwargs):
        calls.append("make_app")
        raise Ran

    monkeypatch.setattr(app_module, "make_app", fake_make_app)
    with pytest.raises(Ran):
        app_module.run_app(tmp_path / "x.void")
    assert calls == ["tune", "make_app"]
