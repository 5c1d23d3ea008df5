"""Python-Markdown's inline processor, its output the same, in time linear in a paragraph's inline markup.

Python-Markdown applies its inline rules to a paragraph's text one rule at a time, and put each match aside by
building the whole text again with a placeholder in its place (``data[:start] + placeholder + data[end:]``): a
paragraph of 25,000 code spans (100,000 characters) took 1.2 s to render, of emphasis 3 s, and the time grew with
the square of the size (a pull request's KB file could stall the site's build). ``LinearInline`` makes the same
matches in the same order, but keeps the text as it was (``_Text``) and writes each rule's placeholders into it once,
at the end of the rule's pass. Where a rule goes on, right after a match, two things read what lies before, which
is the match's last character in the text kept and the placeholder's (``ETX``) in Python-Markdown's: a rule's
lookbehind (code: not after a backslash; emphasis: not after a letter, a space, "*" or "_"; links: not after "!"),
and the emphasis rule's runs paired ahead, at positions of the text it was given. The text kept is read where the
next character starts no match that looks behind, or the character before reads as the placeholder's to each
lookbehind (``rule_reading``); else the text is built there as Python-Markdown builds it (``_Text.built``). The
emphasis rule's runs are read at the positions Python-Markdown would give (``LinearInline.cached``). A rule not
known here (another extension's) gets the text built at each match: Python-Markdown's own way and time.
tests/test_kb_inline.py renders texts of each construct both ways and compares them.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
from collections import deque

# Markdown at the top: this module is loaded only by Markdown, as the extension named in MARKDOWN_EXTENSIONS
from markdown import Extension, util
from markdown.inlinepatterns import InlineProcessor as InlineRule
from markdown.treeprocessors import InlineProcessor

# where each of Python-Markdown's own inline rules reads the character before its match: the characters a match
# looking behind starts with ("" none: no lookbehind). Its regexes checked (``rule_reading``); any other rule is
# not read in the text kept.
_LOOKS_BEHIND = {
    "BacktickInlineProcessor": "\\`",
    "EscapeInlineProcessor": "",
    "ReferenceInlineProcessor": "[",
    "LinkInlineProcessor": "[",
    "ImageInlineProcessor": "",
    "ImageReferenceInlineProcessor": "",
    "ShortReferenceInlineProcessor": "[",
    "ShortImageReferenceInlineProcessor": "",
    "AutolinkInlineProcessor": "",
    "AutomailInlineProcessor": "",
    "SubstituteTagInlineProcessor": "",
    "HtmlInlineProcessor": "",
    "DelimiterProcessor": "*_",
}
# a lookbehind, as these rules write them: one character's test
_LOOKBEHIND = re.compile(r"\(\?<[=!](?:\[[^\]]*\]|\\.|[^()\[\]\\])*\)")


def rule_reading(rule) -> tuple[str, tuple[str, ...]] | None:
    """Where ``rule`` reads the character before its match (the characters such a match starts with) and the
    lookbehinds it reads it with; None if it is not one of Python-Markdown's own rules as known here (the text is
    then built for it at each match)."""
    starts = _LOOKS_BEHIND.get(type(rule).__name__)
    if starts is None or type(rule).__module__ != "markdown.inlinepatterns":
        return None
    sources = [rule.compiled_re.pattern]
    if starts == "*_":  # the emphasis rule: its delimiters' own regexes look behind, at its tokens
        if not set(getattr(rule, "delimiters", "?")) <= set(starts):
            return None
        sources += [d.boundary.pattern for d in rule.delimiters.values()]
    found = [m.group() for s in sources for m in _LOOKBEHIND.finditer(s)]
    if sum(s.count("(?<") for s in sources) != len(found) or any("\\b" in s or "\\B" in s for s in sources):
        return None  # a lookbehind of another kind, or a word boundary: not read here
    if found and not starts:
        return None
    return starts, tuple(sorted(set(found)))


@functools.cache
def _reads_as_placeholder(ch: str, lookbehinds: tuple[str, ...]) -> bool:
    """Whether each of ``lookbehinds`` reads ``ch`` before a position as it reads the placeholder's last
    character."""
    etx = util.INLINE_PLACEHOLDER[-1]
    return all(
        bool(re.compile(lb).match(ch + "x", 1)) == bool(re.compile(lb).match(etx + "x", 1)) for lb in lookbehinds
    )


class _Text:
    """A rule's pass over a text: what Python-Markdown's text would be (``built``) is ``done`` (matches replaced)
    and then ``src`` from ``cut`` on, kept as it was. A position in ``src`` from ``cut`` on is ``shift`` more in
    the text built."""

    def __init__(self, data: str):
        self.src, self.done, self.size, self.cut = data, [], 0, 0

    @property
    def shift(self) -> int:
        return self.size - self.cut

    def replace(self, start: int, end: int, placeholder: str) -> None:
        self.done += [self.src[self.cut : start], placeholder]
        self.size += start - self.cut + len(placeholder)
        self.cut = end

    def built(self) -> int:
        """The text as Python-Markdown has it, from now on; returns how much each position moved."""
        moved = self.shift
        if self.done:
            self.src = "".join(self.done) + self.src[self.cut :]
            self.done, self.size, self.cut = [], 0, 0
        return moved

    def value(self) -> str:
        self.built()
        return self.src

    def reads_alike(self, at: int, reading: tuple | None) -> bool:
        """Whether a rule looking from ``at`` on (``rule_reading``'s ``reading``) reads the text kept as it would read
        the text built: what lies before ``at`` is the same, or reads the same to the rule."""
        if reading is None or at < self.cut:
            return not self.done
        if not self.done or at > self.cut or at >= len(self.src) or self.src[at] not in reading[0]:
            return True
        return _reads_as_placeholder(self.src[at - 1], reading[1])


class LinearInline(InlineProcessor):
    """Python-Markdown's inline processor, each rule's pass over a text in one piece (``_Text``)."""

    def __init__(self, md):
        super().__init__(md)
        self.cache_shift: dict = {}  # the emphasis rule's: how much its paired runs' positions moved
        self.readings: dict = {}  # each rule's rule_reading, by id: read once

    def run(self, tree, ancestors=None):  # long: Python-Markdown's own run, its queue a deque
        """Python-Markdown's ``InlineProcessor.run`` as it is, but for its queue of elements to read: a list whose
        first item was taken out at each step (``pop(0)`` moves the rest), 250,000 code spans in a paragraph
        took 20 s there."""
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        stack = deque([(tree, tree_parents)])
        self._InlineProcessor__build_ancestors(tree, tree_parents)
        while stack:
            current, parents = stack.popleft()
            self.ancestors = parents
            if current is not tree:
                self.ancestors.append(current.tag.lower())
            queued = []
            for child in current:
                if child.text and not isinstance(child.text, util.AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text, child.text = child.text, None
                    found = self._InlineProcessor__processPlaceholders(self._InlineProcessor__handleInline(text), child)
                    for item in found:
                        self.parent_map[item[0]] = child
                    stack += found
                    queued.append((child, found))
                    self.ancestors.pop()
                if child.tail:
                    tail = self._InlineProcessor__handleInline(child.tail)
                    holder = etree.Element("d")
                    child.tail = None
                    after = self._InlineProcessor__processPlaceholders(tail, holder, False)
                    if holder.tail:
                        child.tail = holder.tail
                    pos = list(current).index(child) + 1
                    for new in reversed(after):
                        self.parent_map[new[0]] = current
                        current.insert(pos, new[0])
                if len(child):
                    self.parent_map[child] = current
                    stack.append((child, self.ancestors[:]))
            for element, found in queued:
                for i, item in enumerate(found):
                    element.insert(i, item[0])
        return tree

    def _InlineProcessor__handleInline(self, data, patternIndex=0):  # noqa: N802, N803 (the name it replaces)
        if isinstance(data, util.AtomicString):
            return data
        for index in range(patternIndex, len(self.inlinePatterns)):
            data = self.rule_pass(self.inlinePatterns[index], data, index)
        return data

    def rule_pass(self, rule, data: str, index: int) -> str:
        """``data`` after each match of ``rule``, as Python-Markdown's ``__applyPattern`` called again from the
        end of each match till none is left."""
        if any(exclude.lower() in self.ancestors for exclude in rule.ANCESTOR_EXCLUDES):
            return data
        if not isinstance(rule, InlineRule):  # an old-style pattern: Python-Markdown's own way
            at, matched = 0, True
            while matched:
                data, matched, at = self._InlineProcessor__applyPattern(rule, data, index, at)
            return data
        if id(rule) not in self.readings:
            self.readings[id(rule)] = (rule, rule_reading(rule))  # (the rule kept: its id stays its own)
        text, at, reading = _Text(data), 0, self.readings[id(rule)][1]
        while True:
            if not text.reads_alike(at, reading):
                at += text.built()
            found = self.first_match(rule, text, at, reading)
            if found is None:
                return text.value()
            node, start, end = found
            if node is None:
                at = end
                continue
            placeholder = self.stashed(node, rule, index)
            # read as Python's slices read them: from the end (a link's end can be -1), which both texts share
            start, end = (i + len(text.src) if i < 0 else i for i in (start, end))
            if start < text.cut:  # not after what was replaced (no rule known here does so)
                moved = text.built()
                start, end = start + moved, end + moved
            text.replace(start, end, placeholder)
            at = text.cut  # right after the placeholder, as Python-Markdown goes on

    def first_match(self, rule, text: _Text, at: int, reading: tuple | None):
        """Python-Markdown's first match of ``rule`` from ``at`` that its handler takes: (node, start, end)."""
        for m in rule.getCompiledRegExp().finditer(text.src, at):
            if reading and reading[0] == "*_" and rule.regions:  # Python-Markdown's emphasis rule, runs paired ahead
                node, start, end = self.cached(rule, m, text)
            else:
                shift = text.shift
                node, start, end = rule.handleMatch(m, text.src)
                if getattr(rule, "regions", None):  # runs paired ahead, at positions of this text
                    self.cache_shift[id(rule)] = shift
            if start is not None and end is not None:
                return node, start, end
        return None

    def cached(self, rule, m, text: _Text):
        """The emphasis rule's next run paired ahead (``DelimiterProcessor.get_cached_result``), with the offset
        it would find in the text built: its positions are the text's when it paired them."""
        paired = self.cache_shift.get(id(rule), 0)
        ci = rule.cache_index
        at, cache_at = m.start(0) + text.shift, rule.cache_pos + paired
        offset = at - cache_at if at != cache_at else at - (rule.regions[ci][0] + paired)
        if rule.regions[ci][0] + offset + paired - text.shift < text.cut:  # (no case known) read the text built
            text.built()
        offset += paired - text.shift  # in the text kept
        start, end = rule.regions[ci][0], rule.regions[ci][3]
        el, count = rule._build_element(text.src, ci, offset)
        rule.increment_next_position(start, count)
        return el, start + offset, end + offset

    def stashed(self, node, rule, index: int) -> str:
        """``node`` put aside, its text and its children's read by the rules after ``rule`` (as Python-Markdown)."""
        if not isinstance(node, str) and not isinstance(node.text, util.AtomicString):
            for child in [node, *node]:
                if child.text:
                    self.ancestors.append(child.tag.lower())
                    child.text = self._InlineProcessor__handleInline(child.text, index + 1)
                    self.ancestors.pop()
                if child.tail:
                    child.tail = self._InlineProcessor__handleInline(child.tail, index)
        return self._InlineProcessor__stashNode(node, rule.type())


@functools.cache
def goes_on_after_placeholder() -> bool:
    """Whether this Python-Markdown goes on from right after a match's placeholder, as ``LinearInline`` does (3.11
    does; an older one read the text again from its start after each match, which ``LinearInline`` does not copy).
    Its own source says so; an unreadable one is taken as no."""
    import inspect

    try:
        source = inspect.getsource(InlineProcessor._InlineProcessor__applyPattern)
    except (AttributeError, OSError, TypeError):
        return False
    return "start + len(placeholder)" in source and all(
        hasattr(InlineProcessor, f"_InlineProcessor__{name}")
        for name in ("handleInline", "processPlaceholders", "build_ancestors", "stashNode")
    )


class Inline(Extension):
    """``LinearInline`` in place of Python-Markdown's inline processor, where it makes Python-Markdown's matches."""

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        if goes_on_after_placeholder():
            md.treeprocessors.register(LinearInline(md), "inline", 20)  # in place of Python-Markdown's own


def makeExtension(**kwargs):  # noqa: N802 (the name Python-Markdown looks up)
    return Inline(**kwargs)
