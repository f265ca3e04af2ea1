"""The proxy's local certificate authority, and the certificates it issues per host.

The CA is made once and kept in a directory (the data dir): ``proxy-ca.pem``, the certificate a
client trusts (``AWS_CA_BUNDLE``, ``REQUESTS_CA_BUNDLE``, ``curl --cacert``), and
``proxy-ca-key.pem``, its private key (readable by its owner only). Several processes starting
on one directory at once end with the same CA: each file is written aside and linked into place,
and the one that loses the race reads the winner's.

A host's certificate is issued the first time a client asks for that host (``CONNECT``), signed
by the CA for that exact name, and kept in memory with the TLS context that serves it. Every
host's certificate carries one key made per process: issuing one is a signature, not a key
generation. Certificate dates follow the machine's real clock: the client checks them against it.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import ssl
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT = "proxy-ca.pem"
CA_KEY = "proxy-ca-key.pem"
CA_NAME = "awsmock local proxy CA"
#: the CA's lifetime, and a host certificate's (at most 398 days, as clients require)
CA_DAYS = 3650
HOST_DAYS = 397
#: host certificates (and their TLS contexts) kept in memory
CACHE_SIZE = 1024


class AuthorityError(Exception):
    """The CA cannot be made or read (one line for the operator)."""


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _write_once(path: Path, data: bytes, mode: int) -> bool:
    """Write ``path`` unless it exists (atomically: written aside, then linked). True if written."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _ca_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "awsmock"),
    ])
    now = _now()
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


class Authority:
    """The local CA of a directory, issuing host certificates."""

    def __init__(self, directory: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
        self.directory = directory
        self.cert = cert
        self.key = key
        self._ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        self._host_key = ec.generate_private_key(ec.SECP256R1())
        self._host_key_pem = self._host_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self._ca_pem = cert.public_bytes(serialization.Encoding.PEM)
        self._contexts: OrderedDict[str, ssl.SSLContext] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def cert_path(self) -> Path:
        return self.directory / CA_CERT

    @classmethod
    def open(cls, directory: Path) -> Authority:
        """The CA kept in ``directory``, made there (with the directory) the first time."""
        try:
            directory.mkdir(parents=True, exist_ok=True)
            key_path, cert_path = directory / CA_KEY, directory / CA_CERT
            if not key_path.exists():
                made = ec.generate_private_key(ec.SECP256R1())
                pem = made.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
                _write_once(key_path, pem, 0o600)
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise AuthorityError(f"{key_path} is not the key awsmock made: delete {key_path} and {cert_path}")
            if not cert_path.exists():
                cert_pem = _ca_certificate(key).public_bytes(serialization.Encoding.PEM)
                _write_once(cert_path, cert_pem, 0o644)
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        except OSError as exc:
            raise AuthorityError(f"cannot keep the proxy CA in {directory}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise AuthorityError(f"the proxy CA in {directory} is unreadable ({exc}): delete "
                                 f"{CA_CERT} and {CA_KEY} there to make a new one") from None
        if cert.public_key() != key.public_key():
            raise AuthorityError(f"{cert_path} does not match {key_path}: delete both to make a new CA")
        return cls(directory, cert, key)

    # -- host certificates ------------------------------------------------------------------

    def issue(self, host: str) -> x509.Certificate:
        """A certificate for ``host`` (a DNS name or an IP address) signed by the CA."""
        try:
            alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
        except ValueError:
            alt = x509.DNSName(host)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)] if len(host) <= 64 else [])
        now = _now()
        public = self._host_key.public_key()
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.cert.subject)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(min(now + datetime.timedelta(days=HOST_DAYS), self.cert.not_valid_after_utc))
            .add_extension(x509.SubjectAlternativeName([alt]), critical=not subject)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=False, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                    encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(self._ski),
                           critical=False)
            .sign(self.key, hashes.SHA256())
        )

    def context_for(self, host: str) -> ssl.SSLContext:
        """The server-side TLS context presenting ``host``'s certificate (made once per host)."""
        host = host.lower()
        with self._lock:
            ctx = self._contexts.get(host)
            if ctx is not None:
                self._contexts.move_to_end(host)
                return ctx
        ctx = self._context(self.issue(host))
        with self._lock:
            self._contexts[host] = ctx
            while len(self._contexts) > CACHE_SIZE:
                self._contexts.popitem(last=False)
        return ctx

    def _context(self, cert: x509.Certificate) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_alpn_protocols(["http/1.1"])  # the app speaks HTTP/1.1 only
        chain = cert.public_bytes(serialization.Encoding.PEM) + self._ca_pem
        # the ssl module loads certificates from files only: a private directory, gone at once
        with tempfile.TemporaryDirectory(prefix="awsmock-proxy-") as tmp:
            cert_file, key_file = Path(tmp) / "host.pem", Path(tmp) / "host-key.pem"
            cert_file.write_bytes(chain)
            key_file.write_bytes(self._host_key_pem)
            ctx.load_cert_chain(cert_file, key_file)
        return ctx
