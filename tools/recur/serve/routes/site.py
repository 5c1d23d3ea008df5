"""The built site at /, or a plain home page that says why there is none."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from recur.serve.deps import Settings, get_settings
from recur.serve.site_files import SiteFiles

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(settings: Settings = Depends(get_settings)):
    """Only routed when no site folder was given (--site)."""
    return _home_page(settings.site)


def _home_page(site) -> HTMLResponse:
    note = (
        # not the server's folder to an anonymous visitor (found in review): the start-up warning names it
        "The static site is not built in the --site folder yet (run: recur site --out &lt;that folder&gt;); "
        "the API is running."
        if site
        else "No site folder given (--site); the API is running."
    )
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>Recur API</title>"
        f'<h1>Recur API</h1><p>{note}</p><p>API documentation: <a href="docs">/docs</a> '
        f'(<a href="redoc">ReDoc</a>, <a href="openapi.json">openapi.json</a>). '
        f'Health: <a href="healthz">/healthz</a>.</p>'
    )


class SiteOrHome(SiteFiles):
    """The site folder, looked at on every request: a site built (or rebuilt) after `recur serve`
    started is served without a restart (it was decided once, at start-up). While the folder holds
    no site, / is the page that says how to build it, and any other path the JSON 404."""

    def __init__(self, settings: Settings):
        super().__init__(directory=str(settings.site), html=True, check_dir=False)
        self.settings = settings

    async def check_config(self) -> None:
        """Nothing to check once: each request looks the folder up, and finds nothing while it is away."""

    async def get_response(self, path, scope):
        if path in ("", ".") and not self.settings.site_built:
            if scope["method"] not in ("GET", "HEAD"):  # POST / was answered the page, 200
                raise StarletteHTTPException(405, headers={"Allow": "GET, HEAD"})
            return _home_page(self.settings.site)
        return await super().get_response(path, scope)


def mount_site(app: FastAPI, settings: Settings) -> APIRouter | None:
    """Last of all routes: the site answers every path no API route took. The router included, when one is
    (no --site: the home page alone), for app.state.included_routers."""
    if settings.site:
        app.mount("/", SiteOrHome(settings), name="site")
        return None
    app.include_router(router)
    return router
