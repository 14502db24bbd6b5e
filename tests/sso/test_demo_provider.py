"""The demo OpenID provider of `make run` (manage.py run_demo_oidc_provider, Procfile `idp:`):
it starts where node is installed, matches the development settings, maps the demo staff's
memberships to groups, is labelled "demo", and never breaks `make run` where node is missing."""

import os
import socket
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from kcc.core.constants import Role
from kcc.sso.models import GroupMapping

from ..conftest import make_staff
from .provider import npm_ci

pytestmark = pytest.mark.django_db
ROOT = django_settings.BASE_DIR


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_settings(settings):
    """The development settings' demo values (kcc/settings/dev.py), on a free port."""
    npm_ci()
    issuer = f"http://127.0.0.1:{_free_port()}"
    settings.KCC_OIDC_ENABLED = True
    settings.KCC_OIDC_DEMO = True
    settings.KCC_OIDC_ISSUER = issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/me"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
    settings.KCC_OIDC_LOGOUT_ENDPOINT = f"{issuer}/session/end"
    settings.OIDC_RP_CLIENT_ID = "kcc-demo"
    settings.OIDC_RP_CLIENT_SECRET = "demo-oidc-secret-not-for-production"  # noqa: S105
    return settings


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("run_demo_oidc_provider", "--once", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_demo_provider_starts_with_the_development_settings_and_maps_the_demo_staff(demo_settings, kcc_department):
    make_staff("agent", kcc_department, Role.AGENT)
    out, err = run()
    assert f"demo sign-in: {demo_settings.KCC_OIDC_ISSUER}" in out
    assert err == ""  # every endpoint setting matches the provider's discovery document
    assert GroupMapping.objects.filter(claim_value="demo-kcc-agent", department=kcc_department, role=Role.AGENT).exists()


def test_without_node_the_demo_provider_only_says_so(demo_settings, monkeypatch):
    monkeypatch.setattr("kcc.sso.management.commands.run_demo_oidc_provider.node_available", lambda: False)
    out, _ = run()
    assert "demo sign-in: off" in out and "password" in out


def test_the_demo_provider_never_runs_with_production_settings(demo_settings):
    demo_settings.SETTINGS_MODULE = "kcc.settings.prod"
    with pytest.raises(CommandError):
        run()


def test_the_login_page_labels_the_demo_sign_in(demo_settings, client):
    html = client.get(reverse("core:login")).content.decode()
    assert 'data-testid="sso-demo"' in html and "Demo-identiteitsprovider" in html
    demo_settings.KCC_OIDC_DEMO = False
    assert 'data-testid="sso-demo"' not in client.get(reverse("core:login")).content.decode()


def _dev(code: str, *, path: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KCC_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env |= {"PATH": path, "DJANGO_SETTINGS_MODULE": "kcc.settings.dev"}
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True).stdout


def test_make_run_signs_in_with_the_demo_provider_where_node_is_installed_and_with_the_password_where_not():
    npm_ci()
    with_node = _dev("print(settings.KCC_OIDC_ENABLED, settings.KCC_OIDC_DEMO, settings.KCC_PASSWORD_LOGIN_ENABLED)", path=os.environ["PATH"])
    assert with_node.split() == ["True", "True", "True"]
    without = _dev(
        "print(settings.KCC_OIDC_ENABLED, settings.KCC_OIDC_DEMO);"
        "from django.core.management import call_command; call_command('run_demo_oidc_provider', '--once')",
        path=os.path.dirname(sys.executable),  # the venv only: no node
    )
    assert without.splitlines()[0] == "False False"
    assert "demo sign-in: off" in without
