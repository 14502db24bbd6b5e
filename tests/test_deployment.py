"""Static checks on the deployment files: docker-compose.yml and the Dockerfile.

Docker is not needed: the files are parsed, not run. No database either
(run with ``-p no:django`` if pytest-django would otherwise set one up).
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

REQUIRED_SERVICES = {"db", "redis", "migrate", "web", "worker", "beat"}
APP_SERVICES = ["migrate", "web", "worker", "beat"]
LONG_RUNNING = ["db", "redis", "web", "worker"]

# A secret key may only come from the environment, without a fallback value:
# ${DJANGO_SECRET_KEY}, ${DJANGO_SECRET_KEY?msg} or ${DJANGO_SECRET_KEY:?msg}.
SECRET_FROM_ENV = re.compile(r"^\$\{DJANGO_SECRET_KEY(:?\?[^}]*)?\}$")


# ----------------------------------------------------------------- helpers ----


@pytest.fixture(scope="module")
def compose():
    # safe_load resolves the YAML anchors and `<<` merge keys, as Compose does.
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def argv(command):
    """A service's command as a list of words, whether written as a string or a list."""
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    return [str(part) for part in command]


def environment(service):
    """A service's environment as a dict, whether written as a mapping or a KEY=VALUE list."""
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return {k: ("" if v is None else str(v)) for k, v in env.items()}
    result = {}
    for item in env:
        key, _, value = str(item).partition("=")
        result[key] = value
    return result


def depends_on(service):
    """depends_on as {name: condition}; the short list form means service_started."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def dockerfile_instructions():
    """(INSTRUCTION, arguments) pairs, with comments dropped and continuations joined."""
    logical, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue  # comment inside a continued instruction
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        logical.append(current)
        current = ""
    if current:
        logical.append(current)
    result = []
    for line in logical:
        instruction, _, args = line.partition(" ")
        result.append((instruction.upper(), args.strip()))
    return result


def final_stage(instructions):
    last_from = max(i for i, (ins, _) in enumerate(instructions) if ins == "FROM")
    return instructions[last_from:]


# ----------------------------------------------------------------- compose ----


def test_required_services_exist(services):
    missing = REQUIRED_SERVICES - set(services)
    assert not missing, f"docker-compose.yml lacks services: {sorted(missing)}"


def test_db_is_postgres_17(services):
    assert str(services["db"].get("image", "")).startswith("postgres:17")


def test_web_runs_gunicorn_with_kcc_wsgi(services):
    words = argv(services["web"].get("command"))
    assert words and words[0] == "gunicorn", words
    assert "kcc.wsgi:application" in words or "kcc.wsgi" in words, words


def test_worker_runs_celery_worker_for_kcc_app(services):
    words = argv(services["worker"].get("command"))
    assert words[:1] == ["celery"], words
    assert "worker" in words, words
    assert "-A" in words and words[words.index("-A") + 1] == "kcc", words


def test_beat_runs_celery_beat(services):
    words = argv(services["beat"].get("command"))
    assert words[:1] == ["celery"], words
    assert "beat" in words, words
    assert "worker" not in words, "beat must not be combined with a worker (-B) here"
    assert "-A" in words and words[words.index("-A") + 1] == "kcc", words


def test_beat_has_exactly_one_replica(services):
    beat = services["beat"]
    assert (beat.get("deploy") or {}).get("replicas") == 1, "beat needs deploy.replicas: 1"
    assert beat.get("scale", 1) <= 1, "beat must never be scaled beyond one instance"


def test_migrate_runs_migrate_once(services):
    migrate = services["migrate"]
    words = argv(migrate.get("command"))
    assert "manage.py" in words and "migrate" in words, words
    assert str(migrate.get("restart", "no")) == "no", "a one-shot migrate must not restart"
    assert depends_on(migrate).get("db") == "service_healthy"


def test_web_waits_for_successful_migrate(services):
    assert depends_on(services["web"]).get("migrate") == "service_completed_successfully"


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_service_has_healthcheck(services, name):
    check = services[name].get("healthcheck") or {}
    assert not check.get("disable", False), f"{name}: healthcheck disabled"
    test = check.get("test")
    assert test, f"{name}: no healthcheck test"
    words = [test] if isinstance(test, str) else list(test)
    assert words[0] != "NONE", f"{name}: healthcheck is NONE"


def test_web_healthcheck_calls_health_endpoint(services):
    test = services["web"]["healthcheck"]["test"]
    text = test if isinstance(test, str) else " ".join(map(str, test))
    assert "/health/" in text, text


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_uses_prod_settings(services, name):
    env = environment(services[name])
    assert env.get("DJANGO_SETTINGS_MODULE") == "kcc.settings.prod", f"{name}: {env!r}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_gets_secret_key_from_environment(services, name):
    env = environment(services[name])
    assert "DJANGO_SECRET_KEY" in env, f"{name}: DJANGO_SECRET_KEY is not passed in"


def test_no_service_hard_codes_a_secret_key(services):
    for name, service in services.items():
        env = environment(service)
        for key, value in env.items():
            if "SECRET_KEY" in key:
                assert SECRET_FROM_ENV.match(value), (
                    f"{name}: {key} must come from the environment without a default, got {value!r}"
                )
        build = service.get("build")
        args = build.get("args", {}) if isinstance(build, dict) else {}
        args = args if isinstance(args, dict) else dict(a.partition("=")[::2] for a in args)
        assert not any("SECRET_KEY" in k for k in args), f"{name}: secret key as a build arg"


def test_private_media_is_a_named_volume_in_web_and_worker(compose, services):
    named = set(compose.get("volumes") or {})
    for name in ("web", "worker"):
        mounts = {}
        for volume in services[name].get("volumes") or []:
            if isinstance(volume, str):
                source, _, target = volume.partition(":")
                mounts[target.split(":")[0]] = source
            else:
                mounts[volume.get("target")] = volume.get("source")
        assert mounts.get("/app/var/private") in named, f"{name}: {mounts!r}"


# -------------------------------------------------------------- Dockerfile ----


def test_dockerfile_is_multi_stage():
    froms = [args for ins, args in dockerfile_instructions() if ins == "FROM"]
    assert len(froms) >= 2, froms


def test_dockerfile_final_stage_copies_venv_from_builder():
    final = final_stage(dockerfile_instructions())
    copies = [args for ins, args in final if ins == "COPY"]
    assert any(a.startswith("--from=") and "/opt/venv" in a for a in copies), copies


def test_dockerfile_runs_as_non_root_user():
    users = [
        args.split()[0] for ins, args in final_stage(dockerfile_instructions()) if ins == "USER"
    ]
    assert users, "no USER in the final stage: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, user


def test_dockerfile_collects_static_at_build_time():
    runs = [args for ins, args in final_stage(dockerfile_instructions()) if ins == "RUN"]
    assert any(re.search(r"manage\.py\s+collectstatic\b.*--noinput", r) for r in runs), runs


def test_dockerfile_does_not_keep_a_secret_key_in_the_image():
    for ins, args in dockerfile_instructions():
        if ins in {"ENV", "ARG", "LABEL"}:
            assert "SECRET_KEY" not in args, f"{ins} {args}"


# ------------------------------------------------------------------- locks ----

RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"
DEV_LOCK = ROOT / "requirements" / "dev.txt"
DEV_ONLY = {"playwright", "pytest", "pytest-django", "pytest-playwright", "locust", "gevent", "factory-boy", "hypothesis", "ruff", "uv"}


def pins(lock):
    """{package: version} of a uv/pip-compile lock file."""
    result = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;]+)", line)
        if match:
            result[match[1].lower().replace("_", "-")] = match[2]
    return result


def test_dockerfile_installs_the_runtime_lock_only():
    text = " ".join(args for ins, args in dockerfile_instructions() if ins in {"COPY", "RUN"})
    assert "requirements/runtime.txt" in text
    assert "requirements/dev.txt" not in text and "lock.txt" not in text


def test_runtime_lock_carries_no_development_tool():
    runtime = pins(RUNTIME_LOCK)
    assert "django" in runtime and "celery" in runtime  # the parser really reads the lock
    assert DEV_ONLY & set(runtime) == set()


def test_dev_lock_pins_every_runtime_package_at_the_same_version():
    runtime, dev = pins(RUNTIME_LOCK), pins(DEV_LOCK)
    assert {name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version} == {}
    assert {"pytest", "playwright", "locust"} <= set(dev)


@pytest.mark.slow
def test_runtime_lock_alone_boots_the_production_deploy_check():
    """What the production image installs: a fresh venv with requirements/runtime.txt only
    passes `check --deploy` under kcc.settings.prod (bin/check-runtime-lock.sh)."""
    import subprocess
    import sys

    result = subprocess.run(
        ["bash", "bin/check-runtime-lock.sh"], cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PYTHON": sys.executable},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "runtime lock: OK" in result.stdout
