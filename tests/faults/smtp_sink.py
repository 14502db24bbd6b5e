"""A tiny SMTP server on loopback that counts what it accepts: the mail server "outside the
machine" for tests in which a real worker process sends e-mail.

A message counts as delivered when the sink answers "250" to the end of its DATA, exactly as
for a real server. `delay` makes every DATA command slow (before the message is transferred),
so a test can kill the sender while it waits; `sending` is set while a sender waits there.
"""

import socketserver
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        try:
            self._converse(self.server.sink)
        except OSError:
            pass  # the sender died (a killed worker): nothing more to accept on this connection

    def _converse(self, sink: "SmtpSink") -> None:
        self.reply("220 sink.test ESMTP")
        recipients: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                self.wfile.flush()
            elif verb == "HELO":
                self.reply("250 sink.test")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                sink._wait_in_data()
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while True:
                    data = self.rfile.readline()
                    if not data:
                        return  # the sender died mid-transfer: nothing was accepted
                    if data in (b".\r\n", b".\n"):
                        break
                    chunks.append(data[1:] if data.startswith(b"..") else data)
                sink._accept(b"".join(chunks), recipients)
                self.reply("250 OK: queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[dict] = []
        self.sending = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "SmtpSink":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _wait_in_data(self) -> None:
        if self.delay:
            self.sending.set()
            time.sleep(self.delay)
            self.sending.clear()

    def _accept(self, raw: bytes, recipients: list[str]) -> None:
        message = message_from_bytes(raw, policy=default_policy)
        with self._lock:
            self.messages.append({"subject": str(message["subject"] or ""), "to": list(recipients), "raw": raw})

    @property
    def subjects(self) -> list[str]:
        with self._lock:
            return [m["subject"] for m in self.messages]

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def wait_for(self, n: int, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= n:
                return True
            time.sleep(0.05)
        return False
