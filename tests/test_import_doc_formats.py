"""`recur import` of a postmortem saved as a Word document, an OpenDocument text, a PDF, an RTF file
or an old binary .doc (review of 2026-12): each was refused as "is not UTF-8 text (byte 0x85 …); save
it as UTF-8", which no one can do with a .docx, and an RTF file or a PDF that is all ASCII was read
as prose, its markup recorded. Now the format is named, with what to export instead, nothing written.
Our own small files, built here with the standard library."""

import io
import re
import shlex
import zipfile

import pytest
from import_helpers import import_file as imp

from recur.kb.loader import load_kb

WORD_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    "<w:p><w:r><w:t>Postmortem: Checkout 502s during cert rotation — café</w:t></w:r></w:p></w:body></w:document>"
)


def _zip(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": WORD_XML})
ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"})
XLSX = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
# Google Docs' "Web page (.html, zipped)" download
HTML_ZIP = _zip({"Postmortem.html": "<html><body><h1>Checkout 502s</h1></body></html>"})
# a PDF whose bytes are all ASCII: it was imported, "%PDF-1.4" and its objects recorded as the summary
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PDF_BINARY = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
RTF = b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Calibri;}}\\f0\\fs22 Checkout 502s during cert rotation\\par}\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"\x85\x00\xff" * 64


@pytest.mark.parametrize(
    "name, raw, said, how",
    [
        ("pm.docx", DOCX, "is a Word document (.docx)", "pandoc -f docx -t gfm pm.docx -o pm.md"),
        # the content names it, not the name: a .docx saved under another name is still one
        ("pm.odt", DOCX, "is a Word document (.docx)", "Google Docs: File > Download > Markdown (.md)"),
        ("pm.odt", ODT, "is an OpenDocument text (.odt)", "LibreOffice: File > Save As > HTML Document"),
        ("pm.pdf", PDF, "is a PDF", "Google Docs: File > Download > Markdown (.md)"),
        ("pm.pdf", PDF_BINARY, "is a PDF", "Confluence: ••• > Export > Export to Word"),
        ("pm.rtf", RTF, "is an RTF document", "save it as plain text (.txt)"),
        ("pm.doc", OLE, "is a Word 97-2003 document (.doc)", "Word: File > Save As > Web Page (.htm)"),
        ("pm.msg", OLE, "is an Outlook message (.msg)", "Outlook: File > Save As > HTML or Text Only"),
        ("pm.xlsx", XLSX, "is a spreadsheet (.xlsx), not a postmortem's text", "export the postmortem itself"),
        ("pm.zip", HTML_ZIP, "is a ZIP archive", "unzip it and import the .md, .html or .txt file in it"),
    ],
)
def test_a_document_that_is_no_text_is_named_with_what_to_export_instead(kb_dir, tmp_path, name, raw, said, how):
    path = tmp_path / "pm" / name
    res = imp(kb_dir, path, "", raw=raw)
    assert res.exit_code != 0, res.output
    assert f"Error: {path}: {said}" in res.output, res.output
    assert how in res.output and res.output.rstrip().endswith("; nothing imported"), res.output
    assert "UTF-8" not in res.output and "Traceback" not in res.output, res.output
    assert len(load_kb(kb_dir).incidents) == 2  # the two shipped ones: nothing written


def test_a_confluence_word_export_and_an_html_page_are_still_read(kb_dir, tmp_path):
    # the Confluence "Export to Word" .doc is MIME text, not the binary format: it is read, not refused
    mime = (
        "Date: Mon, 16 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
        'Content-Type: multipart/related; boundary="B"\n\n--B\nContent-Type: text/html; charset="utf-8"\n\n'
        "<html><body><h1>Checkout 502s during cert rotation</h1><h2>Summary</h2>"
        "<p>On 2026-11-14 checkout returned 502 for 65 minutes after an expired intermediate certificate was served.</p>"
        "</body></html>\n--B--\n"
    )
    res = imp(kb_dir, tmp_path / "pm" / "export.doc", mime, "--pattern", "disk-full")
    assert res.exit_code == 0, res.output
    inc = max(load_kb(kb_dir).incidents.values(), key=lambda i: i.id)
    assert inc.title == "Checkout 502s during cert rotation", inc.title


@pytest.mark.parametrize("name", ["my pm.docx", "Bob's PIR (final).docx", "pm.docx"])
def test_the_pandoc_command_suggested_names_the_file_as_a_shell_reads_it(kb_dir, tmp_path, name):
    # "pandoc -f docx -t gfm my pm.docx -o pm.md" pasted into a shell gave pandoc "my" and "pm.docx"
    res = imp(kb_dir, tmp_path / "pm" / name, "", raw=DOCX)
    assert res.exit_code != 0, res.output
    command = re.search(r"convert it: (pandoc .*?) and import that", " ".join(res.output.split()))
    assert command is not None, res.output
    assert shlex.split(command.group(1).removesuffix(")")) == ["pandoc", "-f", "docx", "-t", "gfm", name, "-o", "pm.md"]
