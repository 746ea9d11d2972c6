"""A real nginx in front of hub processes, configured from the shipped `deploy/nginx/jiujin-hub.conf`.

The test changes only what must differ on a test machine: the listening ports (free ones
on 127.0.0.1), the upstream servers (the test's hub processes), the certificate and the
log paths (in the test's folder). Everything else (TLS, streaming tus bodies, timeouts,
body size, next-upstream) is the sample an operator installs.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import REPO

SITE = REPO / "deploy" / "nginx" / "jiujin-hub.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jiujin test hub")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "hub.crt", folder / "hub.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def free_ports(count: int) -> list[int]:
    """`count` different free ports: each socket stays bound until all are chosen, so the
    kernel cannot hand the same port out twice (two server blocks on one port merge in nginx)."""
    from contextlib import ExitStack

    from sync.hub.serve import bound_socket

    with ExitStack() as stack:
        sockets = [stack.enter_context(bound_socket("127.0.0.1", 0)) for _ in range(count)]
        return [int(sock.getsockname()[1]) for sock in sockets]


def site_config(upstream_ports: list[int], https_port: int, http_port: int, folder: Path,
                cert: Path, key: Path) -> str:
    """The shipped site with this machine's ports, upstreams, certificate and log folder."""
    text = SITE.read_text("utf-8")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in upstream_ports)
    text, n = re.subn(r"(upstream jiujin_hub \{\n(?:\s*#.*\n)*)(?:\s*server .*\n)+", rf"\g<1>{servers}", text)
    assert n == 1, "the sample's upstream block changed shape"
    text = re.sub(r"\s*listen \[::\]:\d+( ssl)?;", "", text)
    text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("/etc/jiujin-hub/tls/hub.crt", str(cert)).replace("/etc/jiujin-hub/tls/hub.key", str(key))
    return text.replace("/var/log/nginx/", f"{folder}/")


@dataclass
class Nginx:
    """nginx with its own prefix, configuration and pid file in `folder`, in the foreground."""

    folder: Path
    upstream_ports: list[int]
    cert: Path
    key: Path
    https_port: int = 0
    http_port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not (self.https_port and self.http_port):
            self.https_port, self.http_port = free_ports(2)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def start(self, timeout: float = 20.0) -> Nginx:
        binary = nginx_binary()
        assert binary is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "site.conf").write_text(site_config(
            self.upstream_ports, self.https_port, self.http_port, self.folder, self.cert, self.key), "utf-8")
        temp = "".join(f"{kind}_temp_path {self.folder}/{kind}_temp;\n    "
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must read the test's files
        (self.folder / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {self.folder}/nginx.pid;\n"
            f"error_log {self.folder}/error.log warn;\nevents {{ worker_connections 512; }}\n"
            f"http {{\n    {temp}access_log off;\n    include {self.folder}/site.conf;\n}}\n", "utf-8")
        check = subprocess.run([binary, "-t", "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        self._wait_listening(timeout)
        return self

    def _wait_listening(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.error_log()
            try:
                httpx.get(f"http://127.0.0.1:{self.http_port}/", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError(f"nginx not listening within {timeout}s: {self.error_log()}")

    def access_log(self) -> str:
        path = self.folder / "jiujin-hub.access.log"
        return path.read_text("utf-8") if path.exists() else ""

    def error_log(self) -> str:
        return "".join(p.read_text("utf-8") for p in self.folder.glob("*error.log"))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
