"""Fixtures of the ingestion tests: attachment storage in a temporary folder, webhook secrets,
and a real dovecot IMAP server on loopback."""

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from imap_tools import MailBoxUnencrypted

from channels.models import Attachment

from .helpers import EMAIL_SECRET, META_APP_SECRET, META_VERIFY_TOKEN, PHONE_SECRET, WEBFORM_SECRET

DOVECOT = Path(os.environ.get("KCC_DOVECOT", "/usr/sbin/dovecot"))
IMAP_PASSWORD = "imap-test-wachtwoord"
IMAP_USERS = 300


@pytest.fixture(autouse=True)
def attachment_storage(tmp_path, monkeypatch):
    """Attachments of this test go to a temporary folder (the field's storage is fixed when
    the model loads, so it is swapped on the field itself)."""
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.KCC_WEBHOOK_EMAIL_SECRET = EMAIL_SECRET
    settings.KCC_WEBHOOK_PHONE_SECRET = PHONE_SECRET
    settings.KCC_WEBHOOK_WEBFORM_SECRET = WEBFORM_SECRET
    settings.KCC_WEBHOOK_TOLERANCE_SECONDS = 300
    settings.KCC_META_APP_SECRET = META_APP_SECRET
    settings.KCC_META_VERIFY_TOKEN = META_VERIFY_TOKEN
    settings.KCC_IMAP_HOST = ""
    settings.KCC_EMAIL_ACKNOWLEDGE = False
    return settings


# --- dovecot ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Dovecot:
    host: str
    port: int
    base: Path
    _users: count = field(default_factory=lambda: count(1))

    def new_account(self) -> "ImapAccount":
        number = next(self._users)
        if number > IMAP_USERS:
            raise RuntimeError("out of IMAP test accounts")
        return ImapAccount(host=self.host, port=self.port, user=f"kcc{number}", password=IMAP_PASSWORD)


@dataclass
class ImapAccount:
    host: str
    port: int
    user: str
    password: str
    mailbox: str = "INBOX"
    processed_folder: str = "Verwerkt"

    def box(self):
        return MailBoxUnencrypted(self.host, self.port, timeout=10).login(self.user, self.password, initial_folder=self.mailbox)

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        with self.box() as box:
            for raw in messages:
                box.append(raw, folder)

    def uids(self, folder: str = "INBOX") -> list[str]:
        with self.box() as box:
            if not box.folder.exists(folder):
                return []
            box.folder.set(folder)
            return box.uids("ALL")

    def poll_kwargs(self) -> dict:
        return {
            "host": self.host, "port": self.port, "ssl": False, "user": self.user, "password": self.password,
            "mailbox": self.mailbox, "processed_folder": self.processed_folder,
        }


def _dovecot_config(base: Path, port: int) -> str:
    if os.geteuid() == 0:
        # Dovecot refuses to run its login processes or mail access as root.
        account = pwd.getpwnam("nobody")
    else:
        account = pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(account.pw_gid).gr_name
    return f"""
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {account.pw_name}
default_internal_group = {group}
default_login_user = {account.pw_name}
first_valid_uid = {account.pw_uid}
first_valid_gid = {account.pw_gid}
mail_location = maildir:{base}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={account.pw_uid} gid={account.pw_gid} home={base}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""", account


@pytest.fixture(scope="session")
def dovecot():
    """A dovecot IMAP server of our own on 127.0.0.1 (plaintext auth, maildir in a temp dir)."""
    if not DOVECOT.exists():
        pytest.skip(f"dovecot is not installed ({DOVECOT}); `make system-deps` installs Debian's dovecot-imapd")
    base = Path(tempfile.mkdtemp(prefix="kcc-dovecot-"))
    base.chmod(0o755)
    port = _free_port()
    config, account = _dovecot_config(base, port)
    (base / "dovecot.conf").write_text(config)
    (base / "passwd").write_text("".join(f"kcc{n}:{{PLAIN}}{IMAP_PASSWORD}\n" for n in range(1, IMAP_USERS + 1)))
    for sub in ("mail", "home"):
        (base / sub).mkdir()
        os.chown(base / sub, account.pw_uid, account.pw_gid)
    # Dovecot daemonises and its processes inherit stdout/stderr: never give it a pipe we
    # would wait on.
    with open(base / "startup.log", "wb") as startup_log:
        subprocess.run([str(DOVECOT), "-c", str(base / "dovecot.conf")], check=True, stdin=subprocess.DEVNULL, stdout=startup_log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            log = (base / "dovecot.log").read_text() if (base / "dovecot.log").exists() else ""
            pytest.fail(f"dovecot did not start on port {port}:\n{log}")
        time.sleep(0.1)
    try:
        yield Dovecot(host="127.0.0.1", port=port, base=base)
    finally:
        subprocess.run([str(DOVECOT), "-c", str(base / "dovecot.conf"), "stop"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pid_file = base / "run" / "master.pid"
        for _ in range(50):
            if not pid_file.exists():
                break
            time.sleep(0.1)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def imap_account(dovecot):
    """A fresh, empty IMAP account on the test server."""
    return dovecot.new_account()
