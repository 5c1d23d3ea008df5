"""recur.util.files.check_writable: the one start-up check behind `serve --feedback` (a file) and
`tune --index` (a folder); and `writing`, which names the target when the OS refuses a write."""

import os

import pytest

from recur.util.files import NotWritable, check_writable, writing


def test_a_file_in_the_way_is_not_a_directory_for_files_and_folders(tmp_path):
    (tmp_path / "a-file").write_text("")
    for folder in (False, True):
        with pytest.raises(NotADirectoryError):
            check_writable(tmp_path / "a-file" / "deeper" / "x", folder=folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_folder_where_a_file_goes_is_refused_and_a_folder_where_a_folder_goes_is_not(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(IsADirectoryError):
        check_writable(tmp_path / "d")
    check_writable(tmp_path / "d", folder=True)


def test_only_the_parent_folder_is_made(tmp_path):
    check_writable(tmp_path / "a" / "b" / "f.jsonl")
    check_writable(tmp_path / "c" / "index", folder=True)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["a", "a/b", "c"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_what_the_os_would_refuse_is_a_permission_error(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "votes.jsonl").write_text("")
    ro.chmod(0o500)
    try:
        check_writable(ro / "votes.jsonl")  # appended to in place: the folder may be read-only
        for path, folder in ((ro / "new.jsonl", False), (ro / "index", True), (ro / "votes.jsonl", True)):
            with pytest.raises(PermissionError):
                check_writable(path, folder=folder)
        (ro / "votes.jsonl").chmod(0o400)
        with pytest.raises(PermissionError):
            check_writable(ro / "votes.jsonl")
    finally:
        ro.chmod(0o700)


def test_writing_under_a_file_names_the_file_in_the_way(tmp_path):
    """mkdir under a file says "File exists" (or "Not a directory"), which names neither the file nor
    the fault: the message says which path is a file where a folder is needed."""
    (tmp_path / "afile").write_text("x")
    for target in (tmp_path / "afile" / "index", tmp_path / "afile" / "deep" / "site"):
        with pytest.raises(NotWritable) as err, writing(target, "the index"):
            target.mkdir(parents=True)
        assert str(err.value) == f"{target}: cannot write the index there: {tmp_path / 'afile'} is a file, not a folder"
