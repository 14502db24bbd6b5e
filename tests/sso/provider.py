"""A real OpenID provider on loopback: node's `oidc-provider` (tools/oidc-provider/server.js),
started by the test set-up as the ingestion tests start dovecot.

`npm ci` runs in tools/oidc-provider when its node_modules is missing. Signing keys are made
here, so that tests can also sign tokens as the provider would (and as it would not).
"""

import json
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import jwt
import pytest
import requests

from kcc.sso.provider_process import (
    TOOL_DIR,
    ProviderNotStarted,
    rsa_jwk,
    start_provider,
    stop_provider,
)

CLIENT_ID = "kcc"
CLIENT_SECRET = "kcc-test-client-secret"  # noqa: S105  (the loopback provider's test client)
KID = "kcc-test-key-1"
# The provider's accounts: login (= subject) -> claims. Its login page accepts any password.
USERS = {
    "sanne": {"given_name": "Sanne", "family_name": "de Vries", "email": "sanne@voorbeeldstad.example", "groups": ["kcc-agents"]},
    "petra": {"given_name": "Petra", "family_name": "Jansen", "email": "petra@voorbeeldstad.example", "groups": ["belastingen-backoffice", "belastingen-managers", "unrelated"]},
    "mo": {"given_name": "Mohammed", "family_name": "El Amrani", "email": "mo@voorbeeldstad.example", "groups": ["kcc-teamleads"]},
    "kees": {"given_name": "Kees", "family_name": "Bakker", "email": "kees@voorbeeldstad.example", "groups": ["kcc-agents"]},
    "ingrid": {"given_name": "Ingrid", "family_name": "Smit", "email": "ingrid@voorbeeldstad.example", "groups": ["marketing", "social-media"]},
    "zonder": {"given_name": "Zonder", "family_name": "Groepen", "email": "zonder@voorbeeldstad.example"},
    "beheerder": {"given_name": "Kees", "family_name": "Bakker", "email": "beheerder@voorbeeldstad.example", "groups": ["kcc-agents"]},
}


def npm_ci() -> None:
    if (TOOL_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        pytest.fail("node and npm are needed for the OpenID provider of the SSO tests: `make system-deps` installs them.")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TOOL_DIR, check=True, stdin=subprocess.DEVNULL)


@dataclass
class Provider:
    issuer: str
    metadata: dict
    key: object
    process: subprocess.Popen
    rp_base: str
    log_path: Path
    sessions: list = field(default_factory=list)

    def sign(self, claims: dict, *, key=None, kid: str = KID, algorithm: str = "RS256", headers: dict | None = None) -> str:
        """An ID token as this provider signs it (or, with another key, as it does not)."""
        return jwt.encode(claims, key or self.key, algorithm=algorithm, headers={"kid": kid, **(headers or {})})

    def configure(self, settings, **overrides) -> None:
        """Point the relying party (Django settings) at this provider."""
        values = {
            "KCC_OIDC_ENABLED": True,
            "KCC_OIDC_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.metadata["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": self.metadata["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": self.metadata["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": self.metadata["jwks_uri"],
            "KCC_OIDC_LOGOUT_ENDPOINT": self.metadata["end_session_endpoint"],
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_RP_SCOPES": "openid email profile groups",
            "KCC_OIDC_GROUPS_CLAIMS": ["groups"],
            "KCC_OIDC_USERNAME_CLAIM": "preferred_username",
            "KCC_OIDC_CREATE_USERS": False,
            "OIDC_TIMEOUT": 5,
        }
        values.update(overrides)
        for name, value in values.items():
            setattr(settings, name, value)
        if "kcc.sso.backends.OidcBackend" not in settings.AUTHENTICATION_BACKENDS:
            settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "kcc.sso.backends.OidcBackend"]
        # What base.py derives from KCC_OIDC_LOGOUT_ENDPOINT: the logout form may post there.
        csp = json.loads(json.dumps(settings.CONTENT_SECURITY_POLICY))
        csp["DIRECTIVES"]["form-action"] = [*csp["DIRECTIVES"]["form-action"], self.issuer]
        settings.CONTENT_SECURITY_POLICY = csp

    def browser(self) -> "ProviderBrowser":
        """A browser's cookie jar at the provider (its session), driving its own pages."""
        return ProviderBrowser(self)


class ProviderBrowser:
    """Walks the provider's login and consent pages with `requests`, as a user would, until the
    provider sends the browser back to the relying party."""

    def __init__(self, provider: Provider):
        self.provider = provider
        self.http = requests.Session()
        self.pages: list[str] = []  # the provider's pages seen on the way (login, consent)

    def authorize(self, url: str, *, login: str, password: str = "welkom") -> str:
        """Follow the authorization request `url`; answer the login and consent pages; return
        the URL the provider redirects back to (our callback with code and state)."""
        return self._walk(self.http.get(url, allow_redirects=False, timeout=10), login=login, password=password)

    def follow(self, url: str) -> str:
        """Follow `url` (e.g. the logout at the provider) and answer its pages."""
        return self._walk(self.http.get(url, allow_redirects=False, timeout=10))

    def _walk(self, response, *, login: str | None = None, password: str = "") -> str:
        for _ in range(20):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if location.startswith(self.provider.rp_base):
                    return location
                response = self.http.get(location, allow_redirects=False, timeout=10)
                continue
            html = response.text
            action = re.search(r'<form[^>]*action="([^"]+)"', html)
            prompt = re.search(r'name="prompt" value="(\w+)"', html)
            xsrf = re.search(r'name="xsrf" value="([^"]+)"', html)
            if prompt and prompt[1] == "login" and login:
                self.pages.append("login")
                data = {"prompt": "login", "login": login, "password": password}
            elif prompt and prompt[1] == "consent":
                self.pages.append("consent")
                data = {"prompt": "consent"}
            elif xsrf and action:
                self.pages.append("logout")
                data = {"xsrf": xsrf[1], "logout": "yes"}
            else:
                return response
            response = self.http.post(urljoin(response.url, action[1]), data=data, allow_redirects=False, timeout=10)
        raise AssertionError("the provider kept redirecting")

    def is_signed_in(self) -> bool:
        """Whether the provider still has a session: a fresh authorization request then goes
        straight back to the relying party instead of showing the login page."""
        url = self.provider.metadata["authorization_endpoint"] + "?" + requests.compat.urlencode({
            "client_id": CLIENT_ID, "response_type": "code", "scope": "openid",
            "redirect_uri": self.provider.rp_base + "/sso/callback/", "state": "probe", "nonce": "probe",
        })
        return isinstance(self._walk(self.http.get(url, allow_redirects=False, timeout=10)), str)

def write_config(base: Path, *, rp_base: str, ttl: dict | None = None):
    key, jwk = rsa_jwk(KID)
    config = {
        "port": 0,
        "jwks": {"keys": [jwk]},
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{rp_base}/sso/callback/"],
                "post_logout_redirect_uris": [f"{rp_base}/inloggen/"],
            }
        ],
        "users": {login: {"sub": login, "preferred_username": login, **claims} for login, claims in USERS.items()},
        "ttl": ttl or {},
    }
    path = base / "config.json"
    path.write_text(json.dumps(config))
    return path, key


@contextmanager
def running_provider(*, rp_base: str, ttl: dict | None = None):
    """Start the provider on a free loopback port; stop it afterwards."""
    npm_ci()
    base = Path(tempfile.mkdtemp(prefix="kcc-oidc-"))
    config_path, key = write_config(base, rp_base=rp_base, ttl=ttl)
    log_path = base / "provider.log"
    log = open(log_path, "w+b")  # noqa: SIM115  (the provider writes to it until it stops)
    try:
        process, issuer = start_provider(config_path, log)
    except ProviderNotStarted:
        log.close()
        pytest.fail(f"the OpenID provider did not start:\n{log_path.read_text(errors='replace')}")
    try:
        metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
        yield Provider(issuer=issuer, metadata=metadata, key=key, process=process, rp_base=rp_base, log_path=log_path)
    finally:
        stop_provider(process)
        log.close()
        shutil.rmtree(base, ignore_errors=True)
