"""The built site at /, or a plain home page that says why there is none."""

from __future__ import annotations

import html

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import HTMLResponse

from recur.serve.deps import Settings, get_settings
from recur.serve.guard import SiteFiles

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(settings: Settings = Depends(get_settings)):
    """Only routed when there is no built site (the site mount answers / otherwise)."""
    site = settings.site
    note = (
        f"The static site is not built at {html.escape(str(site))} (run: recur site --out "
        f"{html.escape(str(site))}); the API is running."
        if site
        else "No site folder given (--site); the API is running."
    )
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>Recur API</title>"
        f'<h1>Recur API</h1><p>{note}</p><p>API documentation: <a href="docs">/docs</a> '
        f'(<a href="redoc">ReDoc</a>, <a href="openapi.json">openapi.json</a>). '
        f'Health: <a href="healthz">/healthz</a>.</p>'
    )


def mount_site(app: FastAPI, settings: Settings) -> None:
    """Last of all routes: the site answers every path no API route took."""
    if settings.site_ok:
        app.mount("/", SiteFiles(directory=str(settings.site), html=True), name="site")
    else:
        app.include_router(router)
