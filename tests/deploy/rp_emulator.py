"""A local emulator of the Power Apps resource provider, as far as paconn 0.0.21 uses it.

It speaks the protocol described in ../shared/reference/peers-and-paconn.md §4:

- RP (plain HTTP): `POST .../objectIds/{oid}/validateApiSwagger`, `POST .../generateResourceStorage`,
  `POST /providers/Microsoft.PowerApps/apis` (create), `PATCH .../apis/{id}` (update),
  `GET .../apis/{id}` (download), plus `GET /emulator/swagger/{id}` for the swagger download URL.
- Blob storage (HTTPS, self-signed certificate made at start, trusted by paconn through
  `REQUESTS_CA_BUNDLE`): `PUT /{container}/{name}` and `GET` of what was put.

The SAS URL it hands out is `https://paconnemu.blob.@127.0.0.1:<port>/<container>?<sas>`: the
Azure SDK reads the account as `paconnemu` and the endpoint suffix as `@127.0.0.1:<port>`, and
the URL it builds resolves to this server without DNS or hosts-file changes.

Every request is stored (`requests`), as are uploaded blobs (`blobs`) and registered connectors
(`apis`). `fail[operation] = (status, body, content_type)` makes one operation answer an error.
OAuth client secrets sent with create/update (`oAuthSettings.clientSecret`, where paconn puts
`--secret`) are kept like the rest of the body and read back with `client_secrets`; like the
service, `GET apis/{id}` never returns them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

RP_PREFIX = "/providers/Microsoft.PowerApps/"
SAS_QUERY = "sv=2019-02-02&sr=c&sig=emulated"
ACCOUNT = "paconnemu"


@dataclass
class Received:
    """One request as the emulator saw it."""

    operation: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class RPEmulator:
    """Power Apps RP + blob storage on 127.0.0.1; use as a context manager."""

    workdir: Path
    requests: list[Received] = field(default_factory=list)
    blobs: dict[str, Received] = field(default_factory=dict)
    apis: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail: dict[str, tuple[int, bytes, str]] = field(default_factory=dict)
    validate_verdict: str = ""

    def __post_init__(self) -> None:
        self.workdir = Path(self.workdir)
        self.ca_bundle = self.workdir / "emulator-cert.pem"
        self._key = self.workdir / "emulator-key.pem"
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> "RPEmulator":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Make the certificate and start both servers on free ports."""
        _self_signed_certificate(self.ca_bundle, self._key)
        rp = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, "rp"))
        blob = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, "blob"))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_bundle, self._key)
        blob.socket = context.wrap_socket(blob.socket, server_side=True)
        self._servers = [rp, blob]
        for server in self._servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        """Stop both servers."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    @property
    def url(self) -> str:
        """The `powerAppsUrl` to give paconn."""
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}"

    @property
    def blob_origin(self) -> str:
        """Scheme and authority of the blob server as the SAS URL spells it."""
        return f"https://{ACCOUNT}.blob.@127.0.0.1:{self._servers[1].server_address[1]}"

    def received(self, operation: str) -> list[Received]:
        """Every stored request of one operation, oldest first."""
        return [r for r in self.requests if r.operation == operation]

    def operations(self) -> list[str]:
        """Names of the operations received, in order."""
        return [r.operation for r in self.requests]

    def client_secrets(self, operation: str) -> dict[str, str]:
        """The OAuth client secrets in the latest create or update body:
        {"connectionParameters.token": secret, "connectionParameterSets.values[0].parameters.token": ...}."""
        properties = self.received(operation)[-1].json()["properties"]
        return {where: settings["clientSecret"] for where, settings in _oauth_settings(properties)
                if "clientSecret" in settings}

    # -- request handling --------------------------------------------------------------------

    def handle(self, kind: str, method: str, target: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        """Route one request; returns (status, headers, body)."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        operation = self._operation(kind, method, path)
        received = Received(operation, method, path, query, headers, body)
        with self._lock:
            self.requests.append(received)
        if operation in self.fail:
            status, payload, content_type = self.fail[operation]
            return status, {"Content-Type": content_type}, payload
        if kind == "rp" and operation != "swagger" and not headers.get("authorization"):
            return _error(401, "Unauthorized", "No Authorization header.")
        handler = getattr(self, f"_{operation}", None)
        if handler is None:
            return _error(404, "NotFound", f"The emulator has no {method} {path}.")
        return handler(received)

    @staticmethod
    def _operation(kind: str, method: str, path: str) -> str:
        if kind == "blob":
            return "blob_put" if method == "PUT" else "blob_get"
        if path.startswith("/emulator/swagger/"):
            return "swagger"
        if path.startswith(RP_PREFIX + "objectIds/") and method == "POST":
            return path.rsplit("/", 1)[-1]  # validateApiSwagger / generateResourceStorage
        if path == RP_PREFIX + "apis":
            return {"POST": "create", "GET": "list"}.get(method, "unknown")
        if path.startswith(RP_PREFIX + "apis/"):
            return {"PATCH": "update", "GET": "get"}.get(method, "unknown")
        return "unknown"

    def _validateApiSwagger(self, request: Received):  # noqa: N802
        return 200, {"Content-Type": "application/json"}, json.dumps(self.validate_verdict).encode()

    def _generateResourceStorage(self, request: Received):  # noqa: N802
        container = "resources-" + uuid.uuid4().hex[:12]
        sas = f"{self.blob_origin}/{container}?{SAS_QUERY}"
        return _json(200, {"sharedAccessSignature": sas})

    def _create(self, request: Received):
        document = request.json()
        title = document["properties"].get("displayName", "connector")
        slug = "".join(c if c.isalnum() else "-" for c in title.lower())
        connector_id = f"shared_{slug}-{uuid.uuid4().hex[:8]}"
        with self._lock:
            self.apis[connector_id] = document["properties"]
        return _json(201, {"name": connector_id, "id": RP_PREFIX + "apis/" + connector_id,
                           "properties": {"displayName": title}})

    def _update(self, request: Received):
        connector_id = request.path.rsplit("/", 1)[-1]
        if connector_id not in self.apis:
            return _error(404, "ApiNotFound", f"The API '{connector_id}' could not be found.")
        properties = request.json()["properties"]
        with self._lock:
            self.apis[connector_id] = {**self.apis[connector_id], **properties}
        return _json(200, {"name": connector_id})

    def _get(self, request: Received):
        connector_id = request.path.rsplit("/", 1)[-1]
        if connector_id not in self.apis:
            return _error(404, "ApiNotFound", f"The API '{connector_id}' could not be found.")
        properties = _without_client_secrets(
            {k: v for k, v in self.apis[connector_id].items() if k != "openApiDefinition"})
        properties["apiDefinitions"] = {"originalSwaggerUrl": f"{self.url}/emulator/swagger/{connector_id}"}
        return _json(200, {"name": connector_id, "id": RP_PREFIX + "apis/" + connector_id,
                           "properties": properties})

    def _swagger(self, request: Received):
        connector_id = request.path.rsplit("/", 1)[-1]
        if connector_id not in self.apis:
            return _error(404, "NotFound", "no such swagger")
        return _json(200, self.apis[connector_id]["openApiDefinition"])

    def _blob_put(self, request: Received):
        with self._lock:
            self.blobs[request.path.lstrip("/")] = request
        return 201, {"Last-Modified": formatdate(usegmt=True), "ETag": '"0x8D0EMULATED"'}, b""

    def _blob_get(self, request: Received):
        stored = self.blobs.get(request.path.lstrip("/"))
        if stored is None:
            return 404, {"Content-Type": "application/xml"}, b"<Error><Code>BlobNotFound</Code></Error>"
        return 200, {"Content-Type": "application/octet-stream"}, stored.body


def _oauth_settings(properties: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(location, oAuthSettings) of every connection parameter that has them."""
    maps = [("connectionParameters", properties.get("connectionParameters") or {})]
    for index, entry in enumerate((properties.get("connectionParameterSets") or {}).get("values") or []):
        maps.append((f"connectionParameterSets.values[{index}].parameters", entry.get("parameters") or {}))
    return [(f"{where}.{name}", param["oAuthSettings"]) for where, params in maps
            for name, param in params.items() if isinstance(param.get("oAuthSettings"), dict)]


def _without_client_secrets(properties: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of registered properties with every oAuthSettings.clientSecret removed."""
    copy = json.loads(json.dumps(properties))
    for _, settings in _oauth_settings(copy):
        settings.pop("clientSecret", None)
    return copy


def _json(status: int, document: Any):
    return status, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(document).encode()


def _error(status: int, code: str, message: str):
    return _json(status, {"error": {"code": code, "message": message}})


def _handler(emulator: RPEmulator, kind: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, out_headers, payload = emulator.handle(kind, self.command, self.path, headers, body)
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


def _self_signed_certificate(cert_path: Path, key_path: Path) -> None:
    """A self-signed CA certificate for IP 127.0.0.1 (EC P-256: fast to make)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pbxconn RP emulator")])
    now = dt.datetime.now(dt.timezone.utc)
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
