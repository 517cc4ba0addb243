"""A SAML 2.0 identity provider on 127.0.0.1 for the tests: pysaml2's IdP (`saml2.server.Server`)
behind a small HTTP server, with its own key and certificate made at start.

It speaks the HTTP-Redirect binding for requests and the HTTP-POST binding for responses, as
Entra ID, Okta and Keycloak do: `/sso` shows a sign-in form (an e-mail address; the person's
attributes come from `people`), and signing in answers with the auto-submitting form that posts
the signed response to the service provider's ACS. The service provider's metadata is given
to `trust` (its XML or its URL), so the audience, the ACS and the request
id are checked by pysaml2 as a real IdP checks them.
"""

from __future__ import annotations

import datetime as dt
import html
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

# Attribute names as Entra ID sends them.
EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
GIVEN_NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
SURNAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"
GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"


def _key_and_certificate(folder: Path) -> tuple[Path, Path, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / "idp.key", folder / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_file.write_bytes(pem)
    body = "".join(pem.decode().strip().splitlines()[1:-1])
    return key_file, cert_file, body


class SamlIdP:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="saml-idp-"))
        self.key_file, self.cert_file, self.certificate = _key_and_certificate(self.folder)
        self.people: dict[str, dict[str, list[str]]] = {}  # e-mail: SAML attributes
        self.responses: list[str] = []  # the signed responses sent, as XML
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        self.entity_id = f"{self.base}/metadata"
        self.sso_url = f"{self.base}/sso"
        self._sp_metadata: list[str] = []
        self._server: Any = None
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> SamlIdP:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def add_person(
        self, email: str, given: str = "", surname: str = "", groups: list[str] | None = None
    ) -> None:
        self.people[email] = {
            EMAIL: [email],
            GIVEN_NAME: [given],
            SURNAME: [surname],
            GROUPS: list(groups or []),
        }

    def trust(self, sp_metadata: str) -> None:
        """Trust a service provider: its metadata XML, or the URL to read it from (the next
        request builds the IdP with it)."""
        if sp_metadata.startswith("http"):
            answer = requests.get(sp_metadata, timeout=5)
            answer.raise_for_status()
            sp_metadata = answer.text
        self._sp_metadata.append(sp_metadata)
        self._server = None

    def _idp(self) -> Any:
        if self._server is None:
            from saml2 import BINDING_HTTP_REDIRECT
            from saml2.config import IdPConfig
            from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS
            from saml2.server import Server

            config = IdPConfig()
            config.load(
                {
                    "entityid": self.entity_id,
                    "service": {
                        "idp": {
                            "endpoints": {
                                "single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]
                            },
                            "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                            "policy": {
                                "default": {
                                    "lifetime": {"minutes": 5},
                                    "attribute_restrictions": None,
                                    "name_form": NAME_FORMAT_URI,
                                }
                            },
                        }
                    },
                    "key_file": str(self.key_file),
                    "cert_file": str(self.cert_file),
                    "xmlsec_binary": shutil.which("xmlsec1") or "xmlsec1",
                    "metadata": {"inline": list(self._sp_metadata)},
                    "allow_unknown_attributes": True,
                }
            )
            self._server = Server(config=config)
        return self._server

    def metadata(self) -> str:
        from saml2.metadata import create_metadata_string

        return create_metadata_string(None, self._idp().config, valid=1).decode()

    def sign_in(
        self, saml_request: str, relay_state: str, email: str, *, sha1: bool = False
    ) -> str:
        """The auto-submitting form with a signed response for `email`, to the request's ACS
        (signed with RSA-SHA256, or the deprecated SHA-1 when `sha1`)."""
        from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
        from saml2 import xmldsig as ds
        from saml2.saml import AUTHN_PASSWORD, NAMEID_FORMAT_EMAILADDRESS, NameID

        server = self._idp()
        request = server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
        sp = request.issuer.text
        destination = server.metadata.assertion_consumer_service(sp, BINDING_HTTP_POST)[0][
            "location"
        ]
        response = server.create_authn_response(
            identity=self.people.get(email, {EMAIL: [email]}),
            in_response_to=request.id,
            destination=destination,
            sp_entity_id=sp,
            userid=email,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": self.entity_id},
            sign_response=True,
            sign_assertion=True,
            sign_alg=ds.SIG_RSA_SHA1 if sha1 else ds.SIG_RSA_SHA256,
            digest_alg=ds.DIGEST_SHA1 if sha1 else ds.DIGEST_SHA256,
        )
        self.responses.append(str(response))
        http_args = server.apply_binding(
            BINDING_HTTP_POST, str(response), destination, relay_state, response=True
        )
        return http_args["data"]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, body: str, kind: str = "text/html") -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/metadata":
                    self._send(200, idp.metadata(), "application/samlmetadata+xml")
                elif url.path == "/sso" and "SAMLRequest" in query:
                    hidden = "".join(
                        f'<input type="hidden" name="{n}" value="{html.escape(query.get(n, ""))}">'
                        for n in ("SAMLRequest", "RelayState")
                    )
                    self._send(
                        200,
                        '<!doctype html><html lang="en"><head><title>Test IdP</title></head>'
                        '<body><main><h1>Test IdP</h1><form method="post" action="/login">'
                        f'{hidden}<label>E-mail <input name="email" type="email"></label>'
                        "<button>Sign in at the IdP</button></form></main></body></html>",
                    )
                else:
                    self._send(404, "not found", "text/plain")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/login":
                    self._send(404, "not found", "text/plain")
                    return
                page = idp.sign_in(form["SAMLRequest"], form.get("RelayState", ""), form["email"])
                self._send(200, page)

        return Handler
