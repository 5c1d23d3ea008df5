"""Small text helpers in recur.util.text (tokens and signals are tested through search)."""

from recur.util.text import cut_list


def test_cut_list_keeps_a_short_list_and_says_how_many_it_left_out():
    assert cut_list(["a", "b"], 2) == ["a", "b"]
    assert cut_list(iter("abc"), 2) == ["a", "b", "… and 1 more"]
    assert cut_list([str(n) for n in range(25)])[-2:] == ["19", "… and 5 more"]
    assert cut_list(["x"] * 3, 1, "... and {n} more line(s) like these") == ["x", "... and 2 more line(s) like these"]
