"""The whole federation on one machine, with demo data: `make run` (Ctrl-C stops it).

Starts a JetStream nats-server (unless BANSO_NATS_URL names one), three org-records instances and the
prefecture's own entry (its staff sign in there), the exchange, analytics and notices, each as its own uvicorn
process configured only through its environment variables. Each organization gets an Ed25519 signing key and the
federation registry (var/federation.json) lists their public keys. Data lives under var/ in the repository (SQLite
files, keys, the JetStream store, logs); delete var/ to start over.

Environment:
  BANSO_NATS_URL     use this NATS server and start none
  BANSO_NATS_PORT    port of the nats-server started here (default 4222 + BANSO_PORT_OFFSET)
  BANSO_PORT_OFFSET  added to every port, to run beside something that already holds them (default 0)
  BANSO_VAR_DIR      where the data, keys and logs live (default var/ in the repository)
Other ORG_RECORDS_*, EXCHANGE_*, ANALYTICS_*, NOTICES_* variables pass through to the services
(e.g. EXCHANGE_TRACING_EXPORTER=console); the ones set here take precedence.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demo_data import demo_records, load_demo

from banso_core.messaging import nats_server_binary
from banso_core.tokens import TokenIssuer, load_or_create_signing_key, public_key_pem
from org_records.sharing.anonymity import DEFAULT_K

REPO = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("BANSO_VAR_DIR", "").strip() or REPO / "var")
LOGS = VAR / "log"
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 180.0
DELIVERY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Organization:
    org_id: str
    name: str
    kind: str
    http_port: int
    grpc_port: int


@dataclass(frozen=True)
class HubService:
    """A prefecture-hosted service; its package is its name."""

    name: str
    label: str
    env_prefix: str
    http_port: int
    grpc_port: int


ORGANIZATIONS = (
    Organization("kanazawa-cci", "金沢商工会議所", "cci", 8101, 50101),
    Organization("nanao-cci", "七尾商工会議所", "cci", 8102, 50102),
    Organization("ishikawa-shokoren", "石川県商工会連合会", "federation", 8103, 50103),
)
PREFECTURE = Organization("ishikawa-pref", "石川県 商工労働部 経営支援課", "prefecture", 8104, 50104)
"""The prefecture's own entry: where 県 staff sign in. It keeps no businesses."""
DEMO_PASSWORD = "demo"
HUB_SERVICES = (
    HubService("exchange", "exchange 目標の共有", "EXCHANGE_", 8200, 50200),
    HubService("analytics", "analytics 集計・分析", "ANALYTICS_", 8300, 50300),
    HubService("notices", "notices お知らせ", "NOTICES_", 8400, 50400),
)


class FederationError(Exception):
    """The federation could not start, or lost a process; the message says why and what to do."""


class StopRequested(Exception):
    """SIGINT, SIGTERM or SIGHUP arrived."""


class StopSignals:
    """Turns stop signals into a flag that every waiting loop checks, so a stop never lands mid-launch."""

    received: str | None = None

    @classmethod
    def install(cls) -> None:
        for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop_signal, cls._note)

    @classmethod
    def ignore(cls) -> None:
        for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop_signal, signal.SIG_IGN)

    @classmethod
    def _note(cls, signum: int, _frame: object) -> None:
        cls.received = signal.Signals(signum).name

    @classmethod
    def check(cls) -> None:
        if cls.received is not None:
            raise StopRequested(cls.received)


def pause(seconds: float) -> None:
    time.sleep(seconds)
    StopSignals.check()


def say(message: str = "", *, error: bool = False) -> None:
    # A reader that went away (`make run | tee …` after Ctrl-C) must not stop the shutdown half-way.
    with contextlib.suppress(OSError):
        print(message, file=sys.stderr if error else sys.stdout, flush=True)


@dataclass
class ChildProcess:
    """A process of the federation, in its own process group so that Ctrl-C reaches only this launcher."""

    name: str
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return LOGS / f"{self.name}.log"

    def launch(self, command: list[str], environment: dict[str, str]) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environment,
                cwd=REPO,
                process_group=0,
            )

    def has_exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait_or_kill(self) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def failure(self, what: str) -> FederationError:
        return FederationError(f"{self.name} {what}; the end of {relative(self.log_path)}:\n{log_tail(self.log_path)}")


@dataclass
class Broker(ChildProcess):
    """The nats-server with JetStream, its store under var/nats."""

    port: int = 4222

    @property
    def url(self) -> str:
        return f"nats://{HOST}:{self.port}"

    def start(self) -> None:
        store = VAR / "nats"
        store.mkdir(parents=True, exist_ok=True)
        try:
            binary = nats_server_binary()
        except RuntimeError as missing:
            raise FederationError(str(missing)) from None
        command = [binary, "-a", HOST, "-p", str(self.port), "-js", "-sd", str(store)]
        self.launch(command, dict(os.environ))
        wait_until(lambda: port_is_open(HOST, self.port), self, "did not listen on its port")


@dataclass
class Service(ChildProcess):
    """One uvicorn process: an org-records instance or a prefecture service."""

    label: str = ""
    app: str = ""
    """The app factory, `module:create_app`."""
    env_prefix: str = ""
    http_port: int = 0
    grpc_port: int = 0
    settings: dict[str, str] = field(default_factory=dict)
    """Settings beyond ports, database and NATS, as `<env_prefix><NAME>` variables without the prefix."""

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    def environment(self, nats_url: str) -> dict[str, str]:
        settings = {
            "HTTP_HOST": HOST,
            "HTTP_PORT": str(self.http_port),
            "GRPC_PORT": str(self.grpc_port),
            "DATABASE_URL": f"sqlite:///{VAR / f'{self.name}.db'}",
            "NATS_URL": nats_url,
            **self.settings,
        }
        prefixed = {f"{self.env_prefix}{name}": value for name, value in settings.items()}
        return {**os.environ, "PYTHONUNBUFFERED": "1", **prefixed}

    def start(self, nats_url: str) -> None:
        command = [sys.executable, "-m", self.app.split(".", 1)[0]]
        self.launch(command, self.environment(nats_url))

    def is_healthy(self) -> bool:
        return http_status(f"{self.base_url}/healthz") == 200

    def rest_entry(self) -> str:
        """The REST base, or the health check for a service that has no API yet."""
        paths = get_json(f"{self.base_url}/openapi.json")["paths"]
        if any(path.startswith("/api/v1/") for path in paths):
            return f"{self.base_url}/api/v1"
        return f"{self.base_url}/healthz (no API yet)"


def federation_services(offset: int) -> tuple[list[Service], Service]:
    """The org-records instances (one per organization) and the hub services; returns them and the exchange."""
    org_records = [
        Service(
            name=f"org-records-{org.org_id}",
            label=f"org-records {org.name}",
            app="org_records.app:create_app",
            env_prefix="ORG_RECORDS_",
            http_port=org.http_port + offset,
            grpc_port=org.grpc_port + offset,
            settings={
                "ORG_ID": org.org_id,
                "ORG_NAME": org.name,
                "ORG_KIND": org.kind,
                "SHARING_SECRET": sharing_secret(org.org_id),
                "SIGNING_KEY_PATH": str(signing_key_path(org.org_id)),
                "FEDERATION_REGISTRY": str(REGISTRY),
                "DEMO_LOGINS": "true",
                # The web UI calls the hub services as any REST client does.
                **{
                    f"{hub.name.upper()}_URL": f"http://127.0.0.1:{hub.http_port + offset}"
                    for hub in HUB_SERVICES
                    if hub.name in ("exchange", "notices", "analytics")
                },
            },
        )
        for org in (*ORGANIZATIONS, PREFECTURE)
    ]
    hub = [
        Service(
            name=hub.name,
            label=hub.label,
            app=f"{hub.name}.app:create_app",
            env_prefix=hub.env_prefix,
            http_port=hub.http_port + offset,
            grpc_port=hub.grpc_port + offset,
            settings={"FEDERATION_REGISTRY": str(REGISTRY)} if hub.name in ("exchange", "notices", "analytics") else {},
        )
        for hub in HUB_SERVICES
    ]
    return [*org_records, *hub], hub[0]


REGISTRY = VAR / "federation.json"


def signing_key_path(org_id: str) -> Path:
    return VAR / "keys" / f"{org_id}.pem"


def write_federation_registry() -> None:
    """The organizations and their public keys, so that every service can tell whose token it holds."""
    organizations = [
        {
            "id": org.org_id,
            "name": org.name,
            "kind": org.kind,
            "public_key": public_key_pem(load_or_create_signing_key(signing_key_path(org.org_id))),
        }
        for org in (*ORGANIZATIONS, PREFECTURE)
    ]
    REGISTRY.parent.mkdir(parents=True, exist_ok=True)
    REGISTRY.write_text(json.dumps({"organizations": organizations}, ensure_ascii=False, indent=2), encoding="utf-8")


def sharing_secret(org_id: str) -> str:
    """The organization's HMAC key, made once per data folder so that goal_refs stay stable across restarts."""
    path = VAR / "secrets" / f"{org_id}.sharing-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def environment_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise FederationError(f"{name} must be a whole number, not {value!r}") from None


def port_is_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
        return True
    return False


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def check_ports_free(services: list[Service], broker: Broker | None) -> None:
    """Fail early: a port held by an earlier run would answer our health checks in its place."""
    wanted = [(service.name, port) for service in services for port in (service.http_port, service.grpc_port)]
    if broker is not None:
        wanted.append(("nats-server", broker.port))
    taken = [f"{port} ({name})" for name, port in wanted if not port_is_free(port)]
    if not taken:
        return
    hints = ["move every port with BANSO_PORT_OFFSET=10000"]
    if broker is not None and taken == [f"{broker.port} (nats-server)"]:
        hints.append(f"move only NATS with BANSO_NATS_PORT={broker.port + 10000}")
        hints.append(f"use that NATS server with BANSO_NATS_URL=nats://{HOST}:{broker.port}")
    raise FederationError(
        f"ports already in use: {', '.join(taken)}. Is the federation already running? If not:\n"
        + "\n".join(f"  - {hint}" for hint in hints)
    )


def wait_until(ready: Callable[[], bool], child: ChildProcess, what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not ready():
        if child.has_exited():
            raise child.failure("exited while starting")
        if time.monotonic() > deadline:
            raise child.failure(f"{what} within {STARTUP_TIMEOUT:.0f} s")
        pause(0.1)


def wait_until_healthy(services: list[Service]) -> None:
    """Wait for all at once, so that one dying early is reported at once."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    starting = list(services)
    while starting:
        for service in services:
            if service.has_exited():
                raise service.failure("exited while starting")
        starting = [service for service in starting if not service.is_healthy()]
        if starting and time.monotonic() > deadline:
            raise starting[0].failure(f"did not answer /healthz within {STARTUP_TIMEOUT:.0f} s")
        pause(0.1)


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def get_json(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError) as error:
        raise FederationError(f"GET {url} failed: {error}") from None


def call_json(method: str, url: str, body: dict[str, Any] | None = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body, ensure_ascii=False).encode(),
        headers=headers,
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
            return json.loads(payload) if payload else None
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")
        raise FederationError(f"{method} {url} answered {error.code}: {detail}") from None


def sign_in(service: Service, login: str, password: str) -> str:
    answer = call_json("POST", f"{service.base_url}/api/v1/auth/token", {"login": login, "password": password})
    return str(answer["access_token"])


def load_demo_data(service: Service, org: Organization) -> str:
    """Load the organization's demo records through its REST API, unless its database already has businesses."""
    token = sign_in(service, "demo-admin", DEMO_PASSWORD)
    api = f"{service.base_url}/api/v1"
    if call_json("GET", f"{api}/businesses?limit=1", token=token)["items"]:
        return f"{org.name}: existing data kept"

    def call(method: str, path: str, body: dict[str, Any] | None) -> Any:
        StopSignals.check()
        return call_json(method, f"{api}{path}", body, token)

    return load_demo(call, org.org_id)


def load_all_demo_data(services: list[Service], organizations: tuple[Organization, ...] = ORGANIZATIONS) -> None:
    """One organization per thread: each loads over its own REST API, and the three take as long as one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(organizations)) as pool:
        pairs = zip(organizations, services, strict=True)
        loads = [pool.submit(load_demo_data, service, org) for org, service in pairs]
        for load in loads:
            say(load.result())


DEMO_NOTICES = (
    {
        "kind": "official",
        "title": "令和8年度 小規模事業者持続化補助金（一般型）第18回公募のお知らせ",
        "body": "第18回公募が始まりました。\n\n- 申請締切: **2026年6月30日**\n- 事業支援計画書（様式4）の発行は"
        "締切の1週間前までに各商工会・商工会議所へご依頼ください。",
        "category": "subsidy_loan",
        "pinned": True,
        "attachments": [{"title": "公募要領", "url": "https://r6.jizokukahojokin.info/"}],
    },
    {
        "kind": "official",
        "title": "能登半島地震 なりわい再建支援補助金 相談会（七尾・輪島）",
        "body": "被災事業者の皆さまの申請を支援する相談会を開催します。担当の経営指導員の同席をお願いします。",
        "category": "disaster_support",
        "audience": {"org_ids": ["nanao-cci", "ishikawa-shokoren"]},
    },
    {
        "kind": "official",
        "title": "商工会議所 経営指導員向け 事業承継研修",
        "body": "事業承継・引継ぎ支援センターと共催で研修を行います。",
        "category": "seminar",
        "audience": {"org_kinds": ["cci"], "roles": ["advisor", "lead_advisor"]},
    },
)
"""お知らせ the prefecture posts on the first run, so that the notices service and each organization's feed show
something."""


def load_demo_notices(prefecture: Service, notices: Service) -> str:
    """Post the demo notices as the prefecture's demo login, unless the notices service already holds some."""
    token = sign_in(prefecture, "demo-prefecture", DEMO_PASSWORD)
    api = f"{notices.base_url}/api/v1/notices"
    if call_json("GET", f"{api}?moderation=true&limit=1", token=token)["total"]:
        return "notices: existing notices kept"
    for notice in DEMO_NOTICES:
        call_json("POST", api, notice, token)
    return f"notices: {len(DEMO_NOTICES)} お知らせ from {PREFECTURE.name}"


def launcher_token() -> str:
    """A short-lived token of the prefecture's entry, signed with its key: the exchange answers member staff only."""
    issuer = TokenIssuer(
        PREFECTURE.org_id, load_or_create_signing_key(signing_key_path(PREFECTURE.org_id)), dt.timedelta(minutes=5)
    )
    return issuer.issue(0, "prefecture", "make run")


def wait_for_shared_goals(exchange: Service, expected: int) -> int:
    """Wait until the exchange holds at least the demo's shared goals; returns how many it holds."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while True:
        total = int(
            call_json("GET", f"{exchange.base_url}/api/v1/goals/search?limit=1", token=launcher_token())["total"]
        )
        if total >= expected or time.monotonic() > deadline:
            return total
        if exchange.has_exited():
            raise exchange.failure("exited")
        pause(0.2)


def watch(children: list[ChildProcess]) -> None:
    """Block until a stop signal (raises StopRequested) or until a child dies (raises FederationError)."""
    while True:
        for child in children:
            if child.has_exited():
                raise child.failure(f"exited with code {child.process.returncode if child.process else '?'}")
        pause(0.5)


def stop_all(services: list[Service], brokers: list[ChildProcess]) -> None:
    """Services first (they drain their NATS connections), then the brokers."""
    StopSignals.ignore()
    started = [child for child in [*services, *brokers] if child.process is not None]
    if not started:
        return
    say("\nStopping the federation …")
    for group in (services, brokers):
        for child in group:
            child.terminate()
        for child in group:
            child.wait_or_kill()
    say("Stopped.")


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "  (no log)"
    return "\n".join(f"  | {line}" for line in text.splitlines()[-lines:])


def relative(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def print_table(rows: list[list[str]]) -> None:
    widths = [max(display_width(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        say("  " + "  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())


def print_urls(services: list[Service], exchange: Service, nats_url: str, started_here: bool) -> None:
    rows = [["service", "REST", "OpenAPI", "gRPC"]]
    rows += [
        [service.label, service.rest_entry(), f"{service.base_url}/docs", f"{HOST}:{service.grpc_port}"]
        for service in services
    ]
    say()
    print_table(rows)
    store = f"JetStream store {relative(VAR / 'nats')}" if started_here else "BANSO_NATS_URL"
    say(f"\n  NATS  {nats_url}  ({store})")
    say(f"  logs  {relative(LOGS)}/<service>.log    data  {relative(VAR)}/ (delete it to start over)")
    query = urllib.parse.quote("サウナ")
    first_org = services[0]
    say("\nSearch the goals shared across organizations (「サウナ」; any member's staff token, see below):")
    say(f"  curl -s -H \"Authorization: Bearer $TOKEN\" '{exchange.base_url}/api/v1/goals/search?q={query}'")
    say(f"\nWeb UI (画面): open an organization's URL in a browser, e.g. {first_org.base_url}/ (docs/web-ui.md)")
    say("\nDemo logins (password `demo`; demo data only; the same in the web UI):")
    logins = [["login", "role", "where"]]
    for org, service in zip(ORGANIZATIONS, services, strict=False):
        logins.append(["demo-advisor", "経営指導員 advisor", f"{org.name}  {service.base_url}"])
        logins.append(["demo-admin", "団体管理者 org_admin", f"{org.name}  {service.base_url}"])
    prefecture = services[len(ORGANIZATIONS)]
    logins.append(["demo-prefecture", "県職員 prefecture", f"{PREFECTURE.name}  {prefecture.base_url}"])
    print_table(logins)
    say(f"\nOne business in {ORGANIZATIONS[0].name}'s own records (never shared; sign in first):")
    sign_in_request = (
        f"curl -s -X POST {first_org.base_url}/api/v1/auth/token -H 'Content-Type: application/json' "
        """-d '{"login":"demo-advisor","password":"demo"}'"""
    )
    read_token = """python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'"""
    say(f"  TOKEN=$({sign_in_request} | {read_token})")
    say(f'  curl -s -H "Authorization: Bearer $TOKEN" {first_org.base_url}/api/v1/businesses/1')
    notices = next(service for service in services if service.name == "notices")
    say("\nお知らせ at the hub (with any member's staff token, e.g. the one above), and the organization's feed:")
    say(f'  curl -s -H "Authorization: Bearer $TOKEN" {notices.base_url}/api/v1/notices')
    say(f'  curl -s -H "Authorization: Bearer $TOKEN" {first_org.base_url}/api/v1/notice-feed')
    say("Every gRPC server has reflection and the health service:")
    say(f"  grpcurl -plaintext {HOST}:{exchange.grpc_port} list")
    say("\nCtrl-C stops everything.")


def check_nats_reachable(url: str) -> None:
    first = urllib.parse.urlsplit(url.split(",")[0].strip())
    if not port_is_open(first.hostname or HOST, first.port or 4222):
        raise FederationError(f"no NATS server answers at {url} (BANSO_NATS_URL)")


def start(services: list[Service], exchange: Service, broker: Broker | None) -> None:
    started_at = time.monotonic()
    check_ports_free(services, broker)
    LOGS.mkdir(parents=True, exist_ok=True)
    write_federation_registry()
    say(f"Logs: {relative(LOGS)}/ (one file per process)")
    if broker is not None:
        nats_url = broker.url
        broker.start()
        say(f"nats-server (JetStream) on {nats_url}")
    else:
        nats_url = os.environ["BANSO_NATS_URL"].strip()
        check_nats_reachable(nats_url)
        say(f"Using the NATS server at {nats_url} (BANSO_NATS_URL)")
    for service in services:
        service.start(nats_url)
    wait_until_healthy(services)
    say(f"{len(services)} services answer /healthz")
    say("Loading the demo data through each organization's REST API …")
    load_all_demo_data(services[: len(ORGANIZATIONS)])
    notices = next(service for service in services if service.name == "notices")
    say(load_demo_notices(services[len(ORGANIZATIONS)], notices))
    k_anonymity = environment_int("ORG_RECORDS_K_ANONYMITY", DEFAULT_K)
    expected = sum(demo_records(org.org_id).shared_goal_count(k_anonymity) for org in ORGANIZATIONS)
    shared = wait_for_shared_goals(exchange, expected)
    if shared < expected:
        say(f"warning: the exchange shows {shared} shared goals so far, {expected} expected")
    else:
        say(f"exchange: {shared} shared goals searchable")
    say(f"\nBansō federation is up ({time.monotonic() - started_at:.1f} s).")
    print_urls(services, exchange, nats_url, started_here=broker is not None)


Launch = tuple[list[Service], list[ChildProcess], Callable[[], None]]
"""The services and brokers of a federation, none started yet, and what starts them."""


def run_until_stopped(prepare: Callable[[], Launch]) -> int:
    """Start what `prepare` plans, watch it until Ctrl-C or a process dies, then stop everything that started."""
    StopSignals.install()
    services: list[Service] = []
    brokers: list[ChildProcess] = []
    error: FederationError | None = None
    try:
        services, brokers, start_them = prepare()
        start_them()
        watch([*services, *brokers])
    except StopRequested:
        pass
    except FederationError as failure:
        error = failure
    finally:
        stop_all(services, brokers)
    if error is not None:
        say(f"\nerror: {error}", error=True)
        return 1
    return 0


def main() -> int:
    def prepare() -> Launch:
        offset = environment_int("BANSO_PORT_OFFSET", 0)
        services, exchange = federation_services(offset)
        broker = None
        if not os.environ.get("BANSO_NATS_URL", "").strip():
            broker = Broker("nats-server", port=environment_int("BANSO_NATS_PORT", 4222 + offset))
        return services, [broker] if broker else [], lambda: start(services, exchange, broker)

    return run_until_stopped(prepare)


if __name__ == "__main__":
    sys.exit(main())
