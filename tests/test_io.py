"""Atomic writes: all or nothing."""

from __future__ import annotations

import stat

import pandas as pd
import pytest

from jahan._io import atomic_write, write_parquet_atomic, write_text_atomic


def test_failed_write_leaves_target_and_folder_untouched(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def fail(path):
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, fail)
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_writes_create_folders_and_readable_files(tmp_path):
    text = write_text_atomic("жаһан", tmp_path / "a" / "b.txt")
    assert text.read_text(encoding="utf-8") == "жаһан"
    assert stat.S_IMODE(text.stat().st_mode) == 0o644
    frame = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index(["KAZ", "KGZ"], name="country"))
    path = write_parquet_atomic(frame, tmp_path / "c" / "f.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame)
