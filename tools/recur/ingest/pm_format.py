"""A postmortem saved in a document format that is no text (a Word document, a PDF), named by its
first bytes, with what to save it as instead: `recur import` reads Markdown, HTML and plain text.

Such a file was refused as "is not UTF-8 text (byte 0x85 at line 1, column 13); save it as UTF-8",
a fix no one can apply to a .docx (found in review); and a PDF or an RTF file that is all ASCII
would have been read as prose, its markup recorded as the incident's summary. Nothing here reads
the document's text: the message is the fix (no dependency to read .docx or .pdf).
"""

from __future__ import annotations

import shlex
import zipfile
from pathlib import Path

# how to get a postmortem out of where it was written into something `recur import` reads
_GOOGLE = "Google Docs: File > Download > Markdown (.md)"
_WORD = "Word: File > Save As > Web Page (.htm) or Plain Text (.txt)"
_LIBRE = "LibreOffice: File > Save As > HTML Document (.html) or Text (.txt)"
_CONFLUENCE = "Confluence: ••• > Export > Export to Word, a .doc that recur import reads"
_READS = "it reads Markdown, HTML and plain text"

# a zip-based format, by the member that marks it (OOXML) or its "mimetype" member (OpenDocument)
_OOXML = (("word/", "a Word document (.docx)"), ("xl/", "a spreadsheet (.xlsx)"), ("ppt/", "a presentation (.pptx)"))
_ODF = {
    b"application/vnd.oasis.opendocument.text": "an OpenDocument text (.odt)",
    b"application/vnd.oasis.opendocument.spreadsheet": "a spreadsheet (.ods)",
    b"application/vnd.oasis.opendocument.presentation": "a presentation (.odp)",
}
# the same by the file's name, when the archive cannot be listed (a download cut short)
_BY_SUFFIX = {
    ".docx": "a Word document (.docx)",
    ".docm": "a Word document (.docx)",
    ".odt": "an OpenDocument text (.odt)",
    ".xlsx": "a spreadsheet (.xlsx)",
    ".ods": "a spreadsheet (.ods)",
    ".pptx": "a presentation (.pptx)",
    ".odp": "a presentation (.odp)",
}
# the old binary Office formats share one container (OLE2): the name tells which
_OLE_BY_SUFFIX = {
    ".doc": "a Word 97-2003 document (.doc)",
    ".dot": "a Word 97-2003 document (.doc)",
    ".xls": "a spreadsheet (.xls)",
    ".ppt": "a presentation (.ppt)",
    ".msg": "an Outlook message (.msg)",
}


def refusal(head: bytes, path) -> str | None:
    """What ``path`` is, when its first bytes ``head`` are a document format's that is no text, and
    what to import instead: the message's words after the file's name. None for any other file."""
    if head.startswith(b"PK\x03\x04"):
        return _zipped(path)
    if head.startswith(b"%PDF-"):
        return (
            f"is a PDF, which recur import does not read ({_READS}); export the postmortem from where it was "
            f"written ({_GOOGLE}; {_CONFLUENCE}; {_WORD}), or copy its text into a .md file, and import that"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole(path)
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        return (
            f"is an RTF document, which recur import does not read ({_READS}); save it as plain text (.txt) "
            f"or a web page (.htm) in the editor it was written in ({_WORD}), and import that"
        )
    return None


def _zipped(path) -> str:
    kind = _zip_kind(path) or _BY_SUFFIX.get(Path(str(path)).suffix.lower())
    if kind is None:  # Google Docs' "Web page (.html, zipped)" download is one
        return "is a ZIP archive, not a postmortem's text; unzip it and import the .md, .html or .txt file in it"
    if kind.startswith(("a spreadsheet", "a presentation")):  # as a CSV export is refused: data, not the write-up
        return f"is {kind}, not a postmortem's text; export the postmortem itself as Markdown or text and import that"
    how, given = (_LIBRE, "odt") if "OpenDocument" in kind else (_WORD, "docx")  # -f: the content's, not the name's
    name = shlex.quote(Path(str(path)).name)  # "my pm.docx" unquoted was two arguments to pandoc, neither a file
    return (
        f"is {kind}, which recur import does not read ({_READS}); save the postmortem as one of those ({how}; "
        f"{_GOOGLE}; or convert it: pandoc -f {given} -t gfm {name} -o pm.md) and import that"
    )


def _zip_kind(path) -> str | None:
    """The document format a ZIP archive holds, by its members; None when it holds none of them or
    cannot be listed. Only the names and the small "mimetype" member are read."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            if "mimetype" in names:
                with z.open("mimetype") as fh:
                    kind = _ODF.get(fh.read(100).strip())
                if kind:
                    return kind
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError):
        return None
    return next((kind for top, kind in _OOXML if any(n.startswith(top) for n in names)), None)


def _ole(path) -> str:
    kind = _OLE_BY_SUFFIX.get(Path(str(path)).suffix.lower(), "an Office document in the old binary format")
    if kind.startswith(("a spreadsheet", "a presentation")):
        return f"is {kind}, not a postmortem's text; export the postmortem itself as Markdown or text and import that"
    if kind.startswith("an Outlook"):
        how = "Outlook: File > Save As > HTML or Text Only"
    else:
        how = f"{_WORD}; LibreOffice opens it too"
    return f"is {kind}, which recur import does not read ({_READS}); save it as HTML or text ({how}) and import that"
