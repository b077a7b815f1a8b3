"""`python -m org_records`: serve it on the ports its environment settings name."""

from banso_core.service import run_service
from org_records.app import create_app
from org_records.config import OrgRecordsSettings

if __name__ == "__main__":
    run_service(create_app, OrgRecordsSettings())
