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
    with pytest.raises(pat.ApiFailure, match="category: must not be empty"):
        ids(category=" ")
    assert set(pat.pattern_list(DOCS)[0]) == set(pat.BRIEF_KEYS)
    with pytest.raises(pat.ApiFailure, match="unknown filter"):
        pat.pattern_list(DOCS, owner="x")


def test_unknown_pattern_has_the_api_code_and_message():
    with pytest.raises(pat.PatternNotFound) as info:
        pat.pattern_object(DOCS, "zzz")
    assert info.value.code == "pattern_not_found" and str(info.value) == "no pattern with id 'zzz' in the index"


def test_a_retired_id_is_said_to_be_retired_by_the_manifest_it_was_left_out_of():
    retired = pat.retired({"retired": {"old": "patterns/deploys/old.md", "bad": 3}, "ids": ["a", "b"]})
    assert retired == {"old": "patterns/deploys/old.md"}  # a value of another kind is not read
    with pytest.raises(pat.PatternNotFound) as info:
        pat.pattern_object(DOCS, "old", retired)
    assert info.value.code == "pattern_not_found" and str(info.value).startswith(
        "pattern 'old' is retired (patterns/deploys/old.md): the failure no longer happens"
    )
    assert pat.retired({}) == {} and pat.retired({"retired": ["old"]}) == {}  # an index from before: as before
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
        "pattern 'old' is retired (patterns/deploys/old.md) and superseded by 'a' and 'b': "
    )


def test_site_page_links():
    assert (
        pat.site_page("https://x.example/kb/", "patterns/capacity/b.md")
        == "https://x.example/kb/patterns/capacity/b.html"
    )
    assert pat.site_page(None, "patterns/capacity/b.md") is None
