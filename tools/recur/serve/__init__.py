"""The long-running side of Recur: the HTTP API, the built site and the Alertmanager hook.

``create_app`` (app.py) is the library entry point; ``recur serve`` (cli/serve.py) runs it under
uvicorn. Importing this package is free: fastapi loads only when ``create_app`` is used, so
``recur --help`` and ``recur serve --help`` stay fast.
"""


def __getattr__(name):
    if name == "create_app":
        from recur.serve.app import create_app

        return create_app
    raise AttributeError(name)
