"""`python -m analytics`: serve it on the ports its environment settings name."""

from analytics.app import create_app
from analytics.config import AnalyticsSettings
from banso_core.service import run_service

if __name__ == "__main__":
    run_service(create_app, AnalyticsSettings())
