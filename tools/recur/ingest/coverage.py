"""Detection coverage: the KB's patterns against Prometheus alerting rules.

``read_rules(dir)`` reads rule files (``*.yml``, ``*.yaml``, ``*.rules``: plain ``groups:`` files,
PrometheusRule objects with ``spec.groups``, ``kind: List`` wrappers of them, a Mimir/Cortex/Loki
ruler's ``{namespace: [groups]}``, Grafana-provisioned alert rules (``title``),
a ConfigMap manifest's rule files held as strings under ``data:`` (a warning in one at the manifest's line, naming its key),
several YAML documents per file allowed; each file once, ``..`` entries of a ConfigMap mount skipped; a file it cannot read, such as a Helm template, is
skipped with one warning, a Prometheus 1.x file too; what Prometheus would reject, such as a rule with no
``expr`` or a group name repeated in a file, is a warning at its line); ``coverage(kb, alerts, site_url=, proposals=)`` reports, as a ``Coverage``
record whose ``to_json()`` is `recur coverage --json` (alert names compare case-insensitively)

- ``missing_alerts``: a pattern's signal names an alert no rule defines. A signal names an alert
  explicitly as ``alertname="X"``, ``alertname=X``, ``alert: X`` or ``ALERTS{alertname="X"}``
  (``explicit: true``; a quoted X is the whole string, spaces and hyphens in it, as Grafana's alert
  names have them: they are its rules' titles). A regex matcher ``alertname=~"Node.*"`` names the alerts it matches whole
  (PromQL's regexes are anchored; read with Python's ``re``, case-insensitively as names compare):
  its row, when it matches none or does not compile, has ``alert`` the regex, ``regex: true``
  and, for one that does not compile, ``regex_error``. ``alertname!=``/``!~`` name no alert.
- ``alert_like_unknown``: a signal that is a single CamelCase word (``KubePodCrashLooping``) no rule
  defines: alert-like, but it may be a metric or an error code (``explicit: false``). Until
  2026-12-02 these were rows of ``missing_alerts`` too, whose length then disagreed with
  ``counts.missing_alerts``; every count now is the length of the list of the same name.
- ``unmentioned_alerts``: alerts that no pattern mentions (in its signals, or in its text: there a
  name that is also a plain word, ``Watchdog``, counts only inside a code span; a one-word name that is a word,
  a Grafana title as ``Memory`` or ``503``, only where a signal names it as an alert: ``_mentioned_by``) and whose
  ``runbook_url`` points at no pattern; one row per name per file and rule group (``lines``,
  ``count``), also as ``unmentioned_by_file`` {file: {group: [names]}}.
- ``heartbeat_alerts``: as ``unmentioned_alerts``, the alerts that fire all the time by design (Watchdog,
  InfoInhibitor, severity none: retrieval.alerts.heartbeat_named, the webhook's rule), which no pattern is
  expected to mention: listed apart, not among the unmentioned (found in review: they were).
- ``undetected``: patterns (active or draft, not retired) that no alert mentions or links to, with ``likely_alerts``: the
  alerts the engine matches to the pattern from their name, summary and description. A rule a saved /api/v1/rules
  answer says is broken (``"health": "err"``) detects nothing: a warning, and ``broken_alerts`` on such a row.
- ``bad_runbook_urls``: our alerts' ``runbook_url`` (under ``site_url``; without it, URLs that
  name a pattern) that do not point at an existing pattern page (a path segment equal to a
  pattern id, ``.html``/``.md``/``/`` suffixes ignored; under ``site_url``, the page `recur site`
  writes for it, a path ending ``patterns/<category>/<id>.html``; ``line``: the URL's own; a misspelt id
  with the page it may have meant; a templated URL said so); ``external_runbook_urls``: the others, but
  ``templated_runbook_urls``: those templated where their host is or would be (``{{ $externalURL }}/...``, a
  templated path with no host), or in their path under ``site_url``, whose page is known only when the alert fires:
  not checkable, never broken. A ``{{ $labels.x }}`` of a label the rule sets itself is filled in first, as Prometheus
  renders it (``rendered``: the URL so filled, on a row whose URL it changed), and the URL then checked and credited.
- ``detected``: pattern id -> the alerts that mention or link to it; ``detected_by``: the same, each alert with how
  (``by``: ``mention``, ``runbook_url``), as the text report's "Patterns with an alert" lists them.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlparse

import yaml
from yaml.scanner import ScannerError

from recur import config
from recur.kb.parse import ParseError, load_yaml, nesting_problem
from recur.kb.records import successors
from recur.retrieval.alerts import heartbeat_named
from recur.util.errors import RecurError
from recur.util.text import CAMEL_CASE, edit_distance, name_words, plural

# an alert name a signal gives unquoted: a Prometheus identifier (alertname=NodeDown, alert: NodeDown)
BARE_NAME = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
# "alert: X" alone on a line; a quoted X is taken whole: Grafana's alert names are its rules' titles,
# spaces and hyphens in them ("Postgres connections near max_connections", "pg-conn-saturation")
ALERT_KEY = re.compile(r"""^\s*alert\s*:\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z_:][A-Za-z0-9_:]*)\s*$""", re.I)
# an alertname label matcher of PromQL or Alertmanager: its operator and value, quoted ("", '', ``) or bare
MATCHER = re.compile(r"""alertname\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|[^\s,}"'`]+)""")
# a signal that is a CamelCase alert name alone (KubePodCrashLooping): a capital, a lower-case letter or digit,
# then alphanumerics with a capital or a digit among them. Written ``[a-z0-9]+(?:[A-Z0-9][a-z0-9]*)+`` it
# tried every way to split a run of digits into words before failing: "Error", 30 digits, " seen" took
# about 3 minutes (each digit doubled the time); here a character has one place, the time grows with the length
CAMEL = re.compile(r"^[A-Z][a-z0-9][a-z]*[A-Z0-9][A-Za-z0-9]*$")


@dataclass
class Alert:
    name: str
    file: str
    line: int
    runbook_url: str | None = None
    group: str | None = None
    summary: str = ""
    description: str = ""
    source: str = "prometheus"  # "prometheus" | "grafana" (a Datadog monitor is read as Prometheus's)
    runbook_line: int | None = None  # the runbook_url's own line, when known
    severity: str = ""  # its severity label: "none" marks a heartbeat (retrieval.alerts.heartbeat_named)
    labels: dict = field(default_factory=dict)  # the rule's static labels (strings), which fill its runbook_url
    error: str | None = None  # Prometheus's lastError of a rule its /api/v1/rules answer says is broken (health err)

    @property
    def heartbeat(self) -> bool:
        """Fires all the time by design, to show alerting works (kube-prometheus's Watchdog and InfoInhibitor, severity
        none): no pattern is expected to mention it. The webhook's rule (retrieval.alerts.heartbeat), one place."""
        return heartbeat_named(self.name, self.severity)


class _Missing(TypedDict):
    pattern: str
    alert: str
    explicit: bool
    signal: str
    path: str
    line: int
    did_you_mean: list[str]


class MissingAlert(_Missing, total=False):
    """A pattern's signal naming an alert no rule defines (``explicit``: named as an alert); for an
    ``alertname=~`` regex, ``alert`` is the regex and ``regex`` is true (``regex_error``: it does not
    compile). Keys a row need not have, not NotRequired: that is Python 3.11, and 3.10 is supported."""

    regex: bool
    regex_error: str


class LikelyAlert(TypedDict):
    alert: str
    rank: int
    confidence: str


class _Undetected(TypedDict):
    pattern: str
    title: str
    path: str
    has_detection_section: bool
    likely_alerts: list[LikelyAlert]


class Undetected(_Undetected, total=False):
    """A pattern no alert detects; ``broken_alerts``: alerts that name or link it but whose rule Prometheus reports
    broken (``[{alert, error}]``, from a saved /api/v1/rules answer), when there are any."""

    broken_alerts: list[dict]


class _LineLoader(yaml.SafeLoader):
    """PyYAML's safe loader, its scanner's possible simple keys (one per open "[" or "{" of a line) read from the
    front: PyYAML looked at each of them for every token, and a rule file of lines of "[" 400 deep took 6 s per
    32 kB (bench/pathological.py). Saved in order (index, line and token number growing: PyYAML removes a level's
    key before it saves another), the first is the nearest, and the stale ones are the first ones."""

    def __init__(self, stream):
        super().__init__(stream)
        self.possible_simple_keys = OrderedDict()  # its first item at once, however many were deleted before it

    def next_possible_simple_key(self):
        keys = self.possible_simple_keys
        return next(iter(keys.values())).token_number if keys else None

    def stale_possible_simple_keys(self):
        keys = self.possible_simple_keys
        while keys:
            level, key = next(iter(keys.items()))
            if key.line == self.line and self.index - key.index <= 1024:  # a simple key: one line, 1,024 characters
                return
            if key.required:
                raise ScannerError(
                    "while scanning a simple key", key.mark, "could not find expected ':'", self.get_mark()
                )
            del keys[level]


# YAML 1.1's "=" (the value key of a merge-like type PyYAML cannot construct) is a plain string to
# Prometheus's YAML reader: "expr: =" or "summary: =" must not cost the whole file.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:value"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Lines(dict):
    """A mapping of a rule file, with the line of each of its keys (``key_lines``): a warning about one
    value (a runbook_url) names that value's line, not the rule's; ``string_starts``: each string
    value's 0-based first line and YAML style ("|" a literal block), where a ConfigMap's embedded file starts."""

    key_lines: dict
    string_starts: dict


def _mapping_with_line(loader, node, deep=False):
    mapping = _Lines(loader.construct_mapping(node, deep=deep))
    mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k.value, str)}
    mapping.string_starts = {
        k.value: (v.start_mark.line, v.style or None) for k, v in node.value if isinstance(v, yaml.ScalarNode)
    }
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


class _CLineLoader(getattr(yaml, "CSafeLoader", _LineLoader)):
    """_LineLoader's resolvers and constructors over libyaml's parser (C): it reads a rule file some 4 times
    as fast (bench/pathological.py). PyYAML's own reader reads again what libyaml refuses: its messages, and
    what it accepts, stay the warnings' and the files' as they were."""


_CLineLoader.yaml_implicit_resolvers = _LineLoader.yaml_implicit_resolvers
_CLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def alias_problem(raw: str) -> tuple[int, int] | None:
    """(0-based line, the count) where the values ``raw``'s YAML aliases repeat (each alias: its anchor's values,
    counted as expanded) pass ``config.MAX_YAML_NODES``; None when they do not, or the text does not parse (the
    load says why). A rule file's "billion laughs", nine aliases of nine lists of ten, loads as shared lists,
    but the rules read over it went through each copy: `recur coverage` hung, 2.86 GB at 120 s. An anchor or
    two of shared labels, as rule files use them, repeats a few values. Counted from the parser's events, once
    each: no text without "&" (no anchor, so no alias) is read."""
    if "&" not in raw:
        return None
    anchors: dict[str, int] = {}
    open_: list[list] = []  # [anchor, values] of each list or mapping open
    repeated = 0
    try:
        for event in yaml.parse(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                open_.append([event.anchor, 1])
                continue
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)) and open_:
                anchor, size = open_.pop()
            elif isinstance(event, yaml.ScalarEvent):
                anchor, size = event.anchor, 1
            elif isinstance(event, yaml.AliasEvent):
                anchor, size = None, anchors.get(event.anchor, 1)
                repeated += size
                if repeated > config.MAX_YAML_NODES:
                    return event.start_mark.line, repeated
            else:
                continue
            if anchor is not None:
                anchors[anchor] = size
            if open_:
                open_[-1][1] = min(open_[-1][1] + size, config.MAX_YAML_NODES + 1)
    except (yaml.YAMLError, ValueError):  # ValueError: a lone surrogate libyaml cannot encode
        return None
    return None


def _documents(raw: str) -> list:
    """The YAML documents of a rule file: libyaml's, or PyYAML's when libyaml refuses the text (or is missing)."""
    if hasattr(yaml, "CSafeLoader"):
        try:
            return list(yaml.load_all(raw, Loader=_CLineLoader))
        except yaml.constructor.ConstructorError:
            raise  # our constructors', PyYAML's own: the same error, not read again
        except (yaml.scanner.ScannerError, yaml.parser.ParserError):
            # PyYAML's message for it: its parser alone says it (nothing before it failed to compose or construct
            # in libyaml's read, which runs our constructors), in half the time of a whole read
            for _ in yaml.parse(raw, Loader=_LineLoader):
                pass
        except (yaml.YAMLError, RecursionError):
            pass
    return list(yaml.load_all(raw, Loader=_LineLoader))  # libyaml refused what PyYAML reads ("\\ud800"), or none


# A Helm template action, told from Prometheus's own annotation templating ({{ $labels.instance }},
# {{ $value | humanize }}, {{ .Labels.job }}, {{ if gt $value 1.0 }}...{{ end }} inside a string),
# which nearly every rule file has: one naming a field Prometheus does not give templates
# (.Values, .Release, .name from a range), a Helm function, or an if/range/end on a line of its own.
ACTION = re.compile(r"\{\{-?(.*?)-?\}\}")
PROMETHEUS_FIELDS = {"Labels", "Value", "ExternalLabels", "ExternalURL"}
HELM_FIELD = re.compile(r"(?<![\w.])\.([A-Za-z_]\w*)")
HELM_WORDS = re.compile(r"^\s*(?:include|template|define|toYaml|tpl|required)\b|\|\s*(?:nindent|indent|toYaml|quote)\b")
CONTROL = re.compile(r"^\s*(?:if|else|end|range|with|define|block)\b")


BLOCK_SCALAR = re.compile(r"(?:^|:|-)\s*[|>][-+0-9]*\s*(?:#.*)?$")  # "description: |", "- >-"
# LogQL's line_format and label_format take a Go template in a string, where .name is a log label
# (``line_format "{{.method}} {{.path}}"``, ``label_format host="{{ .hostname }}"``): a Loki rule
# file using them was skipped as a Helm template, 0 alerts read. Inside such a string only what is
# Helm's alone marks Helm: its built-in objects and its own functions. The string is double-quoted,
# backquoted, or \"-quoted when the expr is itself a double-quoted YAML string.
_LOGQL_STRING = r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|\\".*?\\"'
_LOGQL_LABEL = rf"\w+\s*=\s*(?:{_LOGQL_STRING}|\w+)"  # dst="{{ .src }}", or dst=src (a rename)
LOGQL_FORMAT = re.compile(
    rf"\bline_format\s*(?:{_LOGQL_STRING})|\blabel_format\s+{_LOGQL_LABEL}(?:\s*,\s*{_LOGQL_LABEL})*"
)
HELM_OBJECTS = {"Values", "Release", "Chart", "Capabilities", "Files", "Template", "Subcharts"}
HELM_FUNCTIONS = re.compile(r"(?:^|[|(])\s*(?:include|tpl|toYaml|toJson|required|template|define|lookup)\b")


def _is_helm(action: str, alone: bool, in_block: bool, in_logql: bool) -> bool:
    """Whether a template action's text (its strings blanked) is Helm's; ``alone``: the action is the
    whole line; ``in_logql``: it is inside a LogQL line_format/label_format string."""
    fields = HELM_FIELD.findall(action)
    if in_logql:
        return any(f in HELM_OBJECTS for f in fields) or HELM_FUNCTIONS.search(action) is not None
    return (
        any(f not in PROMETHEUS_FIELDS for f in fields)
        or HELM_WORDS.search(action) is not None
        or (CONTROL.match(action) is not None and alone and not in_block)
    )


# a string in a template action: blanked before the action is read (_strings_blanked)
QUOTE = re.compile(r'["`]')
STRING = {'"': re.compile(r'"(?:[^"\\]|\\.)*"'), "`": re.compile(r"`[^`]*`")}


def _strings_blanked(action: str) -> str:
    """``action`` (a line's, no "\\n") with each string in it as ``""``: ``re.sub(r'"(?:[^"\\\\]|\\\\.)*"|`[^`]*`',
    '""', action)``, in time linear in its length. As that pattern, a quote no string closes is kept and the
    text after it read on; but once a quote runs to the end unclosed, every later quote of its kind does too
    (an escaped one starts where the first one's reading goes on), so none is read to the end again: the
    pattern did, and an action of 100,000 characters of escaped quotes took minutes (bench/pathological.py)."""
    kept, pos, unclosed = [], 0, set()
    for m in QUOTE.finditer(action):
        at, quote = m.start(), m.group()
        if at < pos or quote in unclosed:
            continue
        string = STRING[quote].match(action, at)
        if string is None:
            unclosed.add(quote)
            continue
        kept.append(action[pos:at] + '""')
        pos = string.end()
    return "".join(kept) + action[pos:]


def helm_line(raw: str) -> int | None:
    """The line of the first Helm template action in ``raw``, or None for a plain (rendered) file.
    An if/range/end alone on a line is Helm's only outside a block scalar: inside one it is the
    text of an annotation (Prometheus's ``{{ if gt $value 1.0 }}`` on its own line in a
    ``description: |``), and such a file was skipped as a Helm template, its alerts lost. Inside a
    LogQL format string (``LOGQL_FORMAT``) only Helm's objects and functions count."""
    logql = [m.span() for m in LOGQL_FORMAT.finditer(raw)]
    block = None  # the indent of the line that opened the block scalar we are in
    start = 0  # the offset of the line in raw
    for n, line in enumerate(raw.split("\n"), 1):
        indent = len(line) - len(line.lstrip(" "))
        if block is not None and line.strip() and indent <= block:
            block = None  # the block scalar ended at a line no deeper than its key
        # up to the line's last "}}": from a "{{" after it ACTION read to the line's end and found none, and did
        # so again from each (a line of 10,000 "{{" took 8 s, bench/pathological.py); before it each "{{" closes
        for m in ACTION.finditer(line, 0, line.rfind("}}") + 2):
            action = _strings_blanked(m.group(1))
            at = start + m.start()
            in_logql = any(a <= at < b for a, b in logql)
            if _is_helm(action, line.strip() == m.group(0), block is not None, in_logql):
                return n
        if block is None and BLOCK_SCALAR.search(line):
            block = indent
        start += len(line) + 1
    return None


def rule_files(path) -> list[Path]:
    path = Path(path)
    if path.is_file():
        return [path]
    if path.is_dir():
        # .rules: the name Prometheus's own examples give rule files (alert.rules)
        # a broken symbolic link is listed too: reading it is a warning, not a rule file silently missing
        return _distinct(
            p
            for p in _folder_files(path)
            if p.suffix.lower() in RULE_SUFFIXES  # K8S.YAML too: it was left out without a word
            and (p.is_file() or (p.is_symlink() and not p.exists()))
        )
    raise RecurError(f"--rules: {path} is not a file or folder")


def _folder_files(path: Path) -> list[Path]:
    """Everything under the folder ``path``, sorted, but a ConfigMap mount's ``..`` entries (``_distinct``)."""
    return [p for p in sorted(path.rglob("*")) if not any(part.startswith("..") for part in p.relative_to(path).parts)]


def _distinct(files) -> list[Path]:
    """Each file once, by the file it resolves to. A Kubernetes ConfigMap mounted as a folder holds
    each key twice: ``slo.yml -> ..data/slo.yml``, ``..data -> ..2026_03_01_10_00_00.123/``, the
    timestamped folder holding the file itself: its alerts were counted twice ("4 alert rule(s)
    (2 names)"). The ``..`` entries are left out by the caller (the name a user knows is the key's);
    two links to one file are one file, under its first name."""
    seen, out = set(), []
    for f in files:
        real = f.resolve()
        if real not in seen:
            seen.add(real)
            out.append(f)
    return out


def _datadog_monitors(doc) -> list | None:
    """A Datadog monitors export (the API's ``GET /api/v1/monitor`` list, or one monitor the UI exports
    as JSON) as one rule group of alerts named as the monitors are; None when ``doc`` is not one. It was
    "no alerting rules" alone, and in a folder skipped with no word, as a JSON file that is no rule file."""
    monitors = doc if isinstance(doc, list) else [doc]
    if not monitors or not all(
        isinstance(m, dict) and all(isinstance(m.get(k), str) for k in ("name", "type", "query")) for m in monitors
    ):
        return None
    rules = [
        {
            "alert": m["name"],
            "expr": m["query"],
            "annotations": {"description": m["message"]} if isinstance(m.get("message"), str) else {},
            "__line__": m.get("__line__", 1),
        }
        for m in monitors
    ]
    return [{"name": "Datadog monitors", "rules": rules, "__line__": 1}]


def _grafana_rules(doc) -> list | None:
    """Grafana's alert rules as its provisioning API lists them (``GET /api/v1/provisioning/alert-rules``,
    or one rule by uid): flat rules, each naming its ``ruleGroup``, as rule groups; None when ``doc`` is
    not that. Such a file was "no alerting rules" alone, and skipped without a word in a folder."""
    rules = doc if isinstance(doc, list) else [doc]
    if not rules or not all(
        isinstance(r, dict)
        and isinstance(r.get("title"), str)
        and "ruleGroup" in r
        and ("condition" in r or "data" in r)
        for r in rules
    ):
        return None
    groups: dict = {}
    for r in rules:
        name = r["ruleGroup"] if isinstance(r["ruleGroup"], str) else None
        groups.setdefault(name, {"name": name, "rules": [], "__line__": r.get("__line__", 1)})["rules"].append(r)
    return list(groups.values())


def _api_groups(doc) -> list | None:
    """The rule groups of Prometheus's HTTP API answer (``GET /api/v1/rules``, as Thanos and Mimir
    serve it too: ``{"status", "data": {"groups": [{"rules": [{"name", "query", "type"}]}]}}``), each
    rule as a rule file writes it (``alert``/``record`` and ``expr``); None when ``doc`` is not one.
    Such a dump was "no alerting rules" alone, and skipped without a word in a folder."""
    data = doc.get("data") if isinstance(doc, dict) else None
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list) or not all(
        isinstance(g, dict) and isinstance(g.get("rules"), list) for g in groups
    ):
        return None
    kind = {"alerting": "alert", "recording": "record"}
    return [
        {
            **{k: v for k, v in g.items() if k != "rules"},
            "rules": [
                {kind.get(r.get("type"), "alert"): r.get("name"), "expr": r.get("query"), **_api_extra(r)}
                for r in g["rules"]
                if isinstance(r, dict)
            ],
        }
        for g in groups
    ]


def _api_extra(r: dict) -> dict:
    """A rule's keys of the API's answer kept: its annotations, labels and line, and, for a rule Prometheus reports
    broken (``"health": "err"``), its ``lastError`` as ``__error__`` (a rule whose query fails detects nothing)."""
    extra = {k: r[k] for k in ("annotations", "labels", "__line__") if k in r}
    if r.get("health") == "err":
        error = r.get("lastError")
        extra["__error__"] = error.strip() if isinstance(error, str) and error.strip() else "health: err"
    return extra


def _groups(doc) -> list:
    """Rule groups of one YAML document: plain, PrometheusRule (spec.groups), a kind: List of them,
    Grafana alert provisioning (apiVersion 1, groups[].rules[].title) or its API's list of rules,
    Prometheus's /api/v1/rules answer, or Datadog monitors."""
    if (monitors := _datadog_monitors(doc)) is not None:
        return monitors
    if (rules := _grafana_rules(doc)) is not None:
        return rules
    if (groups := _api_groups(doc)) is not None:
        return groups
    if not isinstance(doc, dict):
        return []
    if isinstance(doc.get("items"), list):  # kind: List (kubectl get prometheusrules -o yaml)
        return [g for item in doc["items"] for g in _groups(item)]
    groups = doc.get("groups")
    if groups is None and isinstance(doc.get("spec"), dict):
        groups = doc["spec"].get("groups")
    if groups is None and _namespaces(doc):  # {namespace: [groups]}: a Mimir/Cortex/Loki ruler's API
        return [g for k, gs in doc.items() if k != "__line__" for g in gs]
    return groups if isinstance(groups, list) else _nested_groups(doc)


def _nested_groups(doc, depth: int = 0) -> list:
    """Rule groups held deeper in a document, under keys of its own: a Helm chart's values file
    (kube-prometheus-stack's ``additionalPrometheusRulesMap: {name: {groups: …}}``, the prometheus
    chart's ``serverFiles: {alerting_rules.yml: {groups: …}}``), which was "no alerting rules". Only
    a ``groups`` list of mappings that each hold a list of ``rules`` counts."""
    if depth > 5:
        return []
    if isinstance(doc, dict):
        groups = doc.get("groups")
        if (
            isinstance(groups, list)
            and groups
            and all(isinstance(g, dict) and isinstance(g.get("rules"), list) for g in groups)
        ):
            return groups
        values = [v for k, v in doc.items() if k != "__line__"]
    else:
        values = doc if isinstance(doc, list) else []
    return [g for v in values if isinstance(v, (dict, list)) for g in _nested_groups(v, depth + 1)]


def _namespaces(doc: dict) -> bool:
    """Whether ``doc`` maps rule namespaces to lists of rule groups, as the Mimir, Cortex and Loki
    rulers' ``GET /config/v1/rules`` (and ``mimirtool rules print``) write them."""
    values = [v for k, v in doc.items() if k != "__line__"]
    return bool(values) and all(
        isinstance(v, list) and v and all(isinstance(g, dict) and "rules" in g for g in v) for v in values
    )


def _alert(r: dict, f: Path, g: dict) -> Alert | None:
    ann = r.get("annotations") if isinstance(r.get("annotations"), dict) else {}
    name, source = r.get("alert"), "prometheus"
    if (
        not isinstance(name, str)
        and isinstance(r.get("title"), str)
        and ("condition" in r or "data" in r or "uid" in r)
    ):
        name, source = r["title"], "grafana"
    if not isinstance(name, str) or not name.strip():
        return None
    key = runbook_key(ann)
    text = lambda k: ann.get(k) if isinstance(ann.get(k), str) else ""  # noqa: E731
    labels = r.get("labels") if isinstance(r.get("labels"), dict) else {}
    severity = labels.get("severity") if isinstance(labels.get("severity"), str) else ""
    return Alert(
        name.strip(),
        str(f),
        r.get("__line__", 1),
        ann[key].strip() if key else None,
        g.get("name") if isinstance(g.get("name"), str) else None,
        text("summary"),
        text("description") or text("message"),
        source,
        getattr(ann, "key_lines", {}).get(key),
        severity,
        {k: v for k, v in labels.items() if isinstance(k, str) and isinstance(v, str) and k != "__line__"},
        r.get("__error__"),
    )


def read_file(f: Path) -> tuple[list[Alert], list[str]]:
    """Alerts of one rule file, and warnings; a file that cannot be read is one warning, never an abort."""
    try:
        data = f.read_bytes()
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # the line of the bad byte, as `recur import` names it (it said ":1")
        line = data.count(b"\n", 0, exc.start) + 1
        return [], [f"{f}:{line}: skipped: cannot be read as UTF-8 text"]
    except OSError as exc:
        return [], [f"{f}:1: skipped: cannot be read ({exc.strerror or exc.__class__.__name__})"]
    return read_text(f, raw)


# A Prometheus 1.x rule file ("ALERT Name" then "IF expr"), which Prometheus 2.0 replaced with YAML
V1_ALERT = re.compile(r"^ALERT[ \t]+[A-Za-z_:][A-Za-z0-9_:]*[ \t]*$(?:\n[ \t]*(?:#.*)?$)*\n[ \t]*IF\b", re.M)
RULE_SUFFIXES = (".yml", ".yaml", ".rules", ".json")
# a rule file nested deeper than Recur reads YAML: by the pre-check (nesting_problem) or by PyYAML's recursion
_TOO_DEEP = "lists or mappings nested deeper than this tool reads (deepest at this line)"


def read_text(f: Path, raw: str) -> tuple[list[Alert], list[str]]:
    """Alerts and warnings of a rule file's text (a ConfigMap's embedded rule files are read too)."""
    if (m := V1_ALERT.search(raw)) is not None:
        line = raw.count("\n", 0, m.start()) + 1
        return [], [
            f"{f}:{line}: skipped: a Prometheus 1.x rule file (ALERT ... IF ...), which Prometheus 2 and later "
            f"do not read: convert it to YAML with Prometheus 2's `promtool update rules {f.name}`"
        ]
    if (line := sloth_line(raw)) is not None:  # before Helm's: its "[{{.window}}]" queries were "a Helm template"
        return [], [f"{f}:{line}: skipped: a Sloth SLO spec: point --rules at `sloth generate`'s output"]
    if (line := helm_line(raw)) is not None:
        return [], [f"{f}:{line}: skipped: a Helm template (render it first: helm template ...)"]
    if (deep := nesting_problem(raw)) is not None:  # before PyYAML: 1 MB nested 400 deep took it 30-45 s
        return [], [f"{f}:{deep[0] + 1}: skipped: {_TOO_DEEP}: {deep[1]}, more than {config.MAX_YAML_DEPTH}"]
    if (bomb := alias_problem(raw)) is not None:
        return [], [
            f"{f}:{bomb[0] + 1}: skipped: YAML aliases (*name) here repeat {bomb[1]:,} values, more than this tool "
            f"reads, {config.MAX_YAML_NODES:,} (an alias bomb?): write the values out"
        ]
    broken = None
    try:
        docs = _documents(raw)
    except RecursionError:  # PyYAML composes a node's children by recursion: "[[[…" 500 deep exceeds Python's limit
        return [], [f"{f}:{_deepest_line(raw)}: skipped: {_TOO_DEEP}"]
    except Exception as exc:  # noqa: BLE001 - any YAML PyYAML cannot read: one warning, the documents before it read
        docs, broken = _before_broken(f, raw, exc)
    alerts, notes = [], [] if broken is None else [broken]
    for doc in docs:
        for key, embedded in _configmap_files(doc):
            a, n = read_text(f, embedded)
            alerts, notes = alerts + a, notes + [_in_key(x, f, key) for x in n if ": no alerting rules (" not in x]
        notes += _shape_notes(doc, f)
        for g in _groups(doc):
            a, n = _group(g, f, doc)
            alerts, notes = alerts + a, notes + n
        notes += _repeated_groups(_groups(doc), f)
    if not alerts and not notes:
        kinds = [doc.get("kind") for doc in docs if isinstance(doc, dict)]
        hint = next((_KIND_HINTS[k] for k in kinds if isinstance(k, str) and k in _KIND_HINTS), "")
        notes.append(
            f"{f}: no alerting rules (groups[].rules[].alert, Grafana rules[].title, or Datadog monitors) found{hint}"
        )
    return alerts, notes


DOCUMENT_START = re.compile(r"^---(?:[ \t]|$)")


def _before_broken(f: Path, raw: str, exc: Exception) -> tuple[list, str]:
    """(the documents of ``raw`` before the one YAML cannot read, the warning about it): where, with the line and
    column, and what to do when `recur check`'s reader of YAML knows (an unquoted ': ' in a value: its quoted form).
    It said "skipped: not YAML this tool can read (mapping values are not allowed here)", and a file of several
    documents lost them all."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return [], f"{f}:1: skipped: not YAML this tool can read ({what})"
    lines = raw.split("\n")
    start = max((n for n in range(min(mark.line, len(lines))) if DOCUMENT_START.match(lines[n])), default=0)
    end = next((n for n in range(start + 1, len(lines)) if DOCUMENT_START.match(lines[n])), len(lines))
    at, column = mark.line + 1, f", column {mark.column + 1}"
    try:  # the broken document through the KB's reader, whose messages say what to write instead
        load_yaml("\n".join(lines[start:end]) + "\n", start)
    except ParseError as err:
        said = err.message.removeprefix("YAML does not parse: ")
        if end == mark.line:  # PyYAML stopped at the next document's "---" (a quote left open read on to it)
            said = said.replace("found unexpected end of stream", what)
        # its message when it gives advice (a hint in brackets, the text quoted), not the parser's words alone,
        # at its line: a quote left open on line 7 is at fault, not the "---" on line 8 PyYAML stopped at
        if start < err.line <= mark.line + 1 and re.search(r"[(:]", said):
            what = said
            if err.line != at:
                at, column = err.line, _column(getattr(exc, "context_mark", None), err.line)
    docs: list = []
    if start:
        try:
            docs = _documents("\n".join(lines[:start]))
        except Exception:  # noqa: BLE001 - the split was no document's end after all: none kept
            docs = []
    where = f"{f}:{at}: skipped"
    if docs:
        where += f" (this document, from line {start + 1}, and the rest of the file; {plural(len(docs), 'document')} before it read)"
    return docs, f"{where}: invalid YAML at line {at}{column}: {what}"


def _column(mark, line: int) -> str:
    """ ", column N" of a PyYAML mark on ``line`` (from 1), or "" when it is on another line."""
    return f", column {mark.column + 1}" if mark is not None and mark.line + 1 == line else ""


# A Sloth SLO spec ("version: prometheus/v1" over "slos:", or its Kubernetes kind PrometheusServiceLevel): the
# source `sloth generate` makes rule files of, no rule file; its queries' "{{.window}}" made it "a Helm template"
_SLOTH_VERSION = re.compile(r"""^version:[ \t]*["']?prometheus/v1["']?[ \t]*(?:#.*)?$""", re.M)
_SLOTH_KIND = re.compile(r"^kind:[ \t]*[\"']?PrometheusServiceLevel[\"']?[ \t]*(?:#.*)?$", re.M)


def sloth_line(raw: str) -> int | None:
    """The line of a Sloth SLO spec's version (or kind) in ``raw``, or None when it is none."""
    m = _SLOTH_KIND.search(raw)
    if m is None and re.search(r"^slos:", raw, re.M):
        m = _SLOTH_VERSION.search(raw)
    return None if m is None else raw.count("\n", 0, m.start()) + 1


# what a Kubernetes object with no rule groups of its own is, and where its rules are: "no alerting rules" alone
# left a Pyrra SLO or a ThanosRuler pointed at unexplained
_KIND_HINTS = {
    "ServiceLevelObjective": (
        ": a Pyrra ServiceLevelObjective, whose alerts Pyrra writes to a PrometheusRule: point --rules at that "
        "(kubectl get prometheusrules -o yaml)"
    ),
    "ThanosRuler": (
        ": a ThanosRuler, which loads the PrometheusRules its ruleSelector picks: point --rules at those "
        "(kubectl get prometheusrules -o yaml)"
    ),
}


def _deepest_line(raw: str) -> int:
    """The line (from 1) at which ``raw``'s "[" and "{" first stand deepest, or, with none, its most indented line:
    where a file PyYAML could not read for its nesting is nested most (strings are not told apart: a hint)."""
    depth = deepest = 0
    line = at = 1
    for m in re.finditer(r"[\[{]|[\]}]|\n", raw):
        if m.group() == "\n":
            line += 1
        else:
            depth += 1 if m.group() in "[{" else -1
            if depth > deepest:
                deepest, at = depth, line
    if deepest:
        return at
    indents = [len(ln) - len(ln.lstrip(" ")) for ln in raw.split("\n")]
    return indents.index(max(indents)) + 1


def _configmap_files(doc) -> list[tuple[str, str]]:
    """The rule files a Kubernetes ConfigMap manifest holds as strings (``data: {alerts.yaml: |...}``),
    as (data key, text), each text preceded by blank lines so that its lines are the manifest's: the rules
    `kubectl apply` mounts as files were read as a document with no groups ("no alerting rules"), and a
    warning inside one named the line within the string, which the user cannot open."""
    if not isinstance(doc, dict) or doc.get("kind") != "ConfigMap" or not isinstance(doc.get("data"), dict):
        return []
    data = doc["data"]
    out = []
    for key, value in data.items():
        if not (isinstance(key, str) and key.lower().endswith(RULE_SUFFIXES) and isinstance(value, str)):
            continue
        # The value's own node, not a search of the text for the key: a file of several ConfigMaps
        # (`---`) holding the same key put the second one's lines at the first one's.
        first, style = getattr(data, "string_starts", {}).get(key, (0, None))
        # A literal block's lines are the manifest's lines after its `|`, one for one; a quoted or
        # folded string's are not (its newlines are escapes or folds): counted from the value's line.
        out.append((key, "\n" * (first + 1 if style == "|" else first) + value))
    return out


def _in_key(note: str, f: Path, key: str) -> str:
    """A warning about a ConfigMap's embedded file, naming its data key after the manifest's line."""
    return re.sub(rf"^{re.escape(str(f))}:\d+: ", lambda m: f"{m.group(0)}data key {key}: ", note, count=1)


def _shape_notes(doc, f: Path) -> list[str]:
    """A document whose ``groups`` (or ``spec.groups``) is a mapping, not a list of groups."""
    if not isinstance(doc, dict):
        return []
    holder = doc["spec"] if "groups" not in doc and isinstance(doc.get("spec"), dict) else doc
    groups = holder.get("groups")
    if not isinstance(groups, dict):
        return []
    line = groups.get("__line__", holder.get("__line__", 1))
    return [f"{f}:{line}: groups: a list of rule groups (- name: ...), not a mapping (file skipped)"]


def _group(g, f: Path, doc) -> tuple[list[Alert], list[str]]:
    """The alerts of one rule group, and warnings about it: what Prometheus would reject, said where it is."""
    rules = g.get("rules") if isinstance(g, dict) else None
    if isinstance(g, dict) and rules is None:
        # `rules:` empty or left out: Prometheus loads such a group (a chart rendering no rules writes it), and it
        # holds no alert; it was warned "each group needs a list of rules (group skipped)"
        return [], []
    if not isinstance(rules, list):
        where = g.get("__line__", 1) if isinstance(g, dict) else doc.get("__line__", 1)
        what = "each group needs a list of rules" if isinstance(g, dict) else f"a group is a mapping, not {_shown(g)}"
        return [], [f"{f}:{where}: rules: {what} (group skipped)"]
    alerts = [a for a in (_alert(r, f, g) for r in rules if isinstance(r, dict)) if a]
    notes = [
        f"{f}:{r.get('__line__', 1)}: alert: not a name ({_shown(r['alert'])}); rule skipped"
        for r in rules
        if isinstance(r, dict) and "alert" in r and not (isinstance(r["alert"], str) and r["alert"].strip())
    ]
    notes += [
        f"{f}:{g.get('__line__', 1)}: rules: a rule is a mapping, not {_shown(r)} (rule skipped)"
        for r in rules
        if not isinstance(r, dict)
    ]
    return alerts, notes + _rule_notes(rules, f)


def _rule_notes(rules: list, f: Path) -> list[str]:
    """Prometheus rules Prometheus would reject (the whole file): one with no ``expr``, one with neither
    ``alert`` nor ``record``. Grafana's rules (``title``) have neither and are not Prometheus's."""
    notes = []
    for r in rules:
        if not isinstance(r, dict) or "title" in r:
            continue
        line = r.get("__line__", 1)
        if r.get("__error__") and "alert" in r:
            notes.append(
                f"{f}:{line}: {r['alert']}: Prometheus reports the rule broken (health err: {r['__error__']}): "
                "not counted as detecting a pattern"
            )
        if "alert" not in r and "record" not in r:
            notes.append(f"{f}:{line}: a rule with neither alert nor record (Prometheus rejects the file)")
        elif r.get("expr") is None or not str(r["expr"]).strip():  # `expr: 1` is an expression too
            name = r.get("alert") or r.get("record")
            notes.append(f"{f}:{line}: {name}: no expr (Prometheus rejects the file; the alert is counted)")
    return notes


def _repeated_groups(groups: list, f: Path) -> list[str]:
    """Group names repeated in one file (Prometheus: "groupname ... is repeated in the same file")."""
    first, notes = {}, []
    for g in groups:
        name = g.get("name") if isinstance(g, dict) else None
        rules = g.get("rules") if isinstance(g, dict) and isinstance(g.get("rules"), list) else []
        if not isinstance(name, str) or any(isinstance(r, dict) and "title" in r for r in rules):
            continue  # Grafana's groups are named per folder
        if name in first:
            notes.append(
                f"{f}:{g.get('__line__', 1)}: group name {name!r} is repeated in the file (first at line "
                f"{first[name]}): Prometheus rejects the file"
            )
        else:
            first[name] = g.get("__line__", 1)
    return notes


def _shown(value) -> str:
    """A value of a rule file as a warning shows it: without the line numbers this reader adds."""
    text = repr(_without_lines(value))
    return text if len(text) <= 60 else text[:57] + "..."


def _without_lines(value):
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def read_rules(path) -> tuple[list[Alert], list[str]]:
    """Alerting rules from a folder (recursively, *.yml / *.yaml / *.rules, and *.json that hold rule groups, the
    suffixes in any case) or one file; returns (alerts, warnings).
    Files that cannot be read are skipped with one warning each; a folder's files of rules in a form not read
    (``_UNREAD``: Terraform, Jsonnet, templates) are named in one warning."""
    alerts, notes = [], []
    if Path(path).is_file() and Path(path).suffix.lower() in _UNREAD:  # was "no alerting rules ... found"
        return [], [_unread_note([Path(path)])]
    for f in rule_files(path):
        if f.suffix.lower() == ".json" and Path(path).is_dir() and not _json_rules(f):
            continue  # a dashboard or other JSON beside the rules: not a rule file, no warning
        a, n = read_file(f)
        alerts += a
        notes += n
    if Path(path).is_dir() and (unread := unread_files(path)):
        notes.append(_unread_note(unread))
    return alerts, notes


def _unread_note(unread: list[Path]) -> str:
    """The warning naming files of rules in a form not read, with what to do (``_UNREAD``), the first 5 named."""
    named = ", ".join(f"{f} ({_UNREAD[f.suffix.lower()]})" for f in unread[:5])
    more = f", and {len(unread) - 5} more" if len(unread) > 5 else ""
    return f"{plural(len(unread), 'file')} not read: {named}{more}"


# files of a rules folder that hold alerting rules in a form this tool does not read, by their suffix, with what
# to do: they were passed over without a word, and their alerts missing looked like patterns with no alert
_UNREAD = {
    ".tf": "Terraform: export the rules as YAML",
    ".hcl": "HCL: export the rules as YAML",
    ".jsonnet": "Jsonnet: render it to YAML first, with jsonnet -S or the mixin's make",
    ".libsonnet": "Jsonnet: render it to YAML first, with jsonnet -S or the mixin's make",
    ".j2": "a Jinja template: render it first",
    ".jinja": "a Jinja template: render it first",
    ".jinja2": "a Jinja template: render it first",
    ".tpl": "a template: render it first",
    ".gotmpl": "a template: render it first",
}


def unread_files(path) -> list[Path]:
    """The files under the folder ``path`` that hold rules in a form not read (``_UNREAD``: Terraform, Jsonnet, a
    Jinja or Go template such as ``prod.rules.yml.j2``), ``..`` entries of a ConfigMap mount left out."""
    return [p for p in _folder_files(Path(path)) if p.suffix.lower() in _UNREAD and p.is_file()]


def _json_rules(f: Path) -> bool:
    """Whether a JSON file found in a rules folder holds rule groups (Grafana's provisioning or export
    as JSON, `kubectl get prometheusrules -o json`); one that cannot be read is left to read_file's warning."""
    import json

    try:
        doc = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # "[[[…" 1,000 deep: read_file says so
        return True
    return bool(_groups(doc))


def _unquoted(value: str) -> str:
    """A name or regex as a signal writes it (``MATCHER``'s value, ``ALERT_KEY``'s) without its quotes:
    in a quoted PromQL string \\" and \\\\ are escapes (a regex's \\. is kept); a backquoted one is raw."""
    if value[:1] in ('"', "'"):
        return re.sub(r"""\\(["'\\])""", r"\1", value[1:-1])
    return value[1:-1] if value[:1] == "`" else value


def signal_alerts(signal: str) -> list[tuple[str, bool]]:
    """Alert names a signal names: [(name, explicit)]. A quoted name is the whole string (a Grafana
    alert's title: ``alertname="pg-conn-saturation"`` named an alert "pg"); an unquoted one is the
    identifier it starts with, as before."""
    names = []
    for m in MATCHER.finditer(signal):
        bare = BARE_NAME.match(m.group(2))
        name = _unquoted(m.group(2)).strip() if m.group(2)[:1] in "\"'`" else bare.group(0) if bare else ""
        if m.group(1) == "=" and name:
            names.append((name, True))
    for m in ALERT_KEY.finditer(signal):
        name = _unquoted(m.group(1)).strip()
        if name:
            names.append((name, True))
    if not names and CAMEL.match(signal.strip()):
        names.append((signal.strip(), False))
    return names


def signal_regexes(signal: str) -> list[tuple[str, re.Pattern | None, str | None]]:
    """The ``alertname=~`` regexes of a signal: [(regex, compiled or None, why it does not compile)]."""
    out = []
    for m in MATCHER.finditer(signal):
        if m.group(1) != "=~":
            continue
        value = _unquoted(m.group(2))
        try:
            out.append((value, re.compile(value, re.I), None))
        except (re.error, OverflowError) as exc:  # OverflowError: a{99999999999999999999}
            out.append((value, None, str(exc)))
    return out


# The annotations that hold an alert's runbook link: Prometheus's convention (runbook_url), the shorter
# runbook some rule sets use, and Grafana's (its "Runbook URL" field is saved as runbook_url; runbookURL
# in some exports), compared case-insensitively, in this order.
RUNBOOK_KEYS = ("runbook_url", "runbook", "runbookurl")


def runbook_key(annotations: dict):
    """The key of an alert's runbook link among its annotations (``RUNBOOK_KEYS``), or None."""
    keys = {str(k).lower(): k for k, v in annotations.items() if isinstance(v, str) and v.strip()}
    return next((keys[k] for k in RUNBOOK_KEYS if k in keys), None)


def runbook_url(annotations: dict) -> str | None:
    """An alert's runbook link (``RUNBOOK_KEYS``), or None."""
    key = runbook_key(annotations)
    return annotations[key].strip() if key is not None else None


TEMPLATED, WHEN_FIRED = "is templated ({{ ... }})", ": which page it opens is known only when the alert fires"


def runbook_link(url: str, pages: dict, site_url: str | None, retired=frozenset()) -> tuple[str | None, str | None]:
    """(pattern id, None) when ``url`` is the page of a pattern of ``pages`` ({id: its KB path}) not in
    ``retired``, else (None, why it is not: None for a URL that is not ours). The one
    reading of a runbook link: `recur coverage` counts the alert as detecting that pattern, and the
    webhook answers the alert with it first. With ``site_url`` a URL is ours under it, and then must
    be the page `recur site` writes (``.../patterns/<category>/<id>.html``); without it, a URL naming
    a pattern is; a relative URL (no host) naming a pattern is ours either way."""
    try:
        parsed = urlparse(url)
    except ValueError as exc:  # "http://[runbooks/x": urlparse raises; no reader can follow it either
        return None, f"is not a URL ({exc})"
    # templating in the host or path: Prometheus fills it in when the alert fires, no page to check here
    # (without site_url, ours is a URL naming a pattern, which this one does not until then); in the query
    # or fragment alone (?i={{ $labels.instance }}) the page is known (found in review: it was not counted)
    if "{{" in parsed.netloc + parsed.path:
        return None, TEMPLATED + WHEN_FIRED if site_url and is_ours(url, site_url) else None
    pid = url_pattern(url, pages)
    relative = not parsed.scheme and not parsed.netloc
    if (site_url and not is_ours(url, site_url) and not (relative and pid)) or (not site_url and pid is None):
        return None, None
    if pid is None:
        return None, _no_page(parsed.path, pages)
    if pid in retired:  # ``retired`` as {id: its successors} names where to point the link instead
        found = retired[pid] if isinstance(retired, dict) else None
        return None, f"points at retired pattern {pid}" + (f" (superseded by {' and '.join(found)})" if found else "")
    page = site_page(pages[pid])
    if site_url and not ("/" + parsed.path.lstrip("/")).endswith("/" + page):
        # the site has one page per pattern, under its category: a URL naming the id elsewhere (a
        # pattern moved to another category, a guessed path) is a 404 for the responder
        return None, f"is not the page of {pid}, which is .../{page}"
    return pid, None


def _moved(path: str, pid: str, relpath: str) -> bool:
    """Whether a URL's ``path`` names pattern ``pid``'s page, or its file, under another category's folder than its
    file (``relpath``) is in: ``.../patterns/capacity/disk-full.html`` once disk-full.md moved to patterns/storage/.
    Without --site-url the category was not looked at, and `recur coverage` counted an alert linking the page's old
    address, a 404 since the move, as linking the pattern (found keeping a team's KB). Only a path ending in the id
    is such a page: another wiki's ``/patterns/disk-full/runbook`` was taken for one (found re-reading it).
    Coverage's alone: the webhook still takes the link for the pattern it names, as it did."""
    parts = [p for p in path.split("/") if p]
    here = relpath.split("/")
    if len(parts) < 3 or len(here) != 3 or parts[-3] != "patterns" or parts[-2] == here[1]:
        return False
    last = parts[-1]
    for suffix in (".html", ".md", ".htm"):  # as url_pattern reads a page's name
        last = last.removesuffix(suffix)
    return last == pid


def _no_page(path: str, pages: dict) -> str:
    """Why a URL of ours names no pattern, with the page it may have meant (a misspelt id)."""
    from recur.util.text import close_names

    last = re.sub(r"\.(html?|md)$", "", path.rstrip("/").rsplit("/", 1)[-1])
    near = close_names(last, list(pages), n=1) if last else []
    return "points at no pattern page" + (f" (did you mean .../{site_page(pages[near[0]])}?)" if near else "")


def url_pattern(url: str, patterns: dict) -> str | None:
    """The pattern id a runbook URL points at, or None."""
    parts = [p for p in urlparse(url).path.split("/") if p]
    for seg in reversed(parts):
        for suffix in (".html", ".md", ".htm"):
            if seg.endswith(suffix):
                seg = seg[: -len(suffix)]
        if seg in patterns:
            return seg
    return None


def _mentions(text: str, name: str) -> bool:
    """``name`` in ``text`` as a whole word, case-insensitively (PostgreSQLTooManyConnections = Postgresql…)."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text, re.I) is not None


def _texts(p) -> tuple[str, str, list, list, set, list]:
    """A pattern's text as alerts are looked for in it: (its signals, its prose, the code spans of its
    prose, its signals' alertname regexes, the names its signals give as alerts (lower-cased), the code
    spans of its signals)."""
    prose = "\n".join([p.title, *p.symptoms, *p.sections.values()])
    signals = "\n".join(p.signals)
    # alertname!="Watchdog" excludes Watchdog and alertname=~"KubeJob(Failed|X)" names no KubeJob:
    # the words of such matchers are not mentions; a regex's alerts are those it matches whole
    plain = MATCHER.sub(lambda m: m.group(0) if m.group(1) == "=" else " ", signals)
    regexes = [rx for s in p.signals for _, rx, _ in signal_regexes(s) if rx]
    named = {n.lower() for s in p.signals for n, _ in signal_alerts(s)} | {s.strip().lower() for s in p.signals}
    return plain, prose, re.findall(r"`([^`\n]+)`", prose), regexes, named, re.findall(r"`([^`\n]+)`", signals)


# what marks a name as an identifier, not a word: CamelCase, an acronym before a capitalised word (NTPDown,
# OOMKilled: they read as words, found in review; one of two letters too, KVMUp, SSLOk, which wanted two
# lower-case letters; an acronym's plural, CPUs, IPs, its one "s", is still a word), "_" or ":",
# three letters and a digit side by side (Http2, etc_2); a name without it (Memory, 503, p99, Out of memory,
# Connection refused: Grafana titles) is ordinary words
IDENTIFIER = re.compile(CAMEL_CASE + r"|[_:]|[A-Za-z]{3}[0-9]|[0-9][A-Za-z]{3}")


def _mentioned_by(texts: tuple, name: str) -> bool:
    """Whether a pattern (its ``_texts``) names alert ``name``: in a signal, or in its prose, when the name reads
    as an identifier (``IDENTIFIER``: NodeDiskFull, NTPDown, etc_2). A name of ordinary words (Grafana titles:
    Memory, 503, p99, Out of memory, Connection refused) counts only where a signal names it as an alert
    (alertname="Memory", ``alert: Memory``, the whole signal) or a code span of the pattern is it or names it
    so: any signal with its words counted (503: 5 patterns; "Connection refused": ``dial tcp ...: connection
    refused``; Replication: "non-replication superuser"), and so did a command in a code span (`redis-cli`: Redis)."""
    signals, prose, spans, regexes, named, signal_spans = texts
    if any(rx.fullmatch(name) for rx in regexes):
        return True
    if not IDENTIFIER.search(name):
        return name.lower() in named or any(_names_alert(span, name) for span in [*signal_spans, *spans])
    return _mentions(signals, name) or _mentions(prose, name)


def _names_alert(span: str, name: str) -> bool:
    """Whether a code span is alert ``name`` (`Memory`) or names it as one (`ALERTS{alertname="Memory"}`): a
    command in a span (`redis-cli --hotkeys`, `nginx -T`) made a Grafana alert titled Redis or nginx detect the pattern."""
    return span.strip().lower() == name.lower() or any(n.lower() == name.lower() for n, _ in signal_alerts(span))


def site_page(relpath: str) -> str:
    """The page `recur site` writes for the KB file ``relpath`` (``x.md`` is ``x.html``: the site
    turns directory URLs off, so ``.../x/`` is no page on a static host)."""
    return re.sub(r"\.md$", ".html", relpath)


def is_ours(url: str, site_url: str | None) -> bool:
    """True when ``url`` is under ``site_url`` (same host, path below it)."""
    if not site_url:
        return False
    a, b = urlparse(url), urlparse(site_url if "://" in site_url else "https://" + site_url)
    base = b.path.rstrip("/")
    # below it at a '/' boundary: another site beside ours (/team-kb-old/ next to /team-kb/) is
    # not ours, and its pages must not count as links to our patterns
    return a.netloc.lower() == b.netloc.lower() and (a.path == base or a.path.startswith(base + "/"))


def _slip(a: str, b: str) -> int | None:
    """The edit distance of two words when one is a slip of the other (1 edit, 2 in words of 6 or more
    letters), else None: node/pod or space/files are other words, not a slip."""
    most = 1 if min(len(a), len(b)) < 6 else 2
    d = edit_distance(a, b, most)
    return d if d <= most else None


def did_you_mean(name: str, names: list[str]) -> list[str]:
    """Up to 3 of ``names`` that ``name`` is a slip of, nearest first: the same words written otherwise
    (case, CamelCase or separators: PostgreSQLDown, PostgresqlDown), or the same words but one, a slip of
    it (PostgresDown, PostgresqlDown; KubePodCrashloping, KubePodCrashLooping: one edit). Compared word
    by word: by characters, difflib suggested alerts for another condition or system, a whole word
    differing (NodeFilesystemAlmostOutOfSpace: ...OutOfFiles, MySQLReplicationLag:
    PostgresqlReplicationLag, KubeNodeNotReady: KubePodNotReady; found in review)."""
    words = name_words(name)
    found = []
    for other in dict.fromkeys(names):
        theirs = name_words(other)
        if len(theirs) == len(words):
            differ = [(a, b) for a, b in zip(words, theirs) if a != b]
            d = 0 if not differ else _slip(*differ[0]) if len(differ) == 1 else None
        else:  # a word's case slipped too (KubePodCrashloping: one word), or only the split differs
            d = edit_distance("".join(words), "".join(theirs), 1)
            d = d if d <= 1 else None
        if d is not None:
            found.append((d, other))
    return [n for _, n in sorted(found, key=lambda x: (x[0], x[1].lower()))][:3]


def _missing(active: dict, names: list[str]) -> list[MissingAlert]:
    known = {n.lower() for n in names}
    out: list[MissingAlert] = []
    for pid, p in sorted(active.items()):
        for n, s in enumerate(p.signals):
            row = {"pattern": pid, "signal": s, "path": p.relpath, "line": p.line("signals", n)}
            for name, explicit in signal_alerts(s):
                if name.lower() not in known:
                    out.append(_missing_row(row, name, explicit, names))
            for source, rx, error in signal_regexes(s):
                if error is not None:
                    out.append({**_missing_row(row, source, True, names), "regex": True, "regex_error": error})
                elif not any(rx.fullmatch(name) for name in names):
                    out.append({**_missing_row(row, source, True, names), "regex": True})
    return out


def _missing_row(row: dict, alert: str, explicit: bool, names: list[str]) -> MissingAlert:
    """A row of ``_missing``, its keys in the order the JSON has always had them."""
    return {
        "pattern": row["pattern"],
        "alert": alert,
        "explicit": explicit,
        "signal": row["signal"],
        "path": row["path"],
        "line": row["line"],
        "did_you_mean": did_you_mean(alert, names),
    }


def _runbooks(alerts: list[Alert], patterns: dict, site_url: str | None) -> tuple[dict, list, list, list]:
    """(pattern id -> alert names linking it, broken URLs, external URLs, templated URLs). With ``site_url`` only
    URLs under it are ours and checked; without it, a URL is ours when it names a pattern page. A templated URL
    whose host is unknown until the alert fires (``{{ $externalURL }}/patterns/...``, or a path alone) is neither
    ours nor external: it was listed as external with host "(no host)" (found in review); it is not checkable."""
    linked, bad, external, templated, seen = {}, [], [], [], set()
    pages = {pid: p.relpath for pid, p in patterns.items()}
    retired = {pid: successors(patterns, pid) for pid, p in patterns.items() if p.status == "retired"}
    for a in alerts:
        # one row per name and URL as Prometheus sends it: by the URL as written, a second rule of the name with
        # another label (and so another page) was dropped
        url = rendered_url(a.runbook_url, a.labels) if a.runbook_url else ""
        if not url or (a.name.lower(), url) in seen:
            continue
        seen.add((a.name.lower(), url))
        row = {"alert": a.name, "url": a.runbook_url, "file": a.file, "line": a.runbook_line or a.line}
        if url != a.runbook_url:
            row["rendered"] = url  # with the rule's own labels filled in, as Prometheus sends it
        pid, why = runbook_link(url, pages, site_url, retired)
        if pid is not None and _moved(urlparse(url).path, pid, pages[pid]):
            pid, why = None, f"is not the page of {pid}, which is .../{site_page(pages[pid])} (moved)"
        if pid is not None:
            linked.setdefault(pid, []).append(a.name)
        elif why is not None and not why.startswith(TEMPLATED):
            bad.append({**row, "reason": why})
        elif why is not None or _host_templated(url):  # still templated under --site-url: not checkable, not broken
            templated.append(row)
        else:
            external.append({**row, "host": urlparse(url).netloc or "(no host)"})
    return linked, bad, external, templated


# a label in a template, as Prometheus gives rules' annotations their alert's labels: {{ $labels.x }}, {{ .Labels.x }}
LABEL_REF = re.compile(r"\{\{-?\s*(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}")


def rendered_url(url: str, labels: dict) -> str:
    """``url`` with each ``{{ $labels.x }}`` (``{{ .Labels.x }}``) of a label the rule sets itself filled in, as
    Prometheus renders it (a rule's labels are its alert's, over the series'); the others left templated. A link
    templated only with the rule's own label (``.../{{ $labels.pattern }}.html`` beside ``pattern: disk-full``) was
    "templated: not checkable", and under --site-url a broken runbook_url failing --strict."""

    def fill(m: re.Match) -> str:
        value = labels.get(m.group(1))
        return value if isinstance(value, str) and "{{" not in value else m.group(0)  # a templated label: as sent

    return LABEL_REF.sub(fill, url)


def _host_templated(url: str) -> bool:
    """Whether ``url`` is templated (``{{ }}``) where its host is or would be: in its host, or with no host at all
    (``{{ $externalURL }}/x``, ``patterns/{{ $labels.id }}.html``), so which site it opens is known only when the
    alert fires. (runbook_link has parsed it: a URL urlparse refuses is a bad one, never asked here.)"""
    parsed = urlparse(url)
    return "{{" in parsed.netloc or (not parsed.netloc and "{{" in parsed.path)


def _fold(alerts: list[Alert]) -> list[dict]:
    """One row per alert name (case-insensitively) per file and rule group; its lines listed."""
    rows: dict = {}
    for a in alerts:
        key = (a.file, a.group or "", a.name.lower())
        if key in rows:
            rows[key]["lines"].append(a.line)
            rows[key]["count"] += 1
        else:
            rows[key] = {
                "alert": a.name,
                "file": a.file,
                "line": a.line,
                "group": a.group,
                "lines": [a.line],
                "count": 1,
            }
    return sorted(rows.values(), key=lambda r: (r["file"], r["group"] or "", r["line"]))


def by_file(rows: list[dict]) -> dict:
    """{file: {group: [alert names]}} of folded rows."""
    out: dict = {}
    for r in rows:
        out.setdefault(r["file"], {}).setdefault(r["group"] or "(no group)", []).append(r["alert"])
    return out


# the counts, each the length of the list of the same name; JSON_KEYS: the report's, in their order
COUNTED = [
    "missing_alerts",
    "alert_like_unknown",
    "unmentioned_alerts",
    "heartbeat_alerts",
    "undetected",
    "bad_runbook_urls",
    "external_runbook_urls",
    "templated_runbook_urls",
    "detected",
]
JSON_KEYS = [
    "alerts",
    "alert_names",
    "patterns",
    "site_url",
    "counts",
    *COUNTED[:3],
    "unmentioned_by_file",
    *COUNTED[3:],
    "detected_by",
]


@dataclass(frozen=True)
class Coverage:
    """The coverage report (see the module docstring); ``to_json`` is `recur coverage --json`.
    Each count is the length of the list of the same name; rows are dicts, as in the JSON."""

    alerts: int
    alert_names: int
    patterns: int  # active and draft, not retired
    site_url: str | None
    missing_alerts: list[MissingAlert]  # explicit
    alert_like_unknown: list[MissingAlert]  # not explicit
    unmentioned_alerts: list[dict]  # _fold's rows
    heartbeat_alerts: list[dict]  # _fold's rows: always firing by design, no pattern mentions them, none expected to
    undetected: list[Undetected]
    bad_runbook_urls: list[dict]  # alert, url, file, line, reason
    external_runbook_urls: list[dict]  # alert, url, file, line, host
    templated_runbook_urls: list[dict]  # alert, url, file, line (rendered): filled in only when the alert fires
    detected: dict[str, list[str]]  # pattern id -> alerts mentioning or linking it
    # pattern id -> [{alert, by: ["mention"] and/or ["runbook_url"]}], as ``detected``: how each alert covers it
    detected_by: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in COUNTED}

    @property
    def unmentioned_by_file(self) -> dict:
        return by_file(self.unmentioned_alerts)

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in JSON_KEYS}


def coverage(kb, alerts: list[Alert], *, site_url: str | None = None, proposals: dict | None = None) -> Coverage:
    """The coverage report (see the module docstring); ``proposals``: pattern id -> alerts likely to
    detect it by meaning (``propose_alerts``), shown with undetected patterns."""
    patterns = dict(kb.patterns)
    active = {pid: p for pid, p in patterns.items() if p.status != "retired"}
    names = list(dict.fromkeys(a.name for a in alerts))
    missing = _missing(active, names)
    linked, bad_urls, external, templated = _runbooks(alerts, patterns, site_url)
    texts = {pid: _texts(p) for pid, p in patterns.items()}  # once per pattern, not once per alert
    mentioned = {pid: sorted({n for n in names if _mentioned_by(texts[pid], n)}) for pid in patterns}
    covered = {n.lower() for v in mentioned.values() for n in v} | {n.lower() for v in linked.values() for n in v}
    # a name whose every rule Prometheus reports broken (its query fails) detects nothing: said, not counted
    broken = _broken(alerts)
    by_broken = {pid: _broken_rows(mentioned[pid] + linked.get(pid, []), broken) for pid in patterns}
    mentioned = {pid: [n for n in v if n.lower() not in broken] for pid, v in mentioned.items()}
    linked = {pid: [n for n in v if n.lower() not in broken] for pid, v in linked.items()}
    proposals = proposals or {}
    undetected: list[Undetected] = [
        {
            "pattern": pid,
            "title": p.title,
            "path": p.relpath,
            "has_detection_section": bool(p.detection.strip()),
            "likely_alerts": proposals.get(pid, []),
            **({"broken_alerts": by_broken[pid]} if by_broken[pid] else {}),
        }
        for pid, p in sorted(active.items())
        if not mentioned[pid] and not linked.get(pid)
    ]
    detected = {
        pid: sorted(set(mentioned[pid]) | set(linked.get(pid, [])), key=str.lower)
        for pid in sorted(active)
        if mentioned[pid] or linked.get(pid)
    }
    return Coverage(
        alerts=len(alerts),
        alert_names=len({n.lower() for n in names}),
        patterns=len(active),
        site_url=site_url,
        missing_alerts=[m for m in missing if m["explicit"]],
        alert_like_unknown=[m for m in missing if not m["explicit"]],
        unmentioned_alerts=_fold([a for a in alerts if a.name.lower() not in covered and not a.heartbeat]),
        heartbeat_alerts=_fold([a for a in alerts if a.name.lower() not in covered and a.heartbeat]),
        undetected=undetected,
        bad_runbook_urls=bad_urls,
        external_runbook_urls=external,
        templated_runbook_urls=templated,
        detected=detected,
        detected_by={
            pid: [
                {
                    "alert": n,
                    "by": [w for w, h in (("mention", mentioned[pid]), ("runbook_url", linked.get(pid, []))) if n in h],
                }
                for n in names
            ]
            for pid, names in detected.items()
        },
    )


def _broken(alerts: list[Alert]) -> dict[str, str]:
    """Lower-cased alert name -> Prometheus's error, for the names whose every rule is reported broken."""
    healthy = {a.name.lower() for a in alerts if not a.error}
    return {a.name.lower(): a.error for a in alerts if a.error and a.name.lower() not in healthy}


def _broken_rows(names: list[str], broken: dict[str, str]) -> list[dict]:
    """The broken rules among the alerts that mention or link a pattern: [{alert, error}], each name once."""
    return [{"alert": n, "error": broken[n.lower()]} for n in dict.fromkeys(names) if n.lower() in broken]


def alert_text(a: Alert) -> str:
    """What an alert says, for the engine: its name with CamelCase split, summary, description."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", a.name)
    return ". ".join(x for x in (f"{a.name} {words}", a.summary, a.description) if x.strip())


def propose_alerts(
    engine, alerts: list[Alert], pattern_ids, top: int = 3, per_pattern: int = 3
) -> dict[str, list[LikelyAlert]]:
    """pattern id -> the alerts whose name, summary and description the engine matches to it
    (in its top ``top``, not a low-confidence guess), best first."""
    wanted = set(pattern_ids)
    # a heartbeat (Watchdog: "ensure that the entire alerting pipeline is functional") detects no problem
    unique = list({a.name.lower(): a for a in alerts if not a.heartbeat}.values())
    if not wanted or not unique:
        return {}
    found: dict = {}
    for a, answer in zip(unique, engine.answer_many([alert_text(a) for a in unique], top=top)):
        for r in answer.results:
            if r["id"] in wanted and r["confidence"] != "low":
                found.setdefault(r["id"], []).append((r["rank"], -r["score"], a.name, r["confidence"]))
    return {
        pid: [{"alert": n, "rank": rk, "confidence": c} for rk, _, n, c in sorted(v)[:per_pattern]]
        for pid, v in found.items()
    }


def render_text(c: Coverage, kb_dir: str = "kb") -> str:
    n = c.counts
    k = kb_dir.rstrip("/") + "/"
    out = [
        f"{plural(c.alerts, 'alert rule')} ({plural(c.alert_names, 'name')}), {plural(c.patterns, 'pattern')} "
        f"(active and draft; retired ones left out): {plural(n['detected'], 'pattern')} "
        f"{'has' if n['detected'] == 1 else 'have'} an alert."
    ]

    def block(title, rows, count=None):
        out.append("")
        out.append(f"{title} ({len(rows) if count is None else count})")
        out.extend(f"  {r}" for r in rows) if rows else out.append("  (none)")

    def dym(m):
        return f" (did you mean {', '.join(m['did_you_mean'])}?)" if m.get("did_you_mean") else ""

    block(
        "Patterns naming alerts that do not exist",
        [f"{k}{m['path']}:{m['line']}: {m['pattern']}: {_missing_what(m)}{dym(m)}" for m in c.missing_alerts],
    )
    block(
        "Alert-like signals no rule defines (an alert name, or a metric or error code?)",
        [f"{k}{m['path']}:{m['line']}: {m['pattern']}: {m['alert']}{dym(m)}" for m in c.alert_like_unknown],
    )
    block("Alerts that no pattern mentions, by file and rule group", _unmentioned_rows(c), n["unmentioned_alerts"])
    if c.heartbeat_alerts:  # said apart, not counted against coverage: none is expected to have a pattern
        out.append("")
        out.append(
            "Heartbeat alerts, not expected to have a pattern (always firing, to show alerting works): "
            + ", ".join(dict.fromkeys(r["alert"] for r in c.heartbeat_alerts))
        )
    block("Patterns with an alert (the alerts that mention or link to them)", _detected_rows(c), n["detected"])
    block("Patterns with no detection (no alert mentions or links to them)", _undetected_rows(c), n["undetected"])
    block(
        "runbook_url annotations that point at no pattern page",
        [
            f"{b['file']}:{b['line']}: {b['alert']}: {b['url']}{_as_rendered(b)} {b['reason']}"
            for b in c.bad_runbook_urls
        ],
    )
    block(
        "External runbook_urls (not ours"
        + (f": outside {c.site_url}" if c.site_url else "; --site-url says which are")
        + "), by host",
        _external_rows(c),
        n["external_runbook_urls"],
    )
    if c.templated_runbook_urls:
        block(
            "Templated runbook_urls (filled in only when the alert fires, from values the rule does not set: "
            "which page they open is not checkable here)",
            [f"{t['file']}:{t['line']}: {t['alert']}: {t['url']}{_as_rendered(t)}" for t in c.templated_runbook_urls],
        )
    return "\n".join(out) + "\n"


def _external_rows(c: Coverage) -> list[str]:
    """render_text's rows for the external runbook_urls: one per host, most alerts first, with an example."""
    hosts: dict = {}
    for e in c.external_runbook_urls:
        hosts.setdefault(e["host"], []).append(e)
    return [
        f"{h}: {plural(len(es), 'alert')}, e.g. {es[0]['url']} ({es[0]['alert']})"
        for h, es in sorted(hosts.items(), key=lambda x: (-len(x[1]), x[0]))
    ]


def _as_rendered(row: dict) -> str:
    """A runbook_url row's URL as its rule's labels fill it in, when they do."""
    return f" (with the rule's labels: {row['rendered']})" if row.get("rendered") else ""


def _missing_what(m: MissingAlert) -> str:
    """What a row of missing_alerts says is wrong: no rule by that name, or a regex matching none."""
    if m.get("regex_error"):
        return f'alertname=~"{m["alert"]}" is not a regex this tool can read ({m["regex_error"]})'
    if m.get("regex"):
        return f'the regex alertname=~"{m["alert"]}" matched no alert rule'
    return f"no alert rule named {m['alert']}"


def _unmentioned_rows(c: Coverage) -> list[str]:
    """render_text's rows for the alerts no pattern mentions: each file, then its rule groups."""
    rows = []
    for f, groups in c.unmentioned_by_file.items():
        rows.append(f"{f}")
        for g, names in groups.items():
            rows.append(f"  {g}: {', '.join(names)}")
    return rows


# rows of "Patterns with an alert" shown at most; the rest counted, in --json's detected_by
DETECTED_SHOWN = 100
_BY = {"mention": "named by the pattern", "runbook_url": "its runbook_url links the pattern"}


def _detected_rows(c: Coverage) -> list[str]:
    """render_text's rows for the patterns with an alert: each pattern, its alerts and how each covers it (the
    pattern names the alert, or the alert's runbook_url is its page). The text said only how many patterns had
    an alert, never which: a wrong one (a title read in a signal) could not be seen without --json."""
    rows = []
    for pid, alerts in list(c.detected_by.items())[:DETECTED_SHOWN]:
        rows.append(f"{pid}: " + ", ".join(f"{a['alert']} ({' and '.join(_BY[b] for b in a['by'])})" for a in alerts))
    if len(c.detected) > DETECTED_SHOWN:
        rows.append(f"... and {plural(len(c.detected) - DETECTED_SHOWN, 'more pattern')} (--json: detected_by)")
    return rows


def _undetected_rows(c: Coverage) -> list[str]:
    """render_text's rows for the patterns with no detection, each with its likely alerts."""
    rows = []
    for u in c.undetected:
        rows.append(f"{u['pattern']}" + ("" if u["has_detection_section"] else "  (and no ## Detection section)"))
        if u.get("broken_alerts"):
            rows.append(
                "    detected only by a broken rule: "
                + ", ".join(f"{b['alert']} (Prometheus: {b['error']})" for b in u["broken_alerts"])
            )
        if u.get("likely_alerts"):
            rows.append(
                "    likely alerts: " + ", ".join(f"{x['alert']} ({x['confidence']})" for x in u["likely_alerts"])
            )
    return rows
