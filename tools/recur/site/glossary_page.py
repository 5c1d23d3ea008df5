"""The site's glossary (``glossary.md``): the words its pages use, said for a new hire.

Found in a new hire's review: "runbook", "problem manager", "overdue", "needs analysis", "retired", a confidence of
high, medium or low and "no known pattern" met on the site with nothing saying what they meant. Each term is a
section of its own (an anchor to link, an entry the header search finds by the term), and it links the site's
pages only: the glossary is on every site ``recur site`` builds, a team's (``recur init``) too, which has none of
Recur's own docs/ pages. The numbers (the confidence cut-offs, the verdict's) come from where the answers are made.
"""

from __future__ import annotations

from recur.site.context import BOARD, BY_SEVERITY, GLOSSARY, INCIDENTS, LEVELS_ANCHOR, PATHS, PATTERNS, SUGGEST, TRENDS
from recur.site.md import front_matter, mdlink


def _pct(p: float) -> str:
    return f"{round(p * 100)}%"


def terms(page: str = GLOSSARY) -> list[tuple[str, str, str]]:  # long: one table of terms, read as the page reads
    """[(section heading, anchor, definition in Markdown)] in the order the page gives them."""
    from recur.retrieval.calibrate import HIGH_AT, MEDIUM_AT, MIN_CANDIDATES, NO_MATCH_BELOW, VERDICT_TOP

    board = mdlink(page, BOARD, "problem board")
    return [
        ("Failure pattern", "pattern",
         "A way things are known to fail, written down once: what you see when it happens, why it happens, the "
         f"runbook to restore service and the permanent fix. The {mdlink(page, PATTERNS, 'patterns')} are the "
         "knowledge base's main pages; an incident that matches one is a recurrence of it."),
        ("Runbook", "runbook",
         "The numbered steps on a pattern's page that restore service, in order, each with a Copy button for the "
         "incident channel. Run them during an incident, not to practise: an onboarding path asks you to read them."),
        # not #evidence-to-preserve: the id of a pattern page's box, which is no entry of the site search (hook)
        ("Evidence to preserve", "evidence",
         "What to capture (logs, dumps, a query's output) before you restore: a restart or a failover loses it, "
         "and without it the root cause cannot be found afterwards."),
        ("Describe what you see", "describe-what-you-see",
         f"The box on the home page and on {mdlink(page, SUGGEST, 'its own page')}: type what you see in your own "
         "words, or paste an alert or a log line, and it suggests the patterns that match, most likely first, "
         "with their first steps. It knows failure patterns only: it does not answer a question such as how to "
         "get access to a tool."),
        ("Confidence: high, medium, low", "confidence",
         "How likely a suggestion is to be the right pattern (its estimated chance of being right): high "
         f"from {_pct(HIGH_AT)}, medium from {_pct(MEDIUM_AT)}, low below that (\"low confidence "
         "(7% likely right)\"). Check a low one against what you see before following it. \"By rule: too few "
         f"patterns to estimate\": a knowledge base under {MIN_CANDIDATES} patterns has no estimate, and the "
         "confidence comes from a fixed rule (an exact signal or a close match)."),
        ("No known pattern", "no-known-pattern",
         f"The answer when none of the first {VERDICT_TOP} suggestions is at least {_pct(NO_MATCH_BELOW)} likely "
         "right (on a knowledge base too small to estimate: when every suggestion has low confidence): nothing in the "
         "knowledge base is known to match. The closest patterns are still listed, for "
         "comparison only. If it is an incident, record it: it then shows under needs analysis on the "
         f"{board}. If it is a question, not an incident, ask your team; the "
         f"{mdlink(page, PATHS, 'onboarding paths')} and this glossary are where a new hire starts."),
        ("Look-alikes", "look-alikes",
         "Other patterns close in meaning to this one, listed on its page: read them when the symptoms fit but "
         "the cause does not."),
        ("Draft", "draft",
         "A pattern still being written or not yet reviewed (its page says so). Its steps may be incomplete: "
         "check them before following them."),
        ("Retired", "retired",
         "A pattern no longer in use, kept for the history of the incidents that matched it. Its page says what "
         "superseded it, when something did (\"superseded by\"): the pattern in use to read instead."),
        ("Incident", "incident",
         f"The record of one occasion something failed: when, how severe, what was done, the follow-ups, and the "
         f"pattern(s) it matched. See the {mdlink(page, INCIDENTS, 'incidents')}."),
        ("Severity", "severity",
         "How bad an incident is (sev1, sev2, ..., as this knowledge base names its levels); each level says "
         f"what review it asks for and within how many days: {mdlink(page, BY_SEVERITY, 'the severity levels', LEVELS_ANCHOR)}."),
        ("Needs analysis", "needs-analysis",
         "An incident that no known pattern explains yet (it links none, or only a draft an import wrote that no "
         "one has reviewed): someone has to find its cause and write the pattern, so "
         f"that the next time it is recognised. Listed on the {board}."),
        ("Problem management and problem manager", "problem-manager",
         "Incident response restores service fast; problem management makes sure the same failure does not come "
         "back: permanent fixes, reviews, follow-ups. The problem manager is whoever follows that through: the "
         f"{board} and the {mdlink(page, TRENDS, 'trends')} are for them."),
        ("Problem board", "problem-board",
         f"The {board}: the open permanent fixes, pending reviews, open follow-ups, the incidents that need "
         "analysis, the flags and the patterns that recurred after their fix, counted as of the day the site "
         "was built."),
        ("Permanent fix", "permanent-fix",
         "The change that stops a pattern from happening again (not the runbook, which only restores service), "
         "with its status, owner, due date and ticket."),
        ("Overdue", "overdue",
         "Past its due date on the day the site was built (a fix, a review or a follow-up): \"overdue 12d\" is "
         "12 days late. The board lists it right after the item's name."),
        ("Review", "review",
         "The look back at an incident after it (a postmortem): full, light or none, as its severity asks, due "
         "within that level's days."),
        ("Follow-up", "follow-up",
         "An action an incident's review agreed on, with an owner and a due date; done, open, or won't do."),
        ("Flag", "flag",
         "\"Dig into this later\": a note set during an incident on something to look into afterwards (a dump "
         "lost, a restart that hid the cause); open until someone looks into it."),
        ("Recurred after fix", "recurred-after-fix",
         "A pattern that matched an incident after its permanent fix was marked done: the fix did not hold."),
        ("Onboarding path", "onboarding-path",
         f"An ordered reading list for a new on-call engineer: each step a pattern and why it matters. The "
         f"{mdlink(page, PATHS, 'onboarding paths')} keep your progress in your browser."),
    ]  # fmt: skip


def glossary_page() -> str:
    page = GLOSSARY
    out = [front_matter(title="Glossary"), "# Glossary\n",
           "The words this site uses, for a new hire. New to on-call? Start with the "
           f"{mdlink(page, PATHS, 'onboarding paths')}.\n"]
    out += [f"## {term} {{#{anchor}}}\n\n{text}\n" for term, anchor, text in terms(page)]
    return "\n".join(out)
