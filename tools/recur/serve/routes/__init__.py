"""One APIRouter per concern; ``create_app`` (app.py) includes them in this order."""
