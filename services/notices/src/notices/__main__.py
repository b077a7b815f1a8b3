"""`python -m notices`: serve it on the ports its environment settings name."""

from banso_core.service import run_service
from notices.app import create_app
from notices.config import NoticesSettings

if __name__ == "__main__":
    run_service(create_app, NoticesSettings())
