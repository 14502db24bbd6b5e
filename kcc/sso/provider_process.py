"""Starting node's `oidc-provider` (tools/oidc-provider/server.js) on loopback: shared by the
single sign-on tests (tests/sso/provider.py) and the demo provider of `make run`
(`manage.py run_demo_oidc_provider`). Never used with production settings.
"""

import json
import shutil
import subprocess
import time
from pathlib import Path

from django.conf import settings
from jwt.algorithms import RSAAlgorithm

from kcc.settings.environment import demo_oidc_available

TOOL_DIR = Path(settings.BASE_DIR) / "tools" / "oidc-provider"


class ProviderNotStarted(Exception):
    pass


def node_available() -> bool:
    """node is on the PATH and `npm ci` has been run in tools/oidc-provider."""
    return demo_oidc_available()


def rsa_jwk(kid: str):
    """A fresh RSA signing key: (the private key, its private JWK for the provider)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key))
    jwk.pop("key_ops", None)  # PyJWT marks a private key "sign" only; the provider also verifies with it
    jwk.update(kid=kid, use="sig", alg="RS256")
    return key, jwk


def start_provider(config_path: Path, log) -> tuple[subprocess.Popen, str]:
    """Start server.js with the config file (server.js documents its format); return the
    process and the issuer it prints once it listens. ``log`` (a binary file) gets stderr."""
    process = subprocess.Popen(  # noqa: S603  (our own script and a config file we wrote)
        [shutil.which("node") or "node", "server.js", str(config_path)],
        cwd=TOOL_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline().decode()
        if line.startswith("listening "):
            return process, line.split()[1]
        if process.poll() is not None:
            break
    process.kill()
    process.wait()
    raise ProviderNotStarted("the OpenID provider did not start")


def stop_provider(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
