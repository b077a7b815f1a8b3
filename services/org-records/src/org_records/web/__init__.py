"""The web UI (画面) of an organization's records service: server-rendered pages for its staff, calling this
service's REST API and the hub services with the signed-in staff's token, exactly as any REST client does."""
