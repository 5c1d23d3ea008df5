"""The site as a function of the KB: ``generate(kb, out_dir, ...)`` writes a tree of Markdown pages
(+ board.json and the assets) that mkdocs, or any engine reading ``mkdocs.yml``, turns into HTML.

Writing is a sync: unchanged files are not touched and files no longer generated are removed,
so ``mkdocs serve`` does not see spurious changes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
from pathlib import Path, PurePosixPath

from recur.kb.loader import display_path
from recur.problems.board import owner_names, recurring_row, tally
from recur.problems.report import fix_cell
from recur.site import board_pages, glossary_page, model_page, pattern_pages, record_pages
from recur.site.context import (
    BOARD,
    BY_SERVICE,
    BY_SEVERITY,
    BY_TAG,
    GLOSSARY,
    HOME,
    INCIDENTS,
    MODEL,
    PATHS,
    PATTERNS,
    RETIRED,
    SUGGEST,
    TRENDS,
    Site,
    incident_year,
)
from recur.site.md import (
    alink,
    card_table,
    esc,
    front_matter,
    href,
    inline_md,
    mdlink,
    raw,
    title_html,
    title_link,
    unsearched,
)
from recur.util import resources, utf8
from recur.util.errors import RecurError

MARKER = ".recur-generated"


def home_page(site: Site, file_search: bool = False, own_glossary: bool = False) -> str:
    page = HOME
    b = site.board
    recurring = b["recurring"]["90"]
    window = "the last 90 days"
    as_of = dt.date.fromisoformat(b["as_of"])
    if not recurring:  # a quiet quarter: fall back to all time, each row with its fix as the board's rows have it
        # counted as the board counts (tally): a replaced pattern's incidents for the pattern in use that replaced it
        count, last, under = tally(site.kb.patterns, site.listed)
        recurring = [recurring_row(site.kb.patterns, pid, count[pid], last[pid], as_of, under.get(pid))
                     for pid in sorted(count, key=lambda pid: (-count[pid], pid))
                     if pid in site.kb.patterns and count[pid] >= 2][:10]  # once is not recurring
        window = "all time"
    out = [front_matter(title="Recur", hide=["toc"]),
           "# What are you seeing?\n",
           # data-focus="load": the box takes the focus when the page opens (recur-suggest.js focusOnLoad)
           describe_box(HOME, bool(site.kb.paths)),
           new_here(site),
           "Describe it in your own words, or paste an alert name or a log line: the box suggests the known "
           "failure patterns that match, with their first steps. If the box says it cannot suggest here, it "
           "lists the pattern pages that share your text's telling words instead. Or use the search at the top "
           f"of the page.{'' if file_search else FROM_DISK}\n"]
    out.append(f"## Most recurring patterns ({window})\n")
    rows, named = [], owner_names(b)  # once for the table, not per row
    for r in recurring:
        p = site.kb.patterns.get(r["pattern"])
        if p is not None:  # its permanent fix beside it, as the report has it: is it being fixed, whose, when
            rows.append([title_link(page, p.relpath, p.title), site.count_html(page, r), esc(r["last"]),
                         esc(site.sev_label(p.severity)), esc(p.category), esc(fix_cell(r, named))])
    # a card per row on a phone (md.card_table): at 320 px the six columns were 630 px wide, the severity, category
    # and permanent fix off the screen behind the table's sideways scroll (found on a phone)
    out.append(card_table(["pattern", "incidents", "last", "severity", "category", "permanent fix"], rows,
                          "Nothing has recurred yet: no pattern has matched two or more incidents.\n"))
    out.append("## Ways in\n")
    out += [f"- {mdlink(page, PATTERNS, 'Patterns by category')} · {mdlink(page, BY_SERVICE, 'by service')} · "
            f"{mdlink(page, BY_TAG, 'by tag')} · {mdlink(page, BY_SEVERITY, 'by severity')} "
            f"({len(site.kb.patterns)} patterns)",
            f"- {mdlink(page, INCIDENTS, 'Incidents')} ({len(site.listed)})",
            f"- {mdlink(page, PATHS, 'Onboarding paths')} for new on-call engineers ({len(site.kb.paths)})",
            f"- {mdlink(page, BOARD, 'Problem board')} and {mdlink(page, TRENDS, 'trends')} for problem managers",
            # a team's own glossary (docs/glossary.md) is the page there instead: it says what it says, not this
            f"- {mdlink(page, site.glossary, 'Glossary')}" + (": the team's own" if own_glossary else
                                                     ": what the words this site uses mean (runbook, needs "
                                                     "analysis, retired, confidence ...)"),
            f"- {mdlink(page, MODEL, 'Retrieval model')}: which model ranks the suggestions, and what tuning it on "
            "this KB changed", ""]
    recent = site.listed[-5:][::-1]
    if recent:
        out.append("## Latest incidents\n")
        out.append(card_table(["date", "incident", "severity", "title"],  # 434 px at 320: cards too
                              [[esc(i.date.isoformat()), title_link(page, i.relpath, i.id), esc(site.sev_label(i.severity)),
                                title_html(i.title)] for i in recent]))
    return unsearched("\n".join(out))  # the title and intro indexed, not the lists


# the home page's words without --file-search: opened from disk (file://) neither the box's list by words nor
# the header search works there, and the page said they did (found in review)
FROM_DISK = (" Opened from disk (a file:// address), neither works on this site: built with `recur site --file-search`, "
             "both do.")


def new_here(site: Site) -> str:
    """A line for a new hire, right under the box: the onboarding paths were only in "Ways in", 2.5 screens
    down on a phone, where someone on their first day did not scroll to. Under the box, not above it: the box
    stays where it was for someone mid-incident. It names the path the team lists first (its ``order``) and,
    when there are others, the list of them; with no path there is nothing to start with, and no line."""
    paths = sorted(site.kb.paths.values(), key=record_pages.path_order)
    if not paths:
        return ""
    first = f'<a href="{href(HOME, site.path_page(paths[0].id))}">{inline_md(paths[0].title)}</a>'
    others = f', or choose from all <a href="{href(HOME, PATHS)}">{len(paths)} onboarding paths</a>' if paths[1:] else ""
    return f'<p class="recur-new-here">New here? Start with the onboarding path {first}{others}.</p>\n'


def describe_box(page: str, paths: bool = False) -> str:
    """The "describe what you see" box, which recur-suggest.js fills. Where it cannot (JavaScript off, or a script
    of the site blocked or missing from a half-copied site: the box's script stops before drawing it) the box was
    an empty space with nothing said (found in review). It says where to look instead: the <noscript> shows with
    JavaScript off, and recur.js shows the same once the page has loaded and the box has not started. ``paths``: the
    KB has onboarding paths (``data-paths``), which the box then names to a newcomer's question about no failure: it
    linked a paths page that lists none (found in a re-read)."""
    ways = (f"{alink(page, PATTERNS, 'category')}, {alink(page, BY_SERVICE, 'service')} or "
            f"{alink(page, BY_TAG, 'tag')}")
    # out of the site search: the note is no answer to a search, and the box's results are drawn after it ran
    has = " data-paths" if paths else ""
    return (f'<div class="recur-suggest recur-suggest-home" data-api="/api" data-focus="load"{has} data-search-exclude>'
            f"{EARLY_BOX}<noscript>"
            # with JavaScript off the early box cannot answer: the note alone is shown
            "<style>.recur-suggest__early { display: none; }</style>"
            '<p class="recur-suggest__nojs">The describe box did not start here: it needs JavaScript and the '
            f"site's scripts (<code>assets/recur-*.js</code>). Look the pattern up by {ways} instead.</p>"
            "</noscript></div>\n")


# The box as the page arrives, before its scripts: on a slow link (Chromium's Slow 3G) the box's space was empty for
# ~4.6 s until recur-suggest.js drew it (found on a phone). The same form, with the box's own classes, says it is
# loading; what is typed into it meanwhile, and its focus, move into the box recur-suggest.js draws (Box.render).
# Sent before then, it asks the page again with ?describe=, which the box answers once it has started.
EARLY_BOX = (
    '<form class="recur-suggest__form recur-suggest__early" method="get">'
    '<label for="recur-q-early" class="recur-suggest__label">Describe what you see</label>'
    '<textarea id="recur-q-early" name="describe" class="recur-suggest__input" rows="5" spellcheck="false" '
    'placeholder="Describe what you see: \u201ccheckout 502s after the deploy, pods restarting\u201d, an alert name, '
    'or paste a log line\u2026"></textarea>'
    '<div class="recur-suggest__bar"><button type="submit" class="md-button md-button--primary recur-suggest__go">'
    "Suggest</button></div>"
    '<p class="recur-suggest__status" role="status">Loading the describe box\u2026</p></form>'
)


def suggest_page(site: Site) -> str:
    return "\n".join([front_matter(title="Describe what you see"),
                      "# Describe what you see\n",
                      # the page is only the box: it takes the focus on load as the home page's does (same rules)
                      describe_box(SUGGEST, bool(site.kb.paths)),
                      # for a responder: what the box gives them and how far to trust it; how it gets there (which
                      # depends on how the site was built and served) folded away, for whoever runs the site
                      "Paste an alert, a log line or a sentence: the box suggests the known failure patterns that "
                      "match it, most likely first, each with its first steps. Where it says it cannot suggest by "
                      "meaning here, it lists the pattern pages that share your text's telling words instead: "
                      "matched by words, not meaning, so check each one against what you see.\n",
                      raw('<details class="note"><summary>Where the suggestions come from (for whoever runs this '
                          "site)</summary><p>Served by <code>recur serve</code>, the box asks the suggestion service (the full "
                          "model). On a plain static host it ranks the patterns in the reader's browser with the "
                          "smaller model the site carries; a site built with <code>recur site --no-browser-search"
                          "</code> carries none, and the box lists pattern pages by words.</p></details>")])


def pages(kb, *, as_of: dt.date, board: dict, lookalikes=None, edit_base: str | None = None, model=None,
          file_search: bool = False, own_glossary: str | None = None) -> dict:
    """Every generated file as {relative path: text}; ``model`` is ``model_page.find_model(...)`` or None.
    ``own_glossary``: the site's own glossary page (``glossary.md``, or ``glossary.markdown`` ... : any suffix mkdocs
    reads), which is the site's glossary: none is generated, and the pages link it as they would the generated one."""
    site = Site(kb, as_of, board, lookalikes, edit_base, glossary=own_glossary or GLOSSARY)
    out = {HOME: home_page(site, file_search, bool(own_glossary)), SUGGEST: suggest_page(site),
           PATTERNS: pattern_pages.category_index(site), BY_SERVICE: pattern_pages.service_index(site),
           BY_TAG: pattern_pages.tag_index(site), BY_SEVERITY: pattern_pages.severity_index(site),
           INCIDENTS: record_pages.incident_index(site), PATHS: record_pages.path_index(site),
           BOARD: board_pages.board_page(site), TRENDS: board_pages.trends_page(site),
           MODEL: model_page.model_page(site, model),
           "board/board.json": json.dumps(board, indent=1, ensure_ascii=False) + "\n",
           RETIRED: pattern_pages.retired_list(site)}
    if not own_glossary:
        out[GLOSSARY] = glossary_page.glossary_page()
    for year in record_pages.incident_years(site):
        out[incident_year(year)] = record_pages.incident_year_page(site, year)
    for p in site.patterns:
        out.setdefault(p.relpath, pattern_pages.pattern_page(site, p))
    for i in site.incidents:
        out.setdefault(i.relpath, record_pages.incident_page(site, i))
    for path in kb.paths.values():
        out.setdefault(site.path_page(path.id), record_pages.path_page(site, path))
    return out


def generate(kb, out_dir, *, as_of: dt.date, board: dict, lookalikes=None, edit_base: str | None = None,
             model=None, extra_dir=None, extra_scripts=frozenset(), extra_base=None, file_search: bool = False) -> dict:
    """Write the site's Markdown tree for ``kb`` into ``out_dir``; returns {"written", "removed", "files"}.

    ``board`` is ``problems.board(kb, as_of)``; ``lookalikes`` maps a pattern id to [{id, score}];
    ``edit_base`` (e.g. ``https://git.example.com/team/kb/-/edit/main/kb/``) + a record's KB path is its
    "edit this page" link; ``model`` is what the Retrieval model page shows (``model_page.find_model``).
    The assets (CSS/JS) are copied into ``assets/`` so the tree is self-contained, and the files of
    ``extra_dir`` (a KB repository's own pages) beside the generated ones; a generated page wins
    (``"shadowed"``: the own files left out for it, ``"own"``: those copied, ``"readmes"``: README.md files
    left out beside an index page (``_readme_beside_index``), ``"twins"``: {a file left out: the own file of its
    page kept} (``_one_file_a_page``), relative to ``extra_dir``), but for a page of
    YIELDED, which an own page replaces (``"yielded"``: those not generated for it). A symlink or a
    file a browser runs as it is in ``extra_dir`` is an error (``_refused_own_files``); ``extra_scripts``
    are the scripts mkdocs.yml's extra_javascript names there (paths relative to it), which it may hold;
    ``extra_base`` is the folder of that mkdocs.yml, which ``extra_dir`` must be inside (``_own_folder_checked``).
    ``file_search``: the site makes its header search work opened from disk (``recur site --file-search``).
    """
    extra = _extra_pages(extra_dir, out_dir, extra_scripts, extra_base)
    extra, twins = _one_file_a_page(extra)
    # a team's own glossary takes the place of the generated one: a name the site began generating after teams
    # had theirs (0.2.0's sites had none), and a glossary of the team's words is theirs to keep; left out with a
    # warning, it turned a team's `recur site --strict` red on upgrade (found in a re-read)
    # by the page each is (docs/glossary.markdown is glossary.html as glossary.md is: kept beside the generated
    # glossary.md, mkdocs left it out with a warning, a team's --strict red; found in review)
    yielded = [rel for rel in extra if page_name(rel) in {page_name(y) for y in YIELDED}]
    own_glossary = next((rel for rel in yielded if page_name(rel) == page_name(GLOSSARY)), None)
    files = {k: v.encode("utf-8") for k, v in pages(kb, as_of=as_of, board=board, lookalikes=lookalikes,
                                                      edit_base=edit_base, model=model, file_search=file_search,
                                                      own_glossary=own_glossary).items()}
    generated = {page_name(rel) for rel in files} - {None}
    for relpath in kb.attachments:  # the images beside patterns and incidents, where their pages link them
        files.setdefault(relpath, (Path(kb.root) / relpath).read_bytes())
    assets = resources.assets_dir()
    if assets.is_dir():
        for f in sorted(assets.iterdir()):
            if f.is_file() and not f.name.startswith("."):
                files[f"assets/{f.name}"] = f.read_bytes()
    if extra:
        extra = _own_kb_links(extra, Path(extra_dir), Path(kb.root), files.keys(), extra_base)
    readmes = [rel for rel in extra if _readme_beside_index(rel, files.keys() | extra.keys())]
    shadowed, own = [], []
    for rel, data in extra.items():
        if rel in files or page_name(rel) in generated:  # model.markdown is model.html, as model.md is
            shadowed.append(rel)
        elif rel not in readmes:
            files[rel] = data
            own.append(rel)
    return {**sync(files, Path(out_dir)), "shadowed": shadowed, "own": own, "readmes": readmes, "yielded": yielded,
            "twins": twins}


# generated pages a page of the site's own at the same path replaces (``generate``'s "yielded"), where every other
# generated page wins: the glossary, which the site began generating after teams may have written their own
YIELDED = (GLOSSARY,)


# what mkdocs reads as pages (mkdocs.utils.markdown_extensions; not imported: `recur --help` stays light)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


def page_name(rel: str) -> str | None:
    """The page a file of the site is, its path without its Markdown suffix (``glossary.markdown`` and
    ``glossary.md`` are both ``glossary``, mkdocs' glossary.html); None for a file that is no page."""
    path = PurePosixPath(rel)
    return path.with_suffix("").as_posix() if path.suffix in MARKDOWN_SUFFIXES else None


def _one_file_a_page(extra: dict) -> tuple[dict, dict]:
    """(``extra`` with one file for each page, {a file left out: the file kept for its page}): a team's
    docs/glossary.md and docs/glossary.mkd are both glossary.html. mkdocs kept the one last in name order, while
    the site took the first for its glossary (the nav and every link to a page it left out, warned of as dead);
    a ``.md`` file is kept, else the first by MARKDOWN_SUFFIXES' order, and the others are left out with Recur's
    warning (``"twins"``: found in a re-read)."""
    kept, twins = {}, {}
    rank = {suffix: n for n, suffix in enumerate(MARKDOWN_SUFFIXES)}
    for rel in sorted(extra, key=lambda r: (page_name(r) or r, rank.get(PurePosixPath(r).suffix, 0))):
        name = page_name(rel)
        if name is not None and name in kept:
            twins[rel] = kept[name]
        elif name is not None:
            kept[name] = rel
    return {rel: data for rel, data in extra.items() if rel not in twins}, twins


def _readme_beside_index(rel: str, tree) -> bool:
    """Whether ``rel`` is a README.md in a folder that has an index page (Recur's or the team's).

    mkdocs makes README.md its folder's index.html, so beside an index.md it conflicts, and mkdocs
    says so with a warning that fails --strict. Such a README is the folder's readme for whoever
    browses the repository (docs/README.md: "our own pages go here"), written for the repository
    (its links to ../kb/ are dead on the site): it is left out of the site, without a warning,
    rather than served under another name. A README with no index beside it is mkdocs' index page
    of its folder, as in any mkdocs project."""
    path = PurePosixPath(rel)
    if path.stem != "README" or path.suffix not in MARKDOWN_SUFFIXES:  # mkdocs' test: case-sensitive
        return False
    return any((path.parent / f"index{suffix}").as_posix() in tree for suffix in MARKDOWN_SUFFIXES)


def _extra_pages(extra_dir, out_dir, scripts=frozenset(), base=None) -> dict:
    """{relpath: bytes} of a site's own pages (not hidden files, not the generated tree itself)."""
    if not extra_dir or not Path(extra_dir).is_dir() or Path(extra_dir).resolve() == Path(out_dir).resolve():
        return {}
    root = Path(extra_dir)
    _own_folder_checked(root, base)
    found = [p for p in sorted(root.rglob("*")) if not any(part.startswith(".") for part in p.relative_to(root).parts)]
    _refused_own_files(root, found, scripts)
    pages = {p.relative_to(root).as_posix(): p.read_bytes() for p in found if p.is_file()}
    _check_utf8(root, pages)
    return pages


# a link's target in Markdown: an inline link's or image's ([text](target "title")), a reference definition's
# ("[name]: target"); group 1 or 3 what comes before it, 2 or 4 the target
_OWN_LINK = re.compile(r"(\]\(\s*<?)([^()\s<>]+)|^(\s{0,3}\[[^\]\n]+\]:\s*<?)([^\s<>]+)")
_CODE_SPAN = re.compile(r"(`+).*?\1")


def _own_kb_links(extra: dict, own_root: Path, kb_root: Path, tree, base) -> dict:
    """The site's own Markdown pages with each link to a KB file as the repository has it (from docs/guide.md:
    ``../kb/patterns/network/dns-timeouts.md``, or ``kb/patterns/...`` from the repository's root, the folder
    of mkdocs.yml) made a link to the site's page for that file, which ``tree`` (the generated files) holds
    at its path in the KB. Written so, the link works in the repository's browser (GitHub, an editor) and
    failed the site's --strict build, or shipped dead without it (found in review)."""
    from recur.kb.parse import outside_fences

    kb_root, own_root = kb_root.resolve(), own_root.resolve()
    repo = Path(base).resolve() if base else own_root.parent
    out = dict(extra)
    for rel, data in extra.items():
        if not rel.endswith(MARKDOWN_SUFFIXES) or b"kb" not in data:
            continue
        lines = data.decode("utf-8").split("\n")
        here = (own_root / rel).parent

        def site_link(m: re.Match, rel=rel, here=here) -> str:
            before, target = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
            page = _kb_page(target, here, repo, kb_root, tree)
            return before + (posixpath.relpath(page, posixpath.dirname(rel) or ".") if page else target)

        for n, line in outside_fences(lines):
            done, at = [], 0
            for span in _CODE_SPAN.finditer(line):  # code spans as they are
                done += [_OWN_LINK.sub(site_link, line[at : span.start()]), span.group(0)]
                at = span.end()
            lines[n] = "".join([*done, _OWN_LINK.sub(site_link, line[at:])])
        out[rel] = "\n".join(lines).encode("utf-8")
    return out


def _kb_page(target: str, here: Path, repo: Path, kb_root: Path, tree) -> str | None:
    """The site page (a path in the generated tree, with the target's #anchor) of the KB file that the link
    ``target`` of an own page in ``here`` names, relative to that page or, written without ./ or ../, to the
    repository's root ``repo``; None for anything else (a URL, an own page, a KB file the site has no page of)."""
    from urllib.parse import unquote

    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return None
    path, hash_, anchor = target.partition("#")
    if not path or "?" in path:
        return None
    tries = [here / unquote(path)] + ([] if path.startswith(".") else [repo / unquote(path)])
    for tried in tries:
        where = Path(os.path.normpath(tried))
        if kb_root in where.parents and (page := where.relative_to(kb_root).as_posix()) in tree:
            return page + hash_ + anchor
    return None


def _own_folder_checked(root: Path, base) -> None:
    """A RecurError when the own pages folder is, or is reached through, a symlink, or is not inside the
    folder of mkdocs.yml (``base``): each file's own link was refused, but rglob follows the folder's, so
    `ln -s /etc/recur docs` published the secrets in it. Checked on the path as mkdocs.yml names it (the
    links between ``base`` and ``root``) and on where it leads (``root.resolve()`` inside ``base``'s)."""
    where = Path(os.path.abspath(root))
    fix = "put the pages themselves in a folder beside mkdocs.yml"
    for p in (where, *where.parents):
        if base is not None and p.resolve() == Path(base).resolve():
            break
        if p.is_symlink():
            raise RecurError(f"site not built: {display_path(p)}: the site's own pages folder (mkdocs.yml's "
                             f"docs_dir) is reached through a symlink; the site does not follow it ({fix})")
        if base is None:  # no mkdocs.yml folder to stop at: the folder itself only
            break
    else:
        raise RecurError(f"site not built: {display_path(root)}: the site's own pages folder (mkdocs.yml's "
                         f"docs_dir) is not inside {display_path(Path(base))}, the folder of mkdocs.yml ({fix})")
    if base is not None and not root.resolve().is_relative_to(Path(base).resolve()):
        raise RecurError(f"site not built: {display_path(root)}: the site's own pages folder (mkdocs.yml's "
                         f"docs_dir) leads outside {display_path(Path(base))}, the folder of mkdocs.yml ({fix})")


# what the own pages folder may hold: what mkdocs makes pages of, and what a browser shows or a page uses
# without running it (images, style sheets, text, PDF, JSON, web fonts). An allow-list: the list of what a
# browser runs as it is (ACTIVE_SUFFIXES) missed .rss, .atom, .mml, .rdf and more a browser renders as XML.
OWN_SUFFIXES = (*MARKDOWN_SUFFIXES, ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".css", ".txt",
                ".pdf", ".json", ".woff", ".woff2", ".ttf")
OWN_NAMES = ("CNAME",)  # GitHub Pages' custom domain, which `mkdocs gh-deploy` publishes from docs_dir
# named apart in the error, as what a browser runs from the site when it serves one
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt")
SCRIPT_SUFFIXES = (".js", ".mjs")


def _refused_own_files(root: Path, found: list, scripts) -> None:
    """A RecurError naming every file of the own pages folder the site does not publish, before any is read:
    a symlink (a pull request's ``team-notes.txt`` leading to /etc/recur/token was served; one leading
    nowhere, as on a CI runner, passed --strict without a word), as the KB loader refuses an image that is
    one; a script that mkdocs.yml's extra_javascript does not name; any other file not of OWN_SUFFIXES
    (an HTML, SVG or XML file named as one)."""
    where = display_path(root)
    bad = []
    for p in found:
        rel = p.relative_to(root).as_posix()
        suffix = p.suffix.lower()
        if p.is_symlink():
            bad.append(f"{display_path(p)}: is a symlink; the site does not copy it (put the file itself in {where})")
        elif not p.is_file():
            continue
        elif suffix in SCRIPT_SUFFIXES:
            if rel not in scripts:
                bad.append(f"{display_path(p)}: a script in the site's own pages runs from the site wherever a page "
                           "loads it; the site's own scripts are the ones mkdocs.yml's extra_javascript names "
                           "(the maintainers' file): name it there, or remove it")
        elif suffix in ACTIVE_SUFFIXES:
            bad.append(f"{display_path(p)}: an HTML, SVG or XML file is published as it is and its scripts run "
                       "from the site; write the page in Markdown (an image as PNG or JPEG)")
        elif suffix not in OWN_SUFFIXES and p.name not in OWN_NAMES:
            bad.append(f"{display_path(p)}: not a kind of file the site publishes from its own pages (Markdown, "
                       f"{' '.join(s.lstrip('.') for s in OWN_SUFFIXES[len(MARKDOWN_SUFFIXES):])}, a script "
                       "extra_javascript names); a browser may run it as it is")
    if bad:
        raise RecurError("site not built: file(s) in the site's own pages that it does not publish:\n  "
                         + "\n  ".join(bad))


def _check_utf8(root: Path, pages: dict) -> None:
    """A RecurError naming every own Markdown page that is not UTF-8 (mkdocs reads them strictly and
    stopped with a raw UnicodeDecodeError); raised before anything is written, so no half-built site."""
    bad = []
    for rel, data in pages.items():
        if PurePosixPath(rel).suffix not in MARKDOWN_SUFFIXES:
            continue
        try:
            utf8.decode(data, display_path(root / rel))
        except RecurError as exc:
            bad.append(str(exc))
    if bad:
        raise RecurError("site not built: page(s) that are not UTF-8 text (save them as UTF-8):\n  "
                         + "\n  ".join(bad))


def sync(files: dict, out: Path) -> dict:
    """Make ``out`` hold exactly ``files`` ({relpath: bytes}), touching only what changed."""
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise RecurError(f"{out}: not empty and not a generated site tree; refusing to write into it")
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).touch()
    written = removed = 0
    for relpath, data in files.items():
        target = out / relpath
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written += 1
    wanted = {Path(p).as_posix() for p in files} | {MARKER}
    for dirpath, _dirnames, filenames in os.walk(out, topdown=False):
        for name in filenames:
            rel = (Path(dirpath) / name).relative_to(out).as_posix()
            if rel not in wanted:
                os.unlink(Path(dirpath) / name)
                removed += 1
        if Path(dirpath) != out and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return {"written": written, "removed": removed, "files": len(files)}
