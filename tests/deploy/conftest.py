"""The shipped deployment, running: nginx with the site file deploy/nginx/quartier.conf (TLS with a certificate
made for the test) in front of two gunicorn instances started with deploy/gunicorn.conf.py, on one throw-away
PostgreSQL database and one Redis, as deploy/ and docs/deployment.md describe for a city's installation.

PostgreSQL is the one of DATABASE_URL when that is PostgreSQL, else postgres://postgres@127.0.0.1:5432/ (it is
always there in CI, so the stack runs in the SQLite pass too). Redis is QUARTIER_CACHE_URL's (under a prefix of
its own) or a redis-server of its own on a free port. Where nginx, openssl, the PostgreSQL client tools,
PostgreSQL or Redis is missing the tests skip loudly; with CI=true they fail instead.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings

from tests.liveserver import is_postgres, postgres_admin, skip_or_fail, with_database_name

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = Path(os.environ.get("QUARTIER_NGINX", "/usr/sbin/nginx"))
MIME_TYPES = Path("/etc/nginx/mime.types")
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
HOST = "quartier.test"
START_TIMEOUT = 60
COMMAND_TIMEOUT = 600
# Accepted suggestions per client address in the stack (the client-address test runs into it on purpose).
SUGGESTION_LIMIT = 3

_skip_reasons: list[str] = []


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if is_postgres(url) else DEFAULT_POSTGRES


def create_database(prefix: str) -> tuple[str, str]:
    """A new, empty PostgreSQL database: (name, URL)."""
    name = f"{prefix}_{secrets.token_hex(5)}"
    with postgres_admin(postgres_url()) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, with_database_name(postgres_url(), name)


def drop_database(name: str) -> None:
    with postgres_admin(postgres_url()) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _missing_prerequisites() -> list[str]:
    missing = []
    if not NGINX.exists():
        missing.append(f"nginx not found at {NGINX} (apt-get install nginx, or set QUARTIER_NGINX)")
    if not MIME_TYPES.exists():
        missing.append(f"{MIME_TYPES} not found (it comes with Debian's nginx)")
    for tool in ("openssl", "pg_dump", "pg_restore", "psql", "flock", "sha256sum"):
        if shutil.which(tool) is None:
            missing.append(
                f"{tool} not found (apt-get install openssl postgresql-client util-linux coreutils)"
            )
    if not os.environ.get("QUARTIER_CACHE_URL") and shutil.which("redis-server") is None:
        missing.append("no Redis: QUARTIER_CACHE_URL is not set and redis-server is not installed")
    try:
        with postgres_admin(postgres_url()) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure to connect means: no PostgreSQL here
        missing.append(f"PostgreSQL at {postgres_url()} does not answer ({exc.__class__.__name__})")
    return missing


@pytest.fixture(scope="session")
def deploy_prerequisites() -> None:
    skip_or_fail("DEPLOYMENT TESTS", _missing_prerequisites(), _skip_reasons)


def pytest_terminal_summary(terminalreporter):
    for reason in _skip_reasons:
        terminalreporter.write_sep("!", "deployment tests skipped", red=True, bold=True)
        terminalreporter.write_line(reason, red=True, bold=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(
    command: list[str], env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


# --- HTTP ---------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


@dataclass
class Client:
    """A small browser: one TCP/TLS connection per request, from a chosen loopback address, with cookies."""

    port: int
    tls: ssl.SSLContext | None = None
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)
    # Sent with every request when talking to an instance directly (nginx would set it).
    extra_headers: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Answer:
        if self.tls is not None:
            conn = http.client.HTTPSConnection(
                "127.0.0.1", self.port, context=self.tls, timeout=60, source_address=(self.source, 0)
            )
        else:
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=60, source_address=(self.source, 0)
            )
        sent = {"Host": HOST, "User-Agent": "quartier-deploy-test", **self.extra_headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for raw in response.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(raw)
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Answer(response.status, response.headers, data)

    def get(self, path: str, **headers) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict[str, str], referer_path: str | None = None) -> Answer:
        from urllib.parse import urlencode

        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}{referer_path or path}",
        }
        return self.request("POST", path, body=urlencode(fields).encode(), headers=headers)

    def post_json(self, path: str, payload: dict, **headers) -> Answer:
        return self.request(
            "POST",
            path,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", **headers},
        )


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


# --- the stack ----------------------------------------------------------------------------------------------


@dataclass
class Stack:
    tmp: Path
    database: str
    database_url: str
    env: dict[str, str]
    https_port: int
    http_port: int
    app_ports: list[int]
    tls: ssl.SSLContext
    static_root: Path
    media_root: Path
    acme_root: Path
    nginx_conf: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def client(self, source: str = "127.0.0.1") -> Client:
        """A client of the site through nginx over https."""
        return Client(self.https_port, tls=self.tls, source=source)

    def plain_client(self) -> Client:
        """A client of nginx's plain-http listener."""
        return Client(self.http_port)

    def instance(self, index: int) -> Client:
        """A client of one gunicorn instance directly, sending what nginx sends."""
        return Client(self.app_ports[index], extra_headers={"X-Forwarded-Proto": "https"})

    def manage(self, *args: str) -> str:
        return run([sys.executable, str(ROOT / "manage.py"), *args], env=self.env).stdout


def _render_nginx_site(tmp: Path, *, https_port: int, http_port: int, app_ports: list[int]) -> str:
    """The shipped site file with this test's ports, certificate and folders, and nothing else changed."""
    site = (DEPLOY / "nginx" / "quartier.conf").read_text(encoding="utf-8")
    substitutions = [
        ("/etc/letsencrypt/live/integration.example.org/", f"{tmp}/tls/"),
        ("integration.example.org", HOST),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("    listen [::]:80;\n", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{app_ports[0]} "),
        ("server 127.0.0.1:8002 ", f"server 127.0.0.1:{app_ports[1]} "),
        ("root /srv/quartier;", f"root {tmp}/srv;"),
        ("root /var/www/letsencrypt;", f"root {tmp}/acme;"),
        ("/var/log/nginx/", f"{tmp}/log/"),
    ]
    for old, new in substitutions:
        assert old in site, (
            f"deploy/nginx/quartier.conf no longer contains {old!r}; update the test's mapping"
        )
        site = site.replace(old, new)
    return site


def _nginx_main_conf(tmp: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides around a site file, with every path inside `tmp`."""
    temp = tmp / "nginx-temp"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's private folders
    return (
        f"{user}worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/log/error.log warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        f"    include {MIME_TYPES};\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n    tcp_nopush on;\n    types_hash_max_size 2048;\n"
        f"    client_body_temp_path {temp}/body;\n    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        f"    access_log {tmp}/log/access.log;\n"
        f"    include {site};\n"
        "}\n"
    )


def _make_certificate(tls_dir: Path) -> None:
    tls_dir.mkdir(parents=True)
    run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "2", "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1",
            "-keyout", str(tls_dir / "privkey.pem"), "-out", str(tls_dir / "fullchain.pem"),
        ]
    )  # fmt: skip


def _wait_for(check, what: str, logs: list[Path], process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    text = "\n".join(f"--- {p}:\n{p.read_text(errors='replace')}" for p in logs if p.exists())
    raise RuntimeError(f"{what} did not come up within {START_TIMEOUT} s\n{text}")


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


@pytest.fixture(scope="session")
def stack(deploy_prerequisites):
    tmp = Path(tempfile.mkdtemp(prefix="quartier-deploy-"))
    (tmp / "log").mkdir()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / "nginx-temp" / sub).mkdir(parents=True)
    static_root, media_root, acme_root = tmp / "srv" / "static", tmp / "srv" / "media", tmp / "acme"
    media_root.mkdir(parents=True)
    acme_root.mkdir()
    database = None
    processes: list[subprocess.Popen] = []
    try:
        database, database_url = create_database("quartier_deploy")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTEST_", "QUARTIER_", "GUNICORN_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        }
        if settings.CACHE_URL:  # this pytest-xdist worker's Redis database
            cache_url = settings.CACHE_URL
        else:
            redis_port = free_port()
            redis_log = tmp / "log" / "redis.log"
            processes.append(
                subprocess.Popen(
                    ["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "",
                     "--appendonly", "no", "--dir", str(tmp), "--logfile", str(redis_log)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
            cache_url = f"redis://127.0.0.1:{redis_port}/0"

            def redis_answers() -> bool:
                with socket.create_connection(("127.0.0.1", redis_port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")

            _wait_for(redis_answers, "redis-server", [redis_log], processes[-1])
        # The production settings of deploy/quartier.env.example, pointed at this test's services and folders.
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "quartier.settings",
                "DATABASE_URL": database_url,
                "QUARTIER_DEBUG": "false",
                "QUARTIER_SECRET_KEY": "deploy-tests-" + secrets.token_urlsafe(40),
                "QUARTIER_ALLOWED_HOSTS": HOST,
                "QUARTIER_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
                "QUARTIER_CACHE_URL": cache_url,
                "QUARTIER_CACHE_PREFIX": f"deploy-{tmp.name}",
                "QUARTIER_TRUSTED_PROXIES": "127.0.0.1,::1",
                "QUARTIER_SITE_URL": f"https://{HOST}",
                "QUARTIER_STATIC_ROOT": str(static_root),
                "QUARTIER_MEDIA_ROOT": str(media_root),
                "QUARTIER_VAR_DIR": str(tmp / "var"),
                "QUARTIER_EMAIL_URL": f"file://{tmp / 'mail'}",
                "QUARTIER_LOG_LEVEL": "WARNING",
                # Demo accounts log in with their password only; the TOTP test uses an account of its own.
                "QUARTIER_DEMO": "true",
                "QUARTIER_SUGGESTION_RATE_LIMIT": str(SUGGESTION_LIMIT),
                "QUARTIER_SECURITY_CONTACT": f"mailto:security@{HOST}",
                "PYTHONUNBUFFERED": "1",
            }
        )
        # collectstatic (hashing and compressing, the slow part) needs no database: it runs meanwhile.
        collect_log = tmp / "log" / "collectstatic.log"
        with collect_log.open("wb") as out:
            collect = subprocess.Popen(
                [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            for args in (
                ("migrate", "--noinput", "-v", "0"),
                ("load_city", "essen", "-v", "0"),
                ("load_demo", "--city", "essen", "-v", "0"),
            ):
                run([sys.executable, str(ROOT / "manage.py"), *args], env=env)
        finally:
            collect.wait(timeout=COMMAND_TIMEOUT)
        if collect.returncode != 0:
            raise RuntimeError(f"collectstatic failed:\n{collect_log.read_text(errors='replace')}")

        app_ports = [free_port(), free_port()]
        while app_ports[1] == app_ports[0]:
            app_ports[1] = free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")]
        for index, port in enumerate(app_ports):
            log = tmp / "log" / f"gunicorn-{index}.log"
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(
                        [*gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"],
                        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                    )
                )  # fmt: skip
            direct = Client(port, extra_headers={"X-Forwarded-Proto": "https"})
            _wait_for(
                lambda d=direct: d.get("/healthz").status == 200, f"gunicorn on {port}", [log], processes[-1]
            )

        _make_certificate(tmp / "tls")
        https_port, http_port = free_port(), free_port()
        site = tmp / "quartier.conf"
        site.write_text(
            _render_nginx_site(tmp, https_port=https_port, http_port=http_port, app_ports=app_ports),
            encoding="utf-8",
        )
        nginx_conf = tmp / "nginx.conf"
        nginx_conf.write_text(_nginx_main_conf(tmp, site), encoding="utf-8")
        nginx = [str(NGINX), "-c", str(nginx_conf), "-p", str(tmp), "-e", str(tmp / "log" / "startup.log")]
        run([*nginx, "-t", "-q"])
        processes.append(
            subprocess.Popen(
                [*nginx, "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=(tmp / "log" / "nginx.out").open("wb"),
            )
        )
        tls = ssl.create_default_context(cafile=str(tmp / "tls" / "fullchain.pem"))
        probe = Client(https_port, tls=tls)
        _wait_for(
            lambda: probe.get("/healthz").status == 200,
            "nginx",
            [tmp / "log" / "error.log", tmp / "log" / "startup.log", tmp / "log" / "nginx.out"],
            processes[-1],
        )
        yield Stack(
            tmp=tmp,
            database=database,
            database_url=database_url,
            env=env,
            https_port=https_port,
            http_port=http_port,
            app_ports=app_ports,
            tls=tls,
            static_root=static_root,
            media_root=media_root,
            acme_root=acme_root,
            nginx_conf=nginx_conf,
            processes=processes,
        )
    finally:
        for process in reversed(processes):
            _stop(process, signal.SIGQUIT if process.args[0] == str(NGINX) else signal.SIGTERM)
        if database is not None:
            drop_database(database)
        shutil.rmtree(tmp, ignore_errors=True)
