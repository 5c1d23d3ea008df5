"""The long-running side of Recur: the HTTP API, the built site and the Alertmanager hook.

``create_app`` (app.py) is the library entry point; ``recur serve`` (cli.py) runs it under
uvicorn. Nothing here is imported by ``recur --help`` or ``recur check``.
"""

from recur.serve.app import create_app  # noqa: F401
