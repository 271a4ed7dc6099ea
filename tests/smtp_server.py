#!/usr/bin/env python3
"""A real SMTP server for kpilens' `--send` tests (aiosmtpd), on a loopback port.

    smtp_server.py certs DIR
        Make a throw-away CA and a server certificate for 127.0.0.1 and localhost with
        the openssl command: DIR/ca.pem, DIR/server.pem, DIR/server.key.

    smtp_server.py serve DIR [--security none|starttls|tls] [--certs CERTDIR]
                             [--user NAME --password PW] [--refuse ADDRESS]...
        Listen on 127.0.0.1 on a free port, print "READY <port>" and serve until
        standard input closes (the test holding the pipe ends). `starttls` requires
        STARTTLS before anything else; `tls` speaks TLS from the first byte. With --user,
        AUTH PLAIN/LOGIN is required and only that login accepted. RCPT TO a --refuse
        address gets "550 5.1.1 <address>: Recipient address rejected: User unknown".

Every message received is saved as DIR/<n>/envelope.json (mail_from, rcpt_tos),
DIR/<n>/message.eml (the DATA bytes as received) and DIR/<n>/parts/ (each MIME leaf
decoded by Python's email package: attachments under their file name, bodies as
text.plain / text.html). Every command that matters for the tests is appended to
DIR/commands.log, one line each (MAIL, RCPT, RSET, DATA, QUIT, AUTH ok/failed);
passwords are never logged.

Needs Python 3 with aiosmtpd (Debian: apt-get install python3-aiosmtpd).
"""
import argparse
import asyncio
import email
import email.policy
import json
import logging
import ssl
import subprocess
import sys
import warnings
from pathlib import Path

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def make_certs(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
        "-out", "ca.pem", "-days", "2", "-subj", "/CN=kpilens test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
        "-out", "server.csr", "-subj", "/CN=localhost")
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")


class Recorder:
    """The aiosmtpd handler: refuses some recipients, saves every message."""

    def __init__(self, folder: Path, refuse: list[str]):
        self.folder = folder
        self.refuse = {a.lower() for a in refuse}
        self.count = 0

    def log(self, line: str) -> None:
        with open(self.folder / "commands.log", "a", encoding="utf-8") as f:
            f.write(line + "\n")

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.log(f"MAIL {address}")
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.log(f"RCPT {address}")
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_RSET(self, server, session, envelope):
        self.log("RSET")
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        self.log("QUIT")
        return "221 Bye"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.log("DATA")
        out = self.folder / str(self.count)
        (out / "parts").mkdir(parents=True)
        data = envelope.original_content or envelope.content
        (out / "message.eml").write_bytes(data)
        (out / "envelope.json").write_text(json.dumps(
            {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}))
        msg = email.message_from_bytes(data, policy=email.policy.default)
        for part in msg.walk():
            if part.is_multipart():
                continue
            name = part.get_filename() or part.get_content_type().replace("/", ".")
            (out / "parts" / name).write_bytes(part.get_payload(decode=True))
        return f"250 2.0.0 Ok: queued as KPI{self.count}"


def authenticator(user: str, password: str, recorder: Recorder):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        recorder.log(f"AUTH {mechanism} {'ok' if ok else 'failed'}")
        # handled=False: aiosmtpd sends the reply (535 on a failed login).
        return AuthResult(success=ok, handled=False)
    return check


async def serve(args) -> None:
    # aiosmtpd logs a deprecation warning on every login and a traceback for each failed
    # handshake, which some tests cause on purpose.
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    # A login over plain SMTP is what the loopback tests want.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    recorder = Recorder(folder, args.refuse)
    context = None
    if args.security != "none":
        certs = Path(args.certs)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certs / "server.pem", certs / "server.key")
    options = {"hostname": "kpilens-test-smtp", "timeout": 120}
    if args.security == "starttls":
        options.update(tls_context=context, require_starttls=True)
    if args.user is not None:
        options.update(authenticator=authenticator(args.user, args.password, recorder),
                       auth_required=True, auth_require_tls=args.security == "starttls")
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(recorder, loop=loop, **options), "127.0.0.1", 0,
        ssl=context if args.security == "tls" else None)
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    # Serve until the test closes our standard input (or goes away).
    await loop.run_in_executor(None, sys.stdin.buffer.read)
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    certs = sub.add_parser("certs")
    certs.add_argument("dir")
    run = sub.add_parser("serve")
    run.add_argument("dir")
    run.add_argument("--security", choices=["none", "starttls", "tls"], default="none")
    run.add_argument("--certs")
    run.add_argument("--user")
    run.add_argument("--password")
    run.add_argument("--refuse", action="append", default=[])
    args = parser.parse_args()
    if args.command == "certs":
        make_certs(Path(args.dir))
    else:
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
