"""
The reference deployment (Dockerfile, compose.yaml, deploy/) agrees with the settings, the README and
itself, checked without Docker: compose.yaml is read as YAML, the nginx configuration is parsed here
and tested by Debian's ``nginx -t`` (skipped without nginx, except when REQUIRE_NGINX=1, as in CI).
"""

import http.server
import importlib.util
import os
import re
import runpy
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path
from unittest import mock

import environ
import pytest
import yaml

from core.uploads import MAX_UPLOAD_BYTES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
NGINX_DIR = ROOT / "deploy" / "nginx"
README = (ROOT / "README.md").read_text()


def section(markdown: str, title: str) -> str:
    start = markdown.index(f"\n## {title}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


def app_services(profile: str | None = None) -> dict[str, dict]:
    """The services that run this project's image (built from the Dockerfile)."""
    return {
        name: service
        for name, service in SERVICES.items()
        if "build" in service and (profile is None or profile in service.get("profiles", []))
    }


def command(service: dict) -> str:
    value = service.get("command", "")
    return " ".join(value) if isinstance(value, list) else value


def env_file_paths(service: dict) -> list[str]:
    entries = service.get("env_file", [])
    entries = [entries] if isinstance(entries, str | dict) else entries
    return [entry["path"] if isinstance(entry, dict) else entry for entry in entries]


def dotenv(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}


# Variables of the README's table that a library reads from the process environment, not settings.py.
READ_BY_LIBRARIES = {"PROMETHEUS_MULTIPROC_DIR"}


def readme_settings() -> set[str]:
    """The variables of the README's Configuration table (a row may name two)."""
    rows = re.findall(r"^\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)*) \|", section(README, "Configuration"), re.M)
    return {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row)}


def variables_read_by_settings(environment: dict[str, str]) -> set[str]:
    """Every variable settings.py reads when it runs with exactly this environment (and no .env file)."""
    read: set[str] = set()
    get_value = environ.Env.get_value

    def recording(self, var, *args, **kwargs):
        read.add(var)
        return get_value(self, var, *args, **kwargs)

    with (
        mock.patch.dict(os.environ, environment, clear=True),
        mock.patch.object(environ.Env, "get_value", recording),
        mock.patch.object(environ.Env, "read_env"),
    ):
        runpy.run_path(str(ROOT / "mentorship_platform" / "settings.py"))
    return read


def service_environment(service: dict) -> dict[str, str]:
    """What the app sees in a service: its env files (by their committed examples), then `environment`."""
    environment: dict[str, str] = {}
    for path in env_file_paths(service):
        environment |= dotenv(ROOT / f"{path}.example")
    return environment | {name: str(value) for name, value in service.get("environment", {}).items()}


# --- compose.yaml: the app gets settings only ---


def test_the_compose_file_has_a_dev_and_a_prod_profile_and_every_service_is_in_one():
    assert {profile for service in SERVICES.values() for profile in service["profiles"]} == {"dev", "prod"}
    assert set(app_services("dev")) == {"dev"}
    assert set(app_services("prod")) == {"migrate", "web", "ws", "scheduler"}


@pytest.mark.parametrize("name", sorted(app_services()))
def test_every_variable_compose_gives_the_app_is_a_setting_of_the_readme_table(name):
    environment = service_environment(SERVICES[name])
    assert environment, "no environment at all"
    assert sorted(set(environment) - readme_settings()) == []
    # Each is read once it has a value (a secret is read only when its client id is set).
    filled = {name: value or "set" for name, value in environment.items()}
    assert sorted(set(environment) - variables_read_by_settings(filled) - READ_BY_LIBRARIES) == []


@pytest.mark.parametrize("name", sorted(app_services()))
def test_an_app_service_with_its_environment_loads_the_settings_it_is_meant_to(name):
    """The dev service is `make run` (DEBUG, in-process scheduler, SQLite); prod is PostgreSQL and Redis."""
    environment = service_environment(SERVICES[name])
    with mock.patch.dict(os.environ, environment, clear=True), mock.patch.object(environ.Env, "read_env"):
        settings = runpy.run_path(str(ROOT / "mentorship_platform" / "settings.py"))
    if name == "dev":
        assert settings["DEBUG"] and settings["SCHEDULER_AUTOSTART"]
        assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
        assert settings["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    else:
        assert not settings["DEBUG"] and not settings["SCHEDULER_AUTOSTART"] and not settings["SERVE_MEDIA"]
        assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
        assert settings["DATABASES"]["default"]["HOST"] == "db"
        assert settings["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"
        assert "redis" in settings["CACHES"]["default"]["BACKEND"].lower()
        assert settings["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1


def test_env_files_are_examples_in_git_and_the_real_ones_stay_out_of_git_and_the_image():
    gitignore = (ROOT / ".gitignore").read_text().splitlines()
    paths = {path for service in SERVICES.values() for path in env_file_paths(service)}
    assert paths == {".env.prod", ".env.postgres"}
    for path in paths:
        assert (ROOT / f"{path}.example").is_file()
        assert path in gitignore
    dockerignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".env", ".env.*"} <= set(dockerignore)


def test_the_database_password_and_names_agree_between_the_app_and_postgres():
    url = environ.Env.db_url_config(dotenv(ROOT / ".env.prod.example")["DATABASE_URL"])
    db = SERVICES["db"]
    assert url["HOST"] == "db" and url["PORT"] == 5432
    assert url["USER"] == db["environment"]["POSTGRES_USER"]
    assert url["NAME"] == db["environment"]["POSTGRES_DB"]
    assert url["PASSWORD"] == dotenv(ROOT / ".env.postgres.example")["POSTGRES_PASSWORD"]
    assert db["image"].startswith("postgres:15")
    assert "pg_isready" in db["healthcheck"]["test"]


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env may add settings the deploy check warns about")
def test_the_prod_settings_pass_the_deploy_check():
    environment = service_environment(SERVICES["web"])
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **environment},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# --- compose.yaml: the services ---


def test_the_prod_profile_runs_exactly_one_scheduler():
    schedulers = [name for name, service in app_services("prod").items() if "runapscheduler" in command(service)]
    assert schedulers == ["scheduler"]
    assert SERVICES["scheduler"].get("deploy", {}).get("replicas", 1) == 1
    for name, service in app_services("prod").items():
        assert service_environment(service)["SCHEDULER_AUTOSTART"] == "false", name


def test_the_servers_wait_for_the_one_shot_migrate_and_run_the_layout_the_readme_recommends():
    migrate = SERVICES["migrate"]
    assert "manage.py migrate --noinput" in command(migrate)
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "ws", "scheduler"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
    assert command(SERVICES["web"]).startswith("gunicorn mentorship_platform.wsgi")
    assert command(SERVICES["ws"]).startswith("daphne") and "mentorship_platform.asgi:application" in command(
        SERVICES["ws"]
    )
    assert SERVICES["redis"]["image"].startswith("redis:7")


def test_every_service_the_readme_names_exists_and_every_service_is_in_the_readme():
    deploying = section(README, "Deploying with Docker Compose")
    named = set(re.findall(r"^\| `([a-z0-9-]+)` \|", deploying, re.M))
    assert named == set(SERVICES)
    used = re.findall(r"docker compose [^\n`]*?\b(?:exec|run --rm|logs|restart) (?:-\w+ )*([a-z0-9-]+)", README)
    assert {"web", "db", "migrate", "nginx"} <= set(used)  # the staff user, backups, migrations, scaling
    assert sorted(set(used) - set(SERVICES)) == []


def test_the_readme_uses_the_compose_profiles_and_keeps_the_two_commands():
    assert "docker compose --profile prod up -d" in README
    assert "docker compose --profile dev up" in README
    two_commands = section(README, "The two commands")
    assert "make run" in two_commands and "make test" in two_commands


# --- nginx ---


def nginx_parse(text: str) -> list:
    """nginx's syntax as nested lists: [name, [arguments], children or None]."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{};]|[^\s{};"\']+', re.sub(r"(?m)#.*$", "", text))

    def block(position: int) -> tuple[list, int]:
        directives, words = [], []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                directives.append([words[0], words[1:], None])
                words = []
            elif token == "{":
                children, position = block(position)
                directives.append([words[0], words[1:], children])
                words = []
            elif token == "}":
                return directives, position
            else:
                words.append(token.strip("\"'"))
        return directives, position

    return block(0)[0]


def nginx_find(directives: list, name: str, *arguments: str) -> list:
    return [d for d in directives if d[0] == name and tuple(d[1][: len(arguments)]) == arguments]


def nginx_values(directives: list, name: str) -> list[list[str]]:
    return [d[1] for d in directives if d[0] == name]


SITE = nginx_parse((NGINX_DIR / "conf.d" / "mentorship.conf").read_text())
UPSTREAMS = nginx_parse((NGINX_DIR / "conf.d" / "upstreams.conf").read_text())
(SERVER,) = nginx_find(SITE, "server")
LOCATIONS = {d[1][-1]: d[2] for d in nginx_find(SERVER[2], "location")}


def proxy_headers(location: list) -> dict[str, str]:
    return {name.lower(): value for name, value in nginx_values(location, "proxy_set_header")}


def test_nginx_sends_websockets_to_the_ws_service_with_the_upgrade_headers():
    ws = LOCATIONS["/ws/"]
    assert nginx_values(ws, "proxy_pass") == [["http://mentorship_ws"]]
    assert nginx_values(ws, "proxy_http_version") == [["1.1"]]
    headers = proxy_headers(ws)
    assert headers["upgrade"] == "$http_upgrade"
    (connection_map,) = nginx_find(SITE, "map", "$http_upgrade", headers["connection"])
    assert ["default", "upgrade"] in [[d[0], *d[1]] for d in connection_map[2]]
    assert int(nginx_values(ws, "proxy_read_timeout")[0][0].rstrip("s")) > 30  # pages ping every 30 s


def test_nginx_upstreams_are_the_compose_services_on_the_port_they_listen_on():
    servers = {d[1][0]: nginx_values(d[2], "server") for d in nginx_find(UPSTREAMS, "upstream")}
    assert servers == {"mentorship_http": [["web:8000"]], "mentorship_ws": [["ws:8000"]]}
    assert "--bind=0.0.0.0:8000" in command(SERVICES["web"])
    assert "--port 8000" in command(SERVICES["ws"])
    assert nginx_values(LOCATIONS["/"], "proxy_pass") == [["http://mentorship_http"]]


def test_every_proxied_location_passes_the_host_and_the_forwarded_headers():
    proxied = {path: location for path, location in LOCATIONS.items() if nginx_values(location, "proxy_pass")}
    assert set(proxied) == {"/", "/ws/"}
    for path, location in proxied.items():
        headers = proxy_headers(location)
        assert headers["host"] == "$host", path
        assert headers["x-forwarded-for"] == "$proxy_add_x_forwarded_for", path
        (proto_map,) = nginx_find(SITE, "map", "$http_x_forwarded_proto", headers["x-forwarded-proto"])
        assert [[d[0], *d[1]] for d in proto_map[2]] == [["default", "$scheme"], ["https", "https"]]


def test_nginx_serves_static_and_media_from_the_volumes_compose_mounts_there():
    nginx = SERVICES["nginx"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in nginx["volumes"]}
    static_dir = nginx_values(LOCATIONS["/static/"], "alias")[0][0]
    media_dir = nginx_values(LOCATIONS["/media/"], "alias")[0][0]
    assert mounts[static_dir.rstrip("/")] == "static" and mounts[media_dir.rstrip("/")] == "media"
    assert mounts["/etc/nginx/conf.d"] == "./deploy/nginx/conf.d"
    assert f"static:{static_dir.rstrip('/')}" in SERVICES["migrate"]["volumes"]
    assert f"cp -R staticfiles/. {static_dir}" in command(SERVICES["migrate"])
    for name in ("web", "ws", "scheduler"):  # uploads, and the scheduler deletes photos of erased accounts
        media_root = service_environment(SERVICES[name])["MEDIA_ROOT"]
        assert f"media:{media_root}" in SERVICES[name]["volumes"], name
        assert media_root == media_dir.rstrip("/")


def test_nginx_takes_a_body_a_little_over_the_upload_limit_as_the_readme_says():
    (limit,) = nginx_values(SERVER[2], "client_max_body_size")
    megabytes = int(limit[0].removesuffix("m"))
    assert MAX_UPLOAD_BYTES < megabytes * 1024 * 1024 <= 2 * MAX_UPLOAD_BYTES
    assert f"client_max_body_size {limit[0]};" in README
    assert nginx_values(SERVER[2], "gzip") == [["on"]]


def test_nginx_leaves_the_security_headers_to_django():
    django_headers = {"content-security-policy", "strict-transport-security", "x-frame-options", "referrer-policy"}

    def added(directives: list) -> set[str]:
        found = {d[1][0].lower() for d in directives if d[0] == "add_header"}
        return found.union(*(added(d[2]) for d in directives if d[2]))

    assert added(SITE) & django_headers == set()


def test_the_shipped_nginx_configuration_passes_nginx_t():
    """deploy/nginx/test-config.sh: `nginx -t` on conf.d as it ships, the upstream hosts set to 127.0.0.1."""
    nginx = os.environ.get("NGINX") or shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if not (nginx and os.access(nginx, os.X_OK)):
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail("REQUIRE_NGINX=1 but nginx is not installed (make /usr/sbin/nginx)")
        pytest.skip("needs Debian's nginx for `nginx -t` (make /usr/sbin/nginx; CI installs it)")
    result = subprocess.run(
        [NGINX_DIR / "test-config.sh"], capture_output=True, text=True, env={**os.environ, "NGINX": nginx}, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- Dockerfile ---

DOCKERFILE = (ROOT / "Dockerfile").read_text()
# Instructions with their continuation lines joined; the stages split at each FROM.
INSTRUCTIONS = [
    line.strip() for line in re.sub(r"\\\n\s*", " ", DOCKERFILE).splitlines() if line.strip() and line[0] != "#"
]
_STARTS = [n for n, line in enumerate(INSTRUCTIONS) if line.startswith("FROM ")]
STAGES = [INSTRUCTIONS[i:j] for i, j in zip(_STARTS, [*_STARTS[1:], len(INSTRUCTIONS)], strict=True)]
FINAL = STAGES[-1]


def test_every_stage_is_python_311_slim_on_bookworm():
    assert [stage[0].split()[1] for stage in STAGES] == ["python:3.11-slim-bookworm"] * len(STAGES)


def test_the_image_runs_as_a_non_root_user():
    users = [line.split()[1] for line in FINAL if line.startswith("USER ")]
    assert users, "the final stage has no USER"
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_the_image_has_a_healthcheck_on_healthz_and_an_entrypoint_that_execs_the_command():
    (healthcheck,) = [line for line in FINAL if line.startswith("HEALTHCHECK ")]
    assert '"/healthz"' in healthcheck and "deploy/healthcheck.py" in healthcheck
    (entrypoint,) = [line for line in FINAL if line.startswith("ENTRYPOINT ")]
    assert "deploy/docker-entrypoint.sh" in entrypoint
    assert 'exec "$@"' in (ROOT / "deploy" / "docker-entrypoint.sh").read_text()


def test_the_image_builds_translations_and_static_files_and_installs_the_runtime_only():
    build = " ".join(line for stage in STAGES for line in stage)
    assert "msgfmt" in build and "collectstatic --noinput" in build
    assert "requirements-dev.txt" not in DOCKERFILE
    assert "pip install -r /tmp/requirements.txt" in build
    runtime = (ROOT / "requirements.txt").read_text().lower()
    for tool in ("pytest", "ruff", "playwright", "factory-boy", "pyyaml"):
        assert tool not in runtime, tool
    # gettext stays in the build stage: the final stage installs nothing with apt.
    assert not any("apt-get install" in line for line in FINAL)


def test_the_image_sets_pythons_variables_and_no_other_than_settings():
    names = {name for line in FINAL if line.startswith("ENV ") for name in re.findall(r"(\w+)=", line)}
    assert {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"} <= names
    assert sorted(names - {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PATH"} - readme_settings()) == []


def test_the_image_leaves_out_the_virtualenv_the_database_and_local_files():
    ignored = set((ROOT / ".dockerignore").read_text().splitlines())
    assert {".git", ".venv", "db.sqlite3*", "media", "staticfiles", "sent-mail", "**/tests"} <= ignored


# --- deploy/docker-entrypoint.sh and deploy/healthcheck.py ---


def entrypoint(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", ROOT / "deploy" / "docker-entrypoint.sh", *arguments],
        env={"PATH": os.environ["PATH"], **environment},
        capture_output=True,
        text=True,
    )


def test_the_entrypoint_runs_the_command_and_refuses_an_unknown_migrate_switch():
    assert entrypoint("echo", "served").stdout == "served\n"
    refused = entrypoint("echo", "served", MIGRATE_ON_START="maybe")
    assert refused.returncode == 64 and "served" not in refused.stdout


def healthcheck_module():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "deploy" / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("mentorship.example.com,www.mentorship.example.com", "mentorship.example.com"),
        (".example.com", "example.com"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_health_probe_asks_for_a_host_django_accepts(allowed_hosts, host):
    assert healthcheck_module().host_header(allowed_hosts) == host


def test_the_health_probe_succeeds_on_2xx_only_and_sends_what_nginx_would(monkeypatch):
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers["Host"], self.headers["X-Forwarded-Proto"]))
            self.send_response(200 if self.path == "/healthz" else 503)
            self.end_headers()

        def log_message(self, *args):
            pass

    healthcheck = healthcheck_module()
    monkeypatch.setenv("ALLOWED_HOSTS", "mentorship.example.com")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setattr(healthcheck, "PORT", server.server_address[1])
        assert healthcheck.probe("/healthz") == 0
        assert healthcheck.probe("/readyz") == 1
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert seen == [("/healthz", "mentorship.example.com", "https"), ("/readyz", "mentorship.example.com", "https")]


def test_the_health_probe_fails_when_nothing_listens(monkeypatch):
    healthcheck = healthcheck_module()
    with socket.socket() as unused:  # bound, never listening: connections are refused
        unused.bind(("127.0.0.1", 0))
        monkeypatch.setattr(healthcheck, "PORT", unused.getsockname()[1])
        assert healthcheck.probe("/healthz") == 1


# --- Behind a proxy: the sign-in limits count the client, not nginx ---


def test_with_one_trusted_proxy_the_sign_in_limit_counts_the_address_nginx_saw(rf, settings):
    from allauth.account.adapter import get_adapter

    # nginx appends the address it saw to whatever the client claimed.
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="172.18.0.5")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert get_adapter(request).get_client_ip(request) == "172.18.0.5"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert get_adapter(request).get_client_ip(request) == "198.51.100.7"


def test_every_app_with_tests_is_in_pytests_testpaths():
    """A new app's tests must run with `make test`: a folder missing from testpaths is silently skipped."""
    import configparser

    root = Path(__file__).resolve().parents[2]
    config = configparser.ConfigParser()
    config.read(root / "pytest.ini")
    testpaths = set(config["pytest"]["testpaths"].split())
    apps_with_tests = {path.parent.parent.name for path in root.glob("*/tests/__init__.py")}
    assert apps_with_tests <= testpaths, sorted(apps_with_tests - testpaths)


def test_gunicorn_empties_the_metrics_directory_at_start_and_marks_ended_workers(tmp_path, monkeypatch):
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_123.db").write_bytes(b"from an earlier run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    hooks = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    hooks["on_starting"](None)
    assert directory.is_dir() and list(directory.iterdir()) == []
    (directory / "gauge_livesum_4242.db").write_bytes(b"")
    with mock.patch("prometheus_client.multiprocess.mark_process_dead") as mark:
        hooks["child_exit"](None, mock.Mock(pid=4242))
    mark.assert_called_once_with(4242)
    assert "PROMETHEUS_MULTIPROC_DIR" in service_environment(SERVICES["web"])
    assert "--config=deploy/gunicorn.conf.py" in command(SERVICES["web"])
