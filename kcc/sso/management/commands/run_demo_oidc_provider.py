"""`manage.py run_demo_oidc_provider`: the demo OpenID provider of `make run` (Procfile `idp:`),
node's `oidc-provider` on loopback (tools/oidc-provider/server.js, as in the SSO tests).

Every demo staff member can sign in there with their username (its login page accepts any
password); their memberships become groups `demo-<department>-<role>`, mapped to the same role
in the admin's "SSO-groepen". Never with production settings. Without node or the provider's
packages (`npm ci` in tools/oidc-provider), or when single sign-on does not point at the demo
provider, it says so and idles: honcho stops all of `make run` when one process ends.
"""

import json
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kcc.core.models import Membership
from kcc.sso.models import GroupMapping
from kcc.sso.provider_process import (
    ProviderNotStarted,
    node_available,
    rsa_jwk,
    start_provider,
    stop_provider,
)

ENDPOINTS = {  # discovery name -> the setting that must point at it
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
    "end_session_endpoint": "KCC_OIDC_LOGOUT_ENDPOINT",
}


def demo_group(membership) -> str:
    return f"demo-{membership.department.code}-{membership.role}"


def demo_accounts() -> dict:
    """The provider's accounts: every active, non-superuser demo staff member with a role; the
    group mappings for their memberships are created as needed."""
    users: dict[str, dict] = {}
    memberships = Membership.objects.filter(user__is_active=True, user__is_superuser=False).select_related("user", "department")
    for m in memberships:
        group = demo_group(m)
        GroupMapping.objects.get_or_create(claim_value=group, department=m.department, role=m.role)
        u = m.user
        account = users.setdefault(u.username, {
            "sub": u.username, "preferred_username": u.username, "given_name": u.first_name, "family_name": u.last_name,
            "email": u.email or f"{u.username}@demo.example", "groups": [],
        })
        account["groups"].append(group)
    return users


def rp_uris(rp_base: str) -> tuple[list[str], list[str]]:
    """Callback and post-logout URIs for the base URL, under 127.0.0.1 and localhost alike."""
    parts = urlsplit(rp_base)
    bases = {rp_base.rstrip("/")}
    for host in ("127.0.0.1", "localhost"):
        bases.add(f"{parts.scheme}://{host}:{parts.port or 80}")
    return sorted(f"{b}/sso/callback/" for b in bases), sorted(f"{b}/inloggen/" for b in bases)


class Command(BaseCommand):
    help = "Start the demo OpenID provider on loopback (make run; needs node). Never in production."

    def add_arguments(self, parser):
        parser.add_argument("--rp-base", default="http://127.0.0.1:8000", help="Where KCC runs (the callback's base URL).")
        parser.add_argument("--once", action="store_true", help="Start, check the settings against the provider and stop (for tests).")

    def handle(self, *args, rp_base: str, once: bool, **options):
        if settings.SETTINGS_MODULE == "kcc.settings.prod":
            raise CommandError("The demo OpenID provider never runs with production settings.")
        if not node_available():
            return self.idle("demo sign-in: off (no node, or `npm ci` not run in tools/oidc-provider): sign in with the password", once)
        if not settings.KCC_OIDC_DEMO:
            return self.idle("demo sign-in: off (single sign-on does not point at the demo provider)", once)
        issuer = settings.KCC_OIDC_ISSUER
        users = demo_accounts()
        redirect_uris, logout_uris = rp_uris(rp_base)
        _key, jwk = rsa_jwk("kcc-demo-key")  # a new key at every start: the relying party reads the JWKS
        config = {
            "port": urlsplit(issuer).port, "issuer": issuer, "jwks": {"keys": [jwk]}, "users": users,
            "clients": [{
                "client_id": settings.OIDC_RP_CLIENT_ID, "client_secret": settings.OIDC_RP_CLIENT_SECRET,
                "redirect_uris": redirect_uris, "post_logout_redirect_uris": logout_uris,
            }],
        }
        base = Path(tempfile.mkdtemp(prefix="kcc-demo-oidc-"))
        config_path = base / "config.json"
        config_path.write_text(json.dumps(config))
        with open(base / "provider.log", "w+b") as log:
            try:
                process, started = start_provider(config_path, log)
            except ProviderNotStarted:
                log.seek(0)
                self.stderr.write(log.read().decode(errors="replace")[-2000:])
                return self.idle(f"demo sign-in: the provider did not start on {issuer} (port in use?): sign in with the password", once)
            try:
                self.check_settings(started)
                self.stdout.write(f"demo sign-in: {started} ({len(users)} demo accounts, any password; e.g. agent, teamleider)")
                while not once and process.poll() is None:
                    time.sleep(1)
                if process.poll() is not None:
                    self.stderr.write("demo sign-in: the provider stopped")
            except KeyboardInterrupt:
                pass
            finally:
                stop_provider(process)
        shutil.rmtree(base, ignore_errors=True)
        return None

    def check_settings(self, issuer: str) -> None:
        """The relying party's settings must name this provider's endpoints (kcc/settings/dev.py)."""
        metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
        wrong = [name for key, name in ENDPOINTS.items() if getattr(settings, name) != metadata.get(key)]
        if metadata.get("issuer") != settings.KCC_OIDC_ISSUER:
            wrong.append("KCC_OIDC_ISSUER")
        if wrong:
            self.stderr.write(f"demo sign-in: these settings do not match the demo provider: {', '.join(wrong)}")

    def idle(self, message: str, once: bool) -> None:
        self.stdout.write(message)
        while not once:
            time.sleep(3600)
