"""recur.retrieval.patterns: what the API, MCP and Slack share (no server needed)."""

import pytest

from recur.retrieval import patterns as pat

DOCS = {
    "b": {
        "id": "b",
        "title": "B",
        "category": "capacity",
        "severity": "sev1",
        "status": "active",
        "summary": "",
        "path": "patterns/capacity/b.md",
        "services": ["Checkout", "db"],
        "tags": ["postgres"],
    },
    "a": {
        "id": "a",
        "title": "A",
        "category": "network",
        "severity": "sev2",
        "status": "active",
        "summary": "",
        "path": "patterns/network/a.md",
        "services": [],
        "tags": ["dns", "postgres"],
    },
}


def test_list_filters_are_exact_case_insensitive_and_combine():
    ids = lambda **f: [p["id"] for p in pat.pattern_list(DOCS, **f)]  # noqa: E731
    assert ids() == ["a", "b"]
    assert ids(service="checkout") == ["b"] and ids(tag="POSTGRES") == ["a", "b"]
    assert ids(tag="postgres", severity="sev2") == ["a"] and ids(category="capacity", tag="dns") == []
    assert ids(service="check") == []
    # an empty filter is refused (GET /api/patterns?category=: a script's unset variable), not every pattern
    with pytest.raises(pat.LookupFailure, match="category: must not be empty"):
        ids(category=" ")
    assert set(pat.pattern_list(DOCS)[0]) == set(pat.BRIEF_KEYS)
    with pytest.raises(pat.LookupFailure, match="unknown filter"):
        pat.pattern_list(DOCS, owner="x")


def test_unknown_pattern_has_the_api_code_and_message():
    with pytest.raises(pat.PatternNotFound) as info:
        pat.pattern_object(DOCS, "zzz")
    assert info.value.code == "pattern_not_found" and str(info.value) == "no pattern with id 'zzz' in the index"


def test_a_retired_id_is_said_to_be_retired_by_the_manifest_it_was_left_out_of():
    retired = pat.retired({"retired": {"old": "patterns/deploys/old.md", "bad": 3}, "ids": ["a", "b"]})
    assert retired.paths == {"old": "patterns/deploys/old.md"}  # a value of another kind is not read
    with pytest.raises(pat.PatternNotFound) as info:
        pat.pattern_object(DOCS, "old", retired)
    assert info.value.code == "pattern_not_found" and str(info.value).startswith(
        "pattern 'old' is retired (patterns/deploys/old.md): the failure no longer happens"
    )
    # an index from before: as before
    assert pat.retired({}).paths == {} and pat.retired({"retired": ["old"]}).paths == {}
    assert str(pytest.raises(pat.PatternNotFound, pat.pattern_object, DOCS, "zzz", retired).value) == (
        "no pattern with id 'zzz' in the index"
    )


def test_a_retired_id_names_its_successors_from_the_manifest():
    manifest = {"retired": {"old": "patterns/deploys/old.md"}, "superseded_by": {"old": ["a", "b"], "bad": "a"}}
    retired = pat.retired(manifest)
    assert retired.successors == {"old": ["a", "b"]}  # a value of another kind is not read
    with pytest.raises(pat.PatternNotFound) as info:
        pat.pattern_object(DOCS, "old", retired)
    assert str(info.value).startswith(
        "pattern 'old' is retired (patterns/deploys/old.md) and superseded by 'a' and 'b': ask for 'a' or 'b', which "
        "cover this failure now"
    )


def test_site_page_links():
    assert (
        pat.site_page("https://x.example/kb/", "patterns/capacity/b.md")
        == "https://x.example/kb/patterns/capacity/b.html"
    )
    assert pat.site_page(None, "patterns/capacity/b.md") is None


def _kb_with(tmp_path, text: str = "---\nid: b\n---\nbody\n"):
    """A KB folder holding DOCS' pattern "b" as a file, and a secret beside (outside) the KB."""
    kb = tmp_path / "kb"
    (kb / "patterns/capacity").mkdir(parents=True)
    (kb / "patterns/capacity/b.md").write_text(text, encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE\n", encoding="utf-8")
    return kb, secret


def test_pattern_markdown_reads_the_file_in_the_kb(tmp_path):
    kb, _ = _kb_with(tmp_path)
    assert pat.pattern_markdown(kb, DOCS, "b") == "---\nid: b\n---\nbody\n"


def test_pattern_markdown_refuses_a_symlink_out_of_the_kb_and_names_the_pattern_not_a_path(tmp_path):
    """Found in a security review: after a pull replaced an indexed pattern's file with a symlink to a
    secret (`recur index --strict` refused the KB, so the index kept the old doc), MCP's resources/read
    answered the secret. The file is read live as the loader reads it: a link out of the KB is refused,
    and the answer (which goes to whoever reached the port) names the pattern, not the server's paths."""
    kb, secret = _kb_with(tmp_path)
    target = kb / "patterns/capacity/b.md"
    target.unlink()
    target.symlink_to(secret)
    with pytest.raises(pat.LookupFailure) as err:
        pat.pattern_markdown(kb, DOCS, "b")
    said = str(err.value)
    assert "TOP-SECRET" not in said and "'b'" in said and "symlink" in said, said
    assert str(tmp_path) not in said and "patterns/capacity" not in said and "b.md" not in said, said


def test_pattern_markdown_refuses_a_path_leading_out_of_the_kb(tmp_path):
    """An index naming a path out of the KB (``..``, absolute) is not followed there either."""
    kb, secret = _kb_with(tmp_path)
    for path in ("../secret.txt", str(secret), "patterns/../../secret.txt"):
        docs = {"b": {**DOCS["b"], "path": path}}
        with pytest.raises(pat.LookupFailure) as err:
            pat.pattern_markdown(kb, docs, "b")
        said = str(err.value)
        assert "TOP-SECRET" not in said and "'b'" in said and "secret.txt" not in said, (path, said)


def test_pattern_markdown_of_a_missing_file_names_the_pattern_not_the_path(tmp_path):
    kb, _ = _kb_with(tmp_path)
    (kb / "patterns/capacity/b.md").unlink()
    with pytest.raises(pat.LookupFailure) as err:
        pat.pattern_markdown(kb, DOCS, "b")
    said = str(err.value)
    assert "'b'" in said and str(kb) not in said and "b.md" not in said, said


def test_pattern_markdown_follows_a_symlink_that_stays_in_the_kb(tmp_path):
    """As the loader: a link to another file of the KB is read (it is the KB's own content)."""
    kb, _ = _kb_with(tmp_path)
    (kb / "shared").mkdir()
    (kb / "shared/b.md").write_text("linked\n", encoding="utf-8")
    target = kb / "patterns/capacity/b.md"
    target.unlink()
    target.symlink_to(kb / "shared/b.md")
    assert pat.pattern_markdown(kb, DOCS, "b") == "linked\n"


def test_a_severity_name_two_levels_share_is_said_to_be_theirs():
    """Found in a re-read: with sev1 and sev2 both named "High" in severity.yml, list_patterns and GET /api/patterns
    with severity "high" kept the text as given with no note, and listed nothing unsaid. The note names both."""
    docs = {pid: {**doc, "severity_name": "High"} for pid, doc in DOCS.items()}
    assert pat.pattern_severity(docs, "high") == (
        "high",
        "severity high is the name severity.yml gives sev1 (High) and sev2 (High): give one of them",
    )
    assert pat.pattern_list(docs, severity="high") == []
    one = {**docs, "a": {**docs["a"], "severity_name": "Major"}}
    assert pat.pattern_severity(one, "HIGH") == (
        "sev1",
        "severity HIGH read as sev1, the level severity.yml names High",
    )
