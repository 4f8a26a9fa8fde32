"""The shipped deployment running: nginx (deploy/nginx/quartier.conf) with TLS in front of two gunicorn instances
(deploy/gunicorn.conf.py) on one PostgreSQL database and one Redis, and the backup scripts (deploy/backup/)."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from .conftest import DEPLOY, HOST, ROOT, SUGGESTION_LIMIT, create_database, csrf_token, drop_database, run

pytestmark = pytest.mark.usefixtures("deploy_prerequisites")

COORDINATOR = "koordination-iii@demo.quartier.example"
DEMO_PASSWORD = "demo-quartier-2026"
LOGIN = "/de/konto/anmelden/"
WORKSPACE = "/de/arbeitsbereich/"


def log_in(client, email: str, password: str):
    token = csrf_token(client.get(LOGIN).text)
    return client.post_form(LOGIN, {"csrfmiddlewaretoken": token, "username": email, "password": password})


def suggestion(text: str) -> dict:
    return {"text": text, "topic": "neighbourhood", "consent": True}


# --- pages, API, TLS and headers through nginx ---------------------------------------------------------------


def test_pages_and_api_through_nginx_over_tls(stack):
    client = stack.client()
    home = client.get("/de/")
    assert home.status == 200, home.text[:500]
    assert "<html" in home.text
    # The app knows the request came over https (X-Forwarded-Proto): no redirect loop, HSTS from the app once.
    assert home.headers.get_all("Strict-Transport-Security") == [
        "max-age=31536000; includeSubDomains; preload"
    ]
    assert home.headers["Server"] == "nginx", "server_tokens off: no version"
    cities = client.get("/api/v1/cities")
    assert cities.status == 200
    assert "essen" in [city["slug"] for city in cities.json()["items"]]
    health = client.get("/healthz")
    assert health.status == 200 and health.json()["database"] == "ok" and health.json()["cache"] == "ok"


def test_plain_http_redirects_to_https_and_serves_only_the_acme_challenge(stack):
    plain = stack.plain_client()
    answer = plain.get("/de/veranstaltungen/?a=1")
    assert answer.status == 301
    assert answer.headers["Location"] == f"https://{HOST}/de/veranstaltungen/?a=1"
    challenge = stack.acme_root / ".well-known" / "acme-challenge"
    challenge.mkdir(parents=True, exist_ok=True)
    (challenge / "token-123").write_text("token-123.thumbprint")
    answer = plain.get("/.well-known/acme-challenge/token-123")
    assert answer.status == 200 and answer.text == "token-123.thumbprint"
    assert plain.get("/.well-known/security.txt").status == 301


def test_security_txt_is_passed_through_to_the_app(stack):
    through_nginx = stack.client().get("/.well-known/security.txt")
    direct = stack.instance(0).get("/.well-known/security.txt")
    assert through_nginx.status == 200, through_nginx.text[:500]
    assert f"Contact: mailto:security@{HOST}" in through_nginx.text
    # The app built the canonical address from the Host and X-Forwarded-Proto that nginx passed on.
    assert f"Canonical: https://{HOST}/.well-known/security.txt" in through_nginx.text.splitlines()

    def without_expiry(text: str) -> list[str]:  # written at request time, to the second
        return [line for line in text.splitlines() if not line.startswith("Expires:")]

    assert without_expiry(through_nginx.text) == without_expiry(direct.text)
    assert through_nginx.headers.get("Content-Type") == direct.headers.get("Content-Type")


def test_static_files_come_from_static_root_with_long_cache_for_hashed_names(stack):
    client = stack.client()
    home = client.get("/de/").text
    hashed = re.search(r'/static/[^"\']+\.[0-9a-f]{12}\.css', home)
    assert hashed, "the home page links no hashed stylesheet"
    answer = client.get(hashed.group(0))
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Type"].startswith("text/css")
    gzipped = client.get(hashed.group(0), **{"Accept-Encoding": "gzip"})
    assert gzipped.headers.get("Content-Encoding") == "gzip", (
        "whitenoise's .gz copies are served (gzip_static)"
    )
    # A file put into STATIC_ROOT after the app started: only nginx can know it.
    probe = f"probe-{secrets.token_hex(4)}.txt"
    (stack.static_root / probe).write_text("from nginx")
    answer = client.get(f"/static/{probe}")
    assert answer.status == 200 and answer.text == "from nginx"
    assert answer.headers["Cache-Control"] == "public, max-age=300"
    # Hidden files and writes are refused.
    (stack.static_root / ".env").write_text("SECRET=1")
    assert client.get("/static/.env").status == 404
    assert client.request("POST", f"/static/{probe}", body=b"x").status in {403, 405}


def test_media_images_inline_everything_else_a_download_without_scripts(stack):
    from PIL import Image

    events = stack.media_root / "events"
    events.mkdir(exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "WEBP")
    (events / "picture.webp").write_bytes(buffer.getvalue())
    (events / "page.html").write_text("<script>alert(document.cookie)</script>")
    (events / "drawing.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (events / "picture.png.html").write_text("<script>alert(2)</script>")
    client = stack.client()

    image = client.get("/media/events/picture.webp")
    assert image.status == 200 and image.body == buffer.getvalue()
    assert image.headers["Content-Type"] == "image/webp"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Disposition" not in image.headers
    assert "sandbox" in image.headers["Content-Security-Policy"]

    for name in ("page.html", "drawing.svg", "picture.png.html"):
        answer = client.get(f"/media/events/{name}")
        assert answer.status == 200, name
        assert answer.headers["Content-Type"] == "application/octet-stream", name
        assert answer.headers["Content-Disposition"] == "attachment", name
        assert answer.headers["X-Content-Type-Options"] == "nosniff", name
        assert answer.headers["Content-Security-Policy"] == "default-src 'none'; sandbox", name
    assert client.get("/media/events/").status in {403, 404}, "no folder listing"
    assert client.get("/media/events/missing.webp").status == 404
    assert client.request("PUT", "/media/events/new.webp", body=b"x").status in {403, 405}
    assert client.request("DELETE", "/media/events/page.html").status in {403, 405}


def test_request_size_limit_matches_the_image_upload_limit(stack):
    from quartier.events.images import MAX_BYTES

    client = stack.client()
    too_big = client.request(
        "POST", LOGIN, body=b"x" * (7 * 1024 * 1024), headers={"Content-Type": "text/plain"}
    )
    assert too_big.status == 413
    # An upload of the largest allowed image with its form reaches the app (which then checks it itself).
    allowed = client.request(
        "POST", LOGIN, body=b"x" * (MAX_BYTES + 256 * 1024), headers={"Content-Type": "text/plain"}
    )
    assert allowed.status != 413
    assert allowed.status < 500


def test_a_half_sent_request_never_reaches_the_app(stack):
    """nginx reads the whole body before it picks an instance (proxy_request_buffering): a client that stops
    sending holds no app worker. nginx's access log names the instance a request went to ("-": none)."""
    path = f"/de/probe-{secrets.token_hex(8)}/"
    raw = socket.create_connection(("127.0.0.1", stack.https_port), timeout=30)
    tls = stack.tls.wrap_socket(raw, server_hostname="127.0.0.1")
    try:
        tls.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 4096\r\n\r\ntext=incomplete".encode()
        )
        # While that request hangs, the site answers.
        for _ in range(4):
            assert stack.client().get("/healthz").status == 200
    finally:
        tls.close()
    half_sent = _access_log_line(stack, f"POST {path} ")
    assert half_sent.endswith('"-"'), f"the half-sent request was passed to an instance: {half_sent}"
    complete = stack.client().request(
        "POST", path, body=b"text=complete", headers={"Content-Type": "text/plain"}
    )
    assert complete.status < 500
    sent_on = _access_log_line(stack, f"POST {path} ", skip=1)
    assert re.search(r'"127\.0\.0\.1:\d+"$', sent_on), sent_on


def _access_log_line(stack, needle: str, skip: int = 0) -> str:
    """The (skip+1)-th access log line containing needle; nginx writes it when the request ends."""
    log = stack.tmp / "log" / "quartier.access.log"
    for _ in range(300):
        lines = [line for line in log.read_text().splitlines() if needle in line] if log.exists() else []
        if len(lines) > skip:
            return lines[skip]
        time.sleep(0.1)
    raise AssertionError(f"no access log line with {needle!r} in {log}")


# --- two instances, one database, one Redis ------------------------------------------------------------------


def test_login_through_nginx_and_the_session_holds_on_both_instances(stack):
    client = stack.client()
    answer = log_in(client, COORDINATOR, DEMO_PASSWORD)
    assert answer.status == 302, answer.text[:1000]
    assert "sessionid" in client.cookies
    set_cookie = " ".join(answer.headers.get_all("Set-Cookie"))
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie
    assert client.get(WORKSPACE).status == 200
    for index in range(2):
        direct = stack.instance(index)
        direct.cookies = dict(client.cookies)
        assert direct.get(WORKSPACE).status == 200, f"instance {index} does not know the session"
    anonymous = stack.client().get(WORKSPACE)
    assert anonymous.status == 302 and "/konto/anmelden/" in anonymous.headers["Location"]


def test_a_change_through_one_instance_shows_at_once_through_the_other(stack):
    marker = secrets.token_hex(8)
    first, second = stack.instance(0), stack.instance(1)
    sent = first.post_json(
        "/api/v1/cities/essen/suggestions", suggestion(f"Eine Bank am Spielplatz bitte {marker}"),
        **{"X-Forwarded-For": "198.51.100.10"},
    )  # fmt: skip
    assert sent.status == 201, sent.text
    status_path = urlsplit(sent.json()["status_url"]).path
    token = status_path.rstrip("/").rsplit("/", 1)[-1]
    seen = second.get(f"/api/v1/cities/essen/suggestions/status/{token}")
    assert seen.status == 200, seen.text
    assert seen.json()["id"] == sent.json()["id"]


def test_login_failures_counted_on_one_instance_lock_the_account_on_the_other(stack):
    """Login throttling lives in the shared Redis: failures through one instance count on the other."""
    account = "steuerung@demo.quartier.example"
    first, second = stack.instance(0), stack.instance(1)
    for _ in range(5):
        answer = log_in(first, account, "not-the-password-at-all")
        assert answer.status == 200, "a wrong password shows the form again"
    locked = log_in(second, account, DEMO_PASSWORD)
    assert locked.status == 200, "the right password after five failures elsewhere must not log in"
    assert "sessionid" not in second.cookies


# --- client addresses behind the proxy -----------------------------------------------------------------------


def test_the_app_sees_the_real_client_address_and_ignores_a_spoofed_first_hop(stack):
    """The suggestion limit is per client address: a client varying X-Forwarded-For stays one client, and
    another client (another address) is not affected by the first one's limit."""
    spoofer = stack.client(source="127.0.0.2")
    for i in range(SUGGESTION_LIMIT):
        answer = spoofer.post_json(
            "/api/v1/cities/essen/suggestions", suggestion(f"Mehr Bäume in der Straße, Nummer {i}"),
            **{"X-Forwarded-For": f"203.0.113.{i + 1}"},
        )  # fmt: skip
        assert answer.status == 201, answer.text
    refused = spoofer.post_json(
        "/api/v1/cities/essen/suggestions", suggestion("Noch ein Vorschlag mit neuer Adresse"),
        **{"X-Forwarded-For": "192.0.2.77, 203.0.113.200"},
    )  # fmt: skip
    assert refused.status == 429, "a spoofed X-Forwarded-For escaped the per-address limit"
    other = stack.client(source="127.0.0.3").post_json(
        "/api/v1/cities/essen/suggestions", suggestion("Ein Vorschlag von einer anderen Adresse")
    )
    assert other.status == 201, "the limit was not keyed by the real client address"


# --- two-factor authentication through the proxy ---------------------------------------------------------------


def test_staff_without_demo_exemption_log_in_with_a_totp_code(stack):
    with translation.override(
        "de"
    ):  # the server's German paths, whatever language an earlier test left active
        second_step = reverse("accounts:two_factor")
    key = secrets.token_hex(20)
    email = f"totp-{secrets.token_hex(4)}@example.org"
    password = "ein-langes-passwort-" + secrets.token_hex(6)
    stack.manage(
        "shell",
        "--no-imports",
        "-c",
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        "from quartier.accounts.models import Membership, Role, User\n"
        "from quartier.places.models import City, District\n"
        "city = City.objects.get(slug='essen')\n"
        f"user = User.objects.create_user(username={email!r}, email={email!r}, password={password!r})\n"
        "Membership.objects.create(user=user, city=city, role=Role.COORDINATOR,\n"
        "    district=District.objects.get(city=city, number='III'))\n"
        f"TOTPDevice.objects.create(user=user, name='App', confirmed=True, key={key!r})\n",
    )
    from django_otp.oath import totp

    client = stack.client()
    answer = log_in(client, email, password)
    assert answer.status == 302
    # The password step leads on (to the workspace), which leads to the code step until the code is given.
    step_url = answer.headers["Location"]
    for _ in range(3):
        if urlsplit(step_url).path == second_step:
            break
        hop = client.get(step_url)
        assert hop.status == 302, f"{step_url} answered {hop.status} before the second factor"
        step_url = hop.headers["Location"]
    assert urlsplit(step_url).path == second_step, step_url
    assert client.get(WORKSPACE).status == 302, "the workspace is closed until the code is given"
    code = f"{totp(bytes.fromhex(key)):06d}"
    page = client.get(step_url)
    assert page.status == 200
    done = client.post_form(step_url, {"csrfmiddlewaretoken": csrf_token(page.text), "code": code})
    assert done.status == 302, done.text[:3000]
    assert urlsplit(done.headers["Location"]).path == WORKSPACE
    assert client.get(WORKSPACE).status == 200

    # Another login of the same account: a wrong code (or the code just used) opens nothing.
    other = stack.client(source="127.0.0.4")
    assert log_in(other, email, password).status == 302
    page = other.get(second_step)
    for wrong in ("000000" if code != "000000" else "111111", code):
        answer = other.post_form(second_step, {"csrfmiddlewaretoken": csrf_token(page.text), "code": wrong})
        assert answer.status in {200, 400}, "a wrong code shows the form again"
        assert other.get(WORKSPACE).status == 302
    assert client.get(WORKSPACE).status == 200


# --- backup and restore ------------------------------------------------------------------------------------------


def _backup_env(stack, backup_dir: Path, keep: str = "2") -> dict[str, str]:
    env = {k: v for k, v in stack.env.items() if not k.startswith("QUARTIER_BACKUP_")}
    env.update({"QUARTIER_BACKUP_DIR": str(backup_dir), "QUARTIER_BACKUP_KEEP": keep})
    return env


def _backup(env: dict[str, str]) -> subprocess.CompletedProcess:
    script = str(DEPLOY / "backup" / "quartier-backup")
    return run([script, "--env-file", "/nonexistent"], env=env, check=False)


def _restore(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    script = str(DEPLOY / "backup" / "quartier-restore")
    return run([script, *args, "--env-file", "/nonexistent"], env=env, check=False)


def _row_counts(database_url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url.replace("pgsql://", "postgresql://"), autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def test_backup_restores_into_a_fresh_database_with_every_row(stack):
    backup_dir = stack.tmp / "backups"
    env = _backup_env(stack, backup_dir)
    (stack.media_root / "events").mkdir(exist_ok=True)
    (stack.media_root / "events" / "kept.webp").write_bytes(b"RIFF0000WEBPVP8 " + secrets.token_bytes(64))

    made = []
    for _ in range(3):
        done = _backup(env)
        assert done.returncode == 0, done.stderr
        made.append(Path(done.stdout.strip().splitlines()[-1]))
    kept = sorted(p.name for p in backup_dir.iterdir() if p.is_dir())
    assert kept == sorted(p.name for p in made[1:]), "QUARTIER_BACKUP_KEEP=2 keeps the two newest"
    latest = made[-1]
    assert {p.name for p in latest.iterdir()} == {"database.dump", "media.tar.gz", "INFO", "SHA256SUMS"}
    checked = subprocess.run(
        ["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=latest, capture_output=True
    )
    assert checked.returncode == 0
    assert stack.database in (latest / "INFO").read_text()

    name, url = create_database("quartier_restore")
    try:
        restored_media = stack.tmp / "restored-media"
        done = _restore(env, str(latest), "--database-url", url, "--media-root", str(restored_media))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "up to date" in done.stdout
        source_counts = _row_counts(stack.database_url)
        assert len(source_counts) > 30 and sum(source_counts.values()) > 1000, (
            "a loaded database was backed up"
        )
        assert _row_counts(url) == source_counts
        assert _files(restored_media) == _files(stack.media_root)

        # Never into a database that has tables, nor a folder that has files.
        again = _restore(env, str(latest), "--database-url", url)
        assert again.returncode == 1 and "not empty" in again.stderr
    finally:
        drop_database(name)


def test_restore_refuses_damaged_backups_and_the_live_database(stack):
    backup_dir = stack.tmp / "backups-refused"
    env = _backup_env(stack, backup_dir, keep="1")
    done = _backup(env)
    assert done.returncode == 0, done.stderr
    backup = Path(done.stdout.strip().splitlines()[-1])
    damaged = stack.tmp / "damaged"
    shutil.copytree(backup, damaged)
    dump = bytearray((damaged / "database.dump").read_bytes())
    dump[len(dump) // 2] ^= 0xFF
    (damaged / "database.dump").write_bytes(bytes(dump))
    name, url = create_database("quartier_restore")
    try:
        refused = _restore(env, str(damaged), "--database-url", url)
        assert refused.returncode == 1 and "checksums do not match" in refused.stderr
        assert _row_counts(url) == {}, "nothing was restored from a damaged backup"
        (damaged / "SHA256SUMS").unlink()
        incomplete = _restore(env, str(damaged), "--database-url", url)
        assert incomplete.returncode == 1 and "not a complete backup" in incomplete.stderr
        live = _restore(env, str(backup), "--database-url", stack.database_url)
        assert live.returncode == 1 and "fresh database" in live.stderr
        no_target = _restore(env, str(backup))
        assert no_target.returncode == 1 and "--database-url" in no_target.stderr
        not_postgres = _restore(env, str(backup), "--database-url", "sqlite:////tmp/x.sqlite3")
        assert not_postgres.returncode == 1 and "PostgreSQL" in not_postgres.stderr
        media_taken = stack.tmp / "media-taken"
        media_taken.mkdir()
        (media_taken / "existing.webp").write_bytes(b"x")
        busy = _restore(env, str(backup), "--database-url", url, "--media-root", str(media_taken))
        assert busy.returncode == 1 and "not empty" in busy.stderr
        assert _row_counts(url) == {}
    finally:
        drop_database(name)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"QUARTIER_BACKUP_KEEP": "0"}, "QUARTIER_BACKUP_KEEP"),
        ({"QUARTIER_BACKUP_KEEP": "7; rm -rf /"}, "QUARTIER_BACKUP_KEEP"),
        ({"DATABASE_URL": "sqlite:////tmp/quartier.sqlite3"}, "not a PostgreSQL database"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is not set"),
    ],
)
def test_backup_refuses_bad_settings(stack, override, message):
    env = _backup_env(stack, stack.tmp / "backups-bad")
    env.update(override)
    done = _backup(env)
    assert done.returncode == 1
    assert message in done.stderr
    assert not any((stack.tmp / "backups-bad").glob("quartier-*"))


def test_backup_reads_the_env_file_without_executing_it(stack, tmp_path):
    marker = tmp_path / "executed"
    env_file = tmp_path / "quartier.env"
    # A password in the URL (PostgreSQL trusts loopback in CI and ignores it) must not reach the INFO file.
    parts = urlsplit(stack.database_url)
    database_url = stack.database_url
    if parts.username and not parts.password:
        database_url = parts._replace(
            netloc=f"{parts.username}:s3cret-pw@{parts.hostname}:{parts.port}"
        ).geturl()
    env_file.write_text(
        "# comment\n"
        f"DATABASE_URL={database_url}\n"
        f"QUARTIER_MEDIA_ROOT={stack.media_root}\n"
        f"QUARTIER_BACKUP_DIR={tmp_path / 'backups'}\n"
        "QUARTIER_DEFAULT_FROM_EMAIL=Integration Essen <integration@example.org>\n"
        f"QUARTIER_SECRET_KEY=$(touch {marker})\n"
        f"`touch {marker}`\n"
    )
    env = {k: v for k, v in stack.env.items() if k != "DATABASE_URL" and not k.startswith("QUARTIER_")}
    done = run(
        [str(DEPLOY / "backup" / "quartier-backup"), "--env-file", str(env_file)], env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    backup = Path(done.stdout.strip())
    assert backup.parent == tmp_path / "backups"
    info = (backup / "INFO").read_text()
    assert stack.database in info
    assert "s3cret-pw" not in info


def test_the_scripts_are_executable_and_explain_themselves():
    for name in ("quartier-backup", "quartier-restore"):
        script = DEPLOY / "backup" / name
        done = subprocess.run([str(script), "--help"], capture_output=True, text=True, cwd=ROOT, check=False)
        assert done.returncode == 0 and name in done.stdout
        wrong = subprocess.run(
            [str(script), "--bogus"], capture_output=True, text=True, cwd=ROOT, check=False
        )
        assert wrong.returncode == 1 and "unknown" in wrong.stderr
