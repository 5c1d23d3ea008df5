"""The built site's files under ``recur serve``: the JSON 404 or the site's own 404 page for what is missing, and
each file answered from one open file, so a folder swapped by a rebuild mid-answer does not change it."""

from __future__ import annotations

import mimetypes
import os
import stat
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, unquote

import anyio
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import FileResponse, MalformedRangeHeader, RangeNotSatisfiable
from starlette.staticfiles import NotModifiedResponse

from recur.serve.guard import HEAD_AS_GET, NOT_MODIFIED_OF, send_file_head
from recur.serve.negotiate import header, prefers_html
from recur.serve.prefix import rebase_404, relative_redirect, route_methods, route_path, sent_segment, up_to_root


class SiteFiles(StaticFiles):
    """The built site. Missing files become the JSON 404, like every route, except for a browser
    asking for a page (Accept: text/html, before JSON), which gets the site's own 404 page (mkdocs' 404.html, with
    its navigation and search), still with status 404: a responder who follows a stale link should
    not land on a JSON error. The whole folder while it is away (being rebuilt) is the JSON 404 too:
    Starlette's one-off check that it exists raised on the first request, a 500."""

    async def check_config(self) -> None:
        try:
            await super().check_config()
        except RuntimeError:
            raise StarletteHTTPException(404) from None

    async def get_response(self, path, scope):
        """Behind a proxy that serves the site under a prefix (/recur/), the folder redirect and
        the 404 page must not point at the host's root: both are made relative (prefix.py). A path with a
        dotfile or dot-folder in it is the JSON 404: ``.recur-site`` (the build's record: versions, build id,
        the KB's files) was served to anyone, and so would be a ``.env`` or ``.git/`` left in the folder
        (found in a security review); a built site links to none (no ``.well-known`` either)."""
        if any(part.startswith(".") and part not in (".", "..") for part in path.replace(os.sep, "/").split("/")):
            raise StarletteHTTPException(404)
        if scope["method"] not in ("GET", "HEAD"):
            await self._not_taken(path, scope)
        response = await super().get_response(path, scope)
        if response.status_code == 404 and (location := await self._page_of(path, scope)):
            return RedirectResponse(location, status_code=307)
        if response.status_code == 404:
            if not (_wants_html(scope) and response.media_type == "text/html") or too_deep_for_404_page(scope):
                raise StarletteHTTPException(404)
            try:
                page = await anyio.to_thread.run_sync(Path(response.path).read_bytes)
            except OSError:  # gone since it was found: the site is being swapped for a rebuild
                raise StarletteHTTPException(404) from None
            return HTMLResponse(rebase_404(page, up_to_root(scope)), status_code=404)
        if isinstance(response, RedirectResponse):  # /patterns -> /patterns/
            response.headers["location"] = relative_redirect(scope)
        if isinstance(response, SiteFile):
            try:
                await anyio.to_thread.run_sync(response.open)
            except OSError:  # gone since it was found: not in the rebuilt site
                raise StarletteHTTPException(404) from None
            if self.is_not_modified(response.headers, Headers(scope=scope)):
                response.close()
                scope[NOT_MODIFIED_OF] = response.raw_headers  # its ETag and Vary are the 200's (guard.Compressed)
                return NotModifiedResponse(response.headers)
        return response

    async def _page_of(self, path: str, scope) -> str:
        """Whether ``path`` is a page's address without its ``.html`` (``/paths/first-week-on-call``, as a teammate
        says it or `recur paths` names the path), or that address with one trailing slash (``/paths/first-week-on-call/``,
        as a newcomer or a chat client writes it, where no such folder is): the site's own 404 answered it. The
        redirect's Location to the page (``page_redirect``), "" for none. A name with a dot
        in it is left alone, and so is a segment the browser sent with an encoded slash in it (``/paths%2Fx``,
        ``/a/..%2Fx/``): the relative Location resolves against the path as sent, so it pointed at another address
        (found in a re-read). A name too long for the system once ``.html`` is added is no page (it was a 500)."""
        name, sent, way = asked_page(scope)
        if not name or "." in name or unquote(sent) != name:
            return ""
        try:
            _, found = await anyio.to_thread.run_sync(self.lookup_path, path + ".html")
        except OSError:  # ENAMETOOLONG: a name of 251 to 255 bytes is one the system takes, not with .html
            return ""
        return page_redirect(scope, name, way) if found is not None and stat.S_ISREG(found.st_mode) else ""

    def is_not_modified(self, response_headers: Headers, request_headers: Headers) -> bool:
        """Starlette's check, with every If-None-Match line read as one list (RFC 9110 section 5.3): it read the
        first line alone, so a matching ETag on a second line was a 200 (found by an operator's curl)."""
        lines = request_headers.getlist("if-none-match")
        if len(lines) > 1:
            others = [(name, value) for name, value in request_headers.raw if name != b"if-none-match"]
            joined = (b"if-none-match", ", ".join(lines).encode("latin-1"))
            request_headers = Headers(raw=[*others, joined])
        return super().is_not_modified(response_headers, request_headers)

    async def _not_taken(self, path, scope) -> None:
        """A method the site does not take (it answers GET and HEAD): on a route's path the route's 405 (PROPFIND
        /api/feedback reaches the site, a method no /api route lists), on a site file the site's, on any other
        path the 404 naming the route it may have meant (guard's handler). Starlette answered every one "405
        allow: GET, HEAD": POST //api/suggest, /webhook and /alertmanager too (found in review)."""
        if route_methods(scope.get("app"), route_path(scope)):
            raise StarletteHTTPException(405)  # the handler gives it the route's Allow
        _, found = await anyio.to_thread.run_sync(self.lookup_path, path)
        if found is None:
            raise StarletteHTTPException(404)
        raise StarletteHTTPException(405, headers={"Allow": "GET, HEAD"})

    def file_response(self, full_path, stat_result, scope, status_code: int = 200):
        """A ``SiteFile``, opened by ``get_response`` (off the event loop), which answers from the
        opened file, not from the ``stat_result`` of Starlette's lookup: ``recur site`` may have
        swapped the folder in between."""
        return SiteFile(full_path, status_code=status_code, media_type=stored_media_type(full_path))


def asked_page(scope) -> tuple[str, str, str]:
    """The page name an address asks for (decoded), its segment as the browser sent it, and the way from the address
    to the page: "./" for /paths/first-week-on-call, "../" for /paths/first-week-on-call/ (one trailing slash; the
    segment before it). Two slashes (``/paths/x//``) ask for no page: ("", "", "")."""
    route, sent, way = route_path(scope), sent_segment(scope), "./"
    if route.endswith("/") and not sent:  # sent with a trailing slash too
        route, sent, way = route[:-1], sent_segment(scope, before_slash=True), "../"
    name = route.rsplit("/", 1)[-1]
    return (name, sent, way) if name else ("", "", "")


def page_redirect(scope, name: str, way: str = "./") -> str:
    """The Location of a page's address without ``.html`` to the page ``name`` (``asked_page``'s), relative to the
    address itself (``./first-week-on-call.html`` for /paths/first-week-on-call, ``../first-week-on-call.html`` for
    /paths/first-week-on-call/), so it keeps whatever prefix the browser used."""
    query = scope.get("query_string", b"").decode("latin-1")
    return way + quote(name, safe="!$&'()*+,;=:@~") + ".html" + ("?" + query if query else "")


def stored_media_type(path) -> str | None:
    """The Content-Type of a file stored compressed (``sitemap.xml.gz``, ``ort-wasm-simd-threaded.wasm.gz``), which
    is sent as it is, no Content-Encoding: its bytes are the gzip, ``application/gzip`` (as Python's http.server
    says; another coding's by its table, ``.br``: ``application/octet-stream``). Starlette named the type of what is
    inside (``application/xml``, ``application/wasm``), bytes no client could read as that (found in a re-read).
    None for any other file: Starlette's guess from its name."""
    _, coding = mimetypes.guess_type(os.fspath(path).lower())
    return None if coding is None else STORED_CODING_TYPES.get(coding, "application/octet-stream")


# the type of a file stored in a coding (mimetypes' name for it), as http.server.SimpleHTTPRequestHandler's table
STORED_CODING_TYPES = {"gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz"}


class SiteFile(FileResponse):
    """A site file, answered from one open file descriptor: its size, ETag and Last-Modified come
    from that descriptor (``open``) and the body is read from it. Starlette's FileResponse took them
    from a stat of the path and opened the path again to send it; a site rebuilt in between
    (``recur site`` swaps in the whole folder) sent the new file's bytes under the old file's
    Content-Length: truncated bodies and "Response content longer than Content-Length" tracebacks
    (found in an operator's review). An open descriptor keeps the old file after the swap.

    A Range header is read as RFC 9110 (section 14.2) says: one in a unit other
    than bytes, or with no unit, is ignored and the whole file is sent; bytes ranges that are
    invalid or start past the end are the JSON 416 ``range_not_satisfiable`` with
    ``Content-Range: bytes */size``. Starlette answered these itself, in plain text: a 400 with
    a sentence, an empty 416.

    A HEAD (guard.HeadAsGet's GET, its body thrown away) reads at most the file's first ``GZIP_MIN_BYTES``: it read
    and sent the whole file (a range of it: the range), for nothing. What it sends is what gzip is handed of any
    HEAD's GET (guard.send_file_head, guard.FirstPartOnly), so gzip decides as for the GET and the head is the GET's;
    a 206 is sent its head alone (gzip leaves a 206 as it is)."""

    _file = None
    _head = False  # answering a HEAD: set by __call__ from the scope

    def open(self) -> None:
        """Open the file and take its headers from that open file (blocking: run in a thread)."""
        file = open(self.path, "rb")  # noqa: SIM115 - closed by close(), once the answer is sent
        try:
            found = os.fstat(file.fileno())
            if not stat.S_ISREG(found.st_mode):  # the path is a folder in the rebuilt site
                raise IsADirectoryError(self.path)
        except OSError:
            file.close()
            raise
        self._file, self.stat_result = file, found
        self.set_stat_headers(found)

    def set_stat_headers(self, stat_result: os.stat_result) -> None:
        """Starlette's headers, but the ETag of the file's whole stamp (util/stamp.py: size, mtime_ns, ctime_ns,
        inode). Starlette's was of the size and mtime: a file rewritten at the same size with its mtime kept or set
        back (``rsync -t``, ``cp -p``, ``touch -r``, a rebuild within one tick of a coarse clock) kept its ETag, and
        a browser's If-None-Match got a 304 for the old bytes (found in review). No user tool sets the ctime, and a
        file renamed over this one has another inode, so a changed file has another ETag; two servers sharing one
        folder give the same one (servers with copies of their own, other inodes, do not). Last-Modified stays the
        mtime's: HTTP's dates tell seconds apart, no finer, and If-Modified-Since is read only without If-None-Match,
        which a browser sends once given an ETag."""
        import hashlib
        from email.utils import formatdate

        from recur.util.stamp import stat_stamp

        stamp = "-".join(str(n) for n in stat_stamp(stat_result))
        self.headers.setdefault("content-length", str(stat_result.st_size))
        self.headers.setdefault("last-modified", formatdate(stat_result.st_mtime, usegmt=True))
        self.headers.setdefault("etag", f'"{hashlib.md5(stamp.encode(), usedforsecurity=False).hexdigest()}"')

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    async def __call__(self, scope, receive, send) -> None:
        self._head = bool(scope.get(HEAD_AS_GET))
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.close()  # every way out: sent, HEAD, 416, the client gone, cancelled

    @asynccontextmanager
    async def _open_file(self):
        """The file opened by ``open``, never the path again (closed by ``__call__``)."""
        yield anyio.wrap_file(self._file)

    async def _handle_simple(self, send, send_header_only: bool, send_pathsend: bool) -> None:
        if self._head and not send_header_only:
            return await self._send_first_part(send)
        # never the ASGI pathsend extension either: the server would open the path again
        await super()._handle_simple(send, send_header_only, False)

    async def _send_first_part(self, send) -> None:
        """A HEAD's body: what guard.send_file_head hands gzip of a file, read from the open file (its first KiB)."""
        start = {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        async with self._open_file() as file:
            await send_file_head(send, start, self.stat_result.st_size, file.read)

    async def _handle_single_range(self, send, start: int, end: int, file_size: int, send_header_only: bool) -> None:
        await super()._handle_single_range(send, start, end, file_size, send_header_only or self._head)

    async def _handle_multiple_ranges(self, send, ranges, file_size: int, send_header_only: bool) -> None:
        await super()._handle_multiple_ranges(send, ranges, file_size, send_header_only or self._head)

    @classmethod
    def _parse_range_header(cls, http_range: str, file_size: int) -> list[tuple[int, int]]:
        unit, has_ranges, _ = http_range.partition("=")
        if not has_ranges or unit.strip().lower() != "bytes":
            return []  # no ranges: the whole file
        try:
            return super()._parse_range_header(http_range, file_size)
        except (MalformedRangeHeader, RangeNotSatisfiable):
            raise StarletteHTTPException(
                416,
                f"Range {http_range[:80]!r} selects nothing of this file ({file_size} bytes)",
                headers={"Content-Range": f"bytes */{file_size}"},
            ) from None


# A site page is a few folders deep, under a proxy's prefix a few more. The 404 page's links get one
# "../" per slash of the path asked for: a 60 KB path of slashes made a 4 MB page of one request (found
# in the security review), so a deeper path is answered the JSON 404, which is as long as the path.
MAX_404_PAGE_DEPTH = 32


def too_deep_for_404_page(scope) -> bool:
    return up_to_root(scope).count("../") > MAX_404_PAGE_DEPTH


def _wants_html(scope) -> bool:
    """A browser navigating (its Accept names text/html before JSON: negotiate.prefers_html); curl, scripts and
    fetch() send */* or JSON, and a client that refuses HTML ("text/html;q=0") gets the JSON 404."""
    return prefers_html(header(scope, b"accept"))
