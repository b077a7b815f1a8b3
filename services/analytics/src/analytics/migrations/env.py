from analytics.models import Base
from banso_core.db import run_migrations_online

run_migrations_online(Base.metadata)
