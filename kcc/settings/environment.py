"""The environment that kcc/settings/base.py reads, once.

A `.env` file in the project root is loaded first (real environment variables win over it).
dev, test and prod then only give some variables another default, through `defaults()`,
before they import base.py; base.py reads every variable and holds its documented default.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
env = environ.Env()


def defaults(**values: str) -> None:
    """Give environment variables a default for this settings module: a value set in the real
    environment or in `.env` wins. Child processes (worker, beat) inherit the same values."""
    for name, value in values.items():
        os.environ.setdefault(name, value)


def demo_oidc_available() -> bool:
    """For `make run` (dev settings): node and the demo OpenID provider's packages are there."""
    import shutil

    return bool(shutil.which("node")) and (BASE_DIR / "tools" / "oidc-provider" / "node_modules" / "oidc-provider").is_dir()
