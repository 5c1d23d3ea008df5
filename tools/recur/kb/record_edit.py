"""Set one value inside a record's front matter as text: the scalar's own characters are replaced, or a
``key: value`` is added to the mapping that lacks it (a flow ``{...}`` mapping or a block one, at its
indentation), or an item to a flow ``[...]`` list over lines, so an author's layout, quoting and comments
survive. `recur incident review`,
`follow-up` and `flag --done` mark a record's parts done this way; each edit is read back as `recur
check` reads it before the file is replaced atomically, under the folder's edit lock.
"""

from __future__ import annotations

import yaml

from recur.util.errors import RecurError


def _child(node, key):
    """The value node under ``key`` (a mapping key or a list index) of ``node``, or None."""
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
        return found[-1] if found else None  # the last one wins, as YAML reads a duplicate key
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None


def quote_of(front: str, path: tuple) -> str:
    """The quote (``'`` or ``"``) the scalar at ``path`` of ``front`` (YAML text) is written in; "" for a plain
    one, or none there: a value written over it in the same quotes keeps the author's style."""
    from recur.kb.parse import compose

    node = compose(front)
    for key in path:
        node = _child(node, key)
    return node.style if isinstance(node, yaml.ScalarNode) and node.style in ("'", '"') else ""


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _add_to_mapping(text: str, mapping, key: str, value: str) -> str:
    """``text`` with ``key: value`` added to ``mapping`` (which has other keys)."""
    if mapping.flow_style:  # {title: x, status: open}: right after its last value, so a comma after
        # it (a mapping over lines, one key a line) or a comment before the brace stays as it was
        at = mapping.value[-1][1].end_mark.index
        return f"{text[:at]}, {key}: {value}{text[at:]}"
    last = mapping.value[-1][1]
    while isinstance(last, yaml.CollectionNode) and not last.flow_style and last.value:
        # a block list or mapping ends where the next token starts (the next item's ``-``, past any
        # comment lines), not at its own last line: the key went into the next follow-up (found in review)
        last = last.value[-1][1] if isinstance(last, yaml.MappingNode) else last.value[-1]
    index = last.end_mark.index
    if last.end_mark.column == 0 and index > 0:  # a block value ends at the start of the next line
        index -= 1
    at = _line_end(text, index)
    indent = " " * mapping.value[0][0].start_mark.column
    return f"{text[:at]}\n{indent}{key}: {value}{text[at:]}"


def set_value(front: str, path: tuple, value: str, where: str) -> str:
    """``front`` (front-matter text) with the value at ``path`` written as ``value`` (YAML text). A
    top-level mapping that is missing is added at the end; any other missing place, or a value that is
    itself a list or mapping, is an error naming ``where``: this tool does not guess a layout."""
    from recur.kb.parse import compose

    node = compose(front)
    for depth, key in enumerate(path[:-1]):
        child = _child(node, key)
        if child is None and depth == 0 and len(path) == 2:  # review: absent, its defaults in use
            if isinstance(node, yaml.MappingNode) and node.flow_style and node.value:  # {id: .., title: ..}
                return _add_to_mapping(front, node, key, f"{{{path[1]}: {value}}}")
            sep = "" if not front or front.endswith("\n") else "\n"
            return f"{front}{sep}{key}:\n  {path[1]}: {value}"
        if depth == len(path) - 2 and isinstance(path[-1], str) and _empty(child):
            return _fill(front, child, f"{{{path[-1]}: {value}}}")
        wanted = yaml.SequenceNode if isinstance(path[depth + 1], int) else yaml.MappingNode
        if not isinstance(child, wanted):
            line = _line(child or node)
            raise RecurError(
                f"{where}:{line}: {dotted(path[: depth + 1])}: not a {wanted.id} this tool can edit; change it by hand"
            )
        node = child
    target = _child(node, path[-1])
    if isinstance(target, yaml.ScalarNode):
        start, end = target.start_mark.index, target.end_mark.index
        return front[:start] + value + front[end:]
    if target is None and isinstance(node, yaml.MappingNode) and node.value:
        return _add_to_mapping(front, node, path[-1], value)
    raise RecurError(
        f"{where}:{_line(target or node)}: {dotted(path)}: written in a layout this tool does not edit; change it by hand"
    )


def drop_value(front: str, path: tuple, where: str) -> str:
    """``front`` with the key at ``path`` taken out of its mapping, with its value: a scalar on its key's line,
    or a list or mapping (a fix's ``tickets``, `recur fix --ticket -`) in any layout. In a flow ``{...}``
    mapping with the comma before it, in a block one with its lines (a comment after the value goes with it).
    A reopened follow-up's ``done:`` date left behind was counted open by the board and warned of by `recur
    check`. Any other layout is an error naming ``where``, to change by hand."""
    from recur.kb.parse import compose

    node = compose(front)
    for key in path[:-1]:
        node = _child(node, key)
    pairs = [(k, v) for k, v in getattr(node, "value", []) if isinstance(k, yaml.ScalarNode) and k.value == path[-1]]
    if isinstance(node, yaml.MappingNode) and not pairs:
        return front
    if not isinstance(node, yaml.MappingNode) or len(pairs) != 1:
        raise _no_drop(node, path, where)
    k, v = pairs[0]
    if isinstance(v, yaml.ScalarNode) and v.end_mark.line != k.start_mark.line:
        raise _no_drop(v, path, where)
    value_end = _end_of_value(v)
    if node.flow_style:
        at = node.value.index((k, v))
        if at:  # ", done: 2026-12-01" after the value before it
            return front[: node.value[at - 1][1].end_mark.index] + front[value_end:]
        end = node.value[1][0].start_mark.index if len(node.value) > 1 else value_end
        return front[: k.start_mark.index] + front[end:]
    start = front.rfind("\n", 0, k.start_mark.index) + 1
    if front[start : k.start_mark.index].strip():  # "- done: ..." opens the item: its line is the item's
        raise _no_drop(k, path, where)
    end = _line_end(front, value_end)
    return front[: max(start - 1, 0)] if end == len(front) else front[:start] + front[end + 1 :]


def _end_of_value(node) -> int:
    """Where ``node``'s own text ends: a block list or mapping ends where the next token starts (past comment
    lines after it, which may be the next key's), so at its last item's end instead, as ``_add_to_mapping``
    finds it."""
    while isinstance(node, yaml.CollectionNode) and not node.flow_style and node.value:
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    index = node.end_mark.index
    return index - 1 if node.end_mark.column == 0 and index > 0 else index  # a block scalar ends on the next line


def _no_drop(node, path: tuple, where: str) -> RecurError:
    return RecurError(
        f"{where}:{_line(node)}: {dotted(path)}: written in a layout this tool does not edit; remove it by hand"
    )


def add_to_flow_list(front: str, key: str, item: str) -> str | None:
    """``front`` (front-matter text) with ``item`` (YAML flow text) added to the top-level flow list
    ``[...]`` of ``key``, however that list is laid out over lines (``follow_ups: [ {title: a},`` then
    ``{title: b} ]``): right after its last item, so the lines, a trailing comma and comments around it
    stay as written; into an empty one, before its ``]``. None when ``key`` holds no flow list."""
    from recur.kb.parse import compose

    try:
        node = _child(compose(front), key)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.SequenceNode) or not node.flow_style:
        return None
    return _flow_append(front, node, [item])


def _flow_append(front: str, node, items: list[str]) -> str:
    """``front`` with ``items`` added to the flow list ``node``: right after its last item (its lines, a
    trailing comma and comments kept as written); into an empty one, before its ``]``."""
    text = ", ".join(items)
    if node.value:
        at = node.value[-1].end_mark.index
        return f"{front[:at]}, {text}{front[at:]}"
    at = node.end_mark.index - 1  # the closing ]
    return front[:at] + text + front[at:]


def _empty(node) -> bool:
    """A value that says "nothing here" (``review:``, ``review: ~``, ``review: {}``): the format reads
    it as absent, the defaults in use, and `recur check` passes it; the tool refused it (found in review)."""
    if isinstance(node, yaml.MappingNode):
        return not node.value
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _fill(front: str, node, text: str) -> str:
    """``front`` with the empty value ``node`` written as ``text`` (after a space when it had no text:
    ``review:`` becomes ``review: {status: done}``, a comment after it kept)."""
    start, end = node.start_mark.index, node.end_mark.index
    space = " " if start == end and start > 0 and front[start - 1] not in " \t" else ""
    return front[:start] + space + text + front[end:]


def _line(node) -> int:
    return node.start_mark.line + 2  # front matter starts on the file's second line


def dotted(path) -> str:
    """``follow_ups[0].status``: a place in the record as `recur check` names it."""
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path).lstrip(".")


def add_to_list(front: str, path: tuple, items: list[str], where: str) -> str:
    """``front`` with ``items`` (YAML flow text each) added at the end of the list at ``path`` (a fix's
    ``tickets``): a flow ``[...]`` list after its last item (into an empty one before its ``]``), a block
    list as ``- item`` lines after its last one, at its indentation; an empty value (``tickets:``) becomes
    ``[a, b]``; a missing key is added (``set_value``). Any other layout is an error naming ``where``."""
    from recur.kb.parse import compose

    node = compose(front)
    for key in path[:-1]:
        node = _child(node, key)
    target = _child(node, path[-1]) if node is not None else None
    if target is None or _empty(target):
        flow = "[" + ", ".join(items) + "]"
        return set_value(front, path, flow, where) if target is None else _fill(front, target, flow)
    if not isinstance(target, yaml.SequenceNode) or any(isinstance(v, yaml.CollectionNode) for v in target.value):
        raise RecurError(f"{where}:{_line(target)}: {dotted(path)}: not a list this tool can edit; change it by hand")
    if target.flow_style:
        return _flow_append(front, target, items)
    last = target.value[-1]
    at = _line_end(front, last.end_mark.index)
    indent = " " * (target.start_mark.column)
    return front[:at] + "".join(f"\n{indent}- {i}" for i in items) + front[at:]
