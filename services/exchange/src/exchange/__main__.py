"""`python -m exchange`: serve it on the ports its environment settings name."""

from banso_core.service import run_service
from exchange.app import create_app
from exchange.config import ExchangeSettings

if __name__ == "__main__":
    run_service(create_app, ExchangeSettings())
