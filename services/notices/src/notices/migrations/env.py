from banso_core.db import run_migrations_online
from notices.models import Base

run_migrations_online(Base.metadata)
