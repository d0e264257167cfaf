#!/usr/bin/env python3
"""A stand-in for Amazon API Gateway, for the amplify-rest end-to-end tests.

No local API Gateway emulator exists (moto cannot serve invocations), so this small
server plays the gateway. Its checks are done by libraries nobody on this project
wrote: botocore recomputes every SigV4 signature, PyJWT verifies every JWT.
Requests that pass their check are echoed back as JSON, so a test can see exactly
what the client put on the wire.

URL shapes (the first path segment picks the route, see ROUTES):

    /none/<rest>                          no check
    /apikey/<rest>                        x-api-key must be one of --api-key
    /iam/<region>/<rest>                  SigV4, service execute-api, region <region>
    /cup/<poolId>/<clientId>/<rest>       Cognito user pool JWT in `authorization`
    /oidc/<rest>                          JWT from this gateway's own test issuer
    /_admin/...                           test helpers (stats, reset, OIDC tokens, hits)

Fault routes wrap another route (the rest of the path); <key> is chosen by the test so that
parallel tests never share a counter, and every hit is recorded at /_admin/hits/<key>:

    /fail/<key>/<n>/<status>/<rest>       the first n hits answer <status> (after <rest>'s own
                                          checks passed, so every signature is still verified)
    /throttle/<key>/<n>/<retry-after>/<rest>  the first n hits answer 429 with that Retry-After
    /reset/<key>/<n>/<rest>               the first n hits get the connection reset, no answer
    /slow/<key>/<ms>/<rest>               waits <ms> first; notices a client that hangs up
    /skew/<key>/<seconds>/<rest>          <rest> runs on a clock <seconds> off (SigV4 window,
                                          JWT exp, the Date header)
    /redirect/<key>/<status>/<rest>       answers <status> with Location on the second port
                                          (the "other origin"), which records what arrives
                                          there: /_admin/other-origin
    /redirect-here/<key>/<status>/<rest>  answers <status> with Location <rest> on this port

Run:  gateway.py --port 0 --port-file /tmp/gw.port --moto-url http://127.0.0.1:5000
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime
import email.utils
import hashlib
import hmac
import json
import os
import re
import select
import signal
import socket
import struct
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import jwt
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials
from cryptography.hazmat.primitives.asymmetric import rsa

DEFAULT_API_KEYS = ["fixture-api-key-0123456789", "example-api-key-0123456789"]
DEFAULT_CREDENTIALS = [
    "TESTACCESSKEY12345:ABCSECRETKEY",  # what moto's GetCredentialsForIdentity hands out
    "AKIDEXAMPLESTATIC:static-secret-key-for-tests",
]
OIDC_ISSUER = "https://oidc.test.local"
OIDC_AUDIENCE = "amplify-rest-tests"
OIDC_KID = "amplify-rest-test-oidc"

SIGV4_SERVICE = "execute-api"
SIGV4_ALGORITHM = "AWS4-HMAC-SHA256"
SIGV4_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_SKEW_SECONDS = 300  # AWS rejects signatures more than 5 minutes off its clock
MAX_BODY_BYTES = 64 * 1024 * 1024

# Header values never written to the log.
SECRET_HEADERS = {"authorization", "x-api-key", "x-amz-security-token"}


# --------------------------------------------------------------------------- model


class Reject(Exception):
    """Raised by a check: the request is answered with this error, as API Gateway would."""

    def __init__(self, status: int, error_type: str, message: str, reason: str = "", **extra):
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.reason = reason or message  # short cause, for the log and x-gateway-reason
        self.extra = extra  # more JSON fields for the body (debugging aids)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    reason: str = ""  # for the log line only


def json_response(status: int, obj, error_type: str | None = None, reason: str = "") -> Response:
    headers = [("Content-Type", "application/json")]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    if reason:
        # Not an AWS header: tells a failing test why the gateway said no.
        headers.append(("x-gateway-reason", _header_safe(reason)))
    # Compact, like API Gateway's own answers: {"message":"Forbidden"}
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, headers, reason)


def reject_response(rej: Reject) -> Response:
    return json_response(rej.status, {"message": rej.message, **rej.extra}, rej.error_type, rej.reason)


@dataclass
class Request:
    """One request as it arrived, plus where routing has got to."""

    gateway: "Gateway"
    method: str
    raw_path: str  # the full path as on the wire: still percent-encoded, no query
    raw_query: str  # the query string as on the wire, without '?'
    headers: "HTTPHeaders"  # email.message.Message: case-insensitive, keeps repeats
    body: bytes
    route: str = ""
    params: list[str] = field(default_factory=list)  # route parameters, percent-decoded
    rest: str = "/"  # the raw path after the route prefix and its parameters
    sock: socket.socket | None = None  # the client connection (fault routes use it)
    skew: float = 0.0  # seconds added to the gateway clock for this request (/skew)

    def now(self) -> float:
        return self.gateway.now() + self.skew

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass(frozen=True)
class Route:
    """An entry of the route table.

    `n_params` path segments after the route name are route parameters (region,
    pool id, ...); the rest of the path is what the route serves. `handler` gets
    the Request and returns a Response (or raises Reject). Fault routes (fail N
    times, slow, 429, redirect, skewed Date, ...) are added as new entries; one that
    wraps another route can call `dispatch(req, req.rest)` to hand the remaining
    path on, e.g. /fail/2/<key>/iam/us-east-1/pets.
    """

    n_params: int
    handler: Callable[[Request], Response]
    counted: bool = True  # shows up in /_admin/stats


# --------------------------------------------------------------------------- helpers


def _header_safe(text: str) -> str:
    return re.sub(r"[^\x20-\x7e]", "?", text)[:300]


def _wire_text(value: str) -> str:
    """http.server decodes the request line and headers as latin-1; get the real UTF-8 text back."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def decode_query(raw_query: str) -> list[tuple[str, str]]:
    """Query pairs, percent-decoded, in order, repeated keys kept.

    Split on '&' only (not ';'), '+' means a space: the form-urlencoded reading that
    aws-sigv4 (Rust) and Amplify JS's signer both use. A key without '=' has value ''.
    """
    return urllib.parse.parse_qsl(raw_query, keep_blank_values=True, encoding="utf-8", errors="replace")


def _parse_amz_date(value: str) -> float:
    dt = datetime.datetime.strptime(value, SIGV4_TIME_FORMAT).replace(tzinfo=datetime.timezone.utc)
    return dt.timestamp()


def _fmt_amz_date(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime(SIGV4_TIME_FORMAT)


# --------------------------------------------------------------------------- auth: none / api key


def check_none(req: Request) -> dict:
    return {"mode": "none"}


def check_api_key(req: Request) -> dict:
    given = req.header("x-api-key")
    if given is not None:
        for index, key in enumerate(req.gateway.api_keys):
            if hmac.compare_digest(given.encode(), key.encode()):
                return {"mode": "apikey", "key_index": index}
    reason = "x-api-key missing" if given is None else "x-api-key not recognised"
    # API Gateway's real answer, for both cases.
    raise Reject(403, "ForbiddenException", "Forbidden", reason)


# --------------------------------------------------------------------------- auth: SigV4 (AWS_IAM)

_AUTH_PARAM_RE = re.compile(r"\s*(Credential|SignedHeaders|Signature)\s*=\s*([^,\s]*)\s*")


def parse_sigv4_authorization(value: str) -> dict:
    """'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/execute-api/aws4_request,
    SignedHeaders=host;x-amz-date, Signature=ab12...' -> its parts (raises ValueError)."""
    algorithm, _, params = value.strip().partition(" ")
    if algorithm != SIGV4_ALGORITHM:
        raise ValueError(f"algorithm is not {SIGV4_ALGORITHM}")
    parts = {}
    for item in params.split(","):
        m = _AUTH_PARAM_RE.fullmatch(item)
        if not m:
            raise ValueError(f"cannot parse {item.strip()[:40]!r}")
        parts[m.group(1)] = m.group(2)
    for name in ("Credential", "SignedHeaders", "Signature"):
        if not parts.get(name):
            raise ValueError(f"{name} missing")
    scope = parts["Credential"].split("/")
    if len(scope) != 5:
        raise ValueError("Credential is not AKID/date/region/service/aws4_request")
    signed = parts["SignedHeaders"].split(";")
    if any(not h or h != h.lower() for h in signed):
        raise ValueError("SignedHeaders must be lowercase names separated by ';'")
    return {
        "access_key": scope[0],
        "date": scope[1],
        "region": scope[2],
        "service": scope[3],
        "terminator": scope[4],
        "signed_headers": signed,
        "signature": parts["Signature"].lower(),
    }


class ReceivedRequestSigV4(SigV4Auth):
    """botocore's SigV4 signer, fed with a request that has already arrived.

    The only change: the headers that enter the canonical request are exactly those
    the client listed in SignedHeaders (botocore would otherwise pick its own set:
    it skips user-agent and friends, and adds `host` itself).
    """

    def __init__(self, credentials: Credentials, region: str, signed_headers: list[str]):
        super().__init__(credentials, SIGV4_SERVICE, region)
        self._signed = signed_headers

    def headers_to_sign(self, request):
        chosen = HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or []:
                chosen[name] = value  # Message.__setitem__ appends: repeats are kept, in order
        return chosen


def sigv4_expected(req: Request, auth: dict, secret: str, token: str | None) -> tuple[str, str, str]:
    """Recompute (canonical request, string to sign, signature) with botocore.

    How the received request is turned back into what the client signed:

    * Path. botocore's canonical URI is quote(remove_dot_segments(path), safe='/~'),
      where `path` is the path of the URL it is given. We give it the path exactly as
      it came on the wire, still percent-encoded. Quoting it once more turns every
      '%' into '%25': that is the *double* URI encoding execute-api (like every AWS
      service but S3) expects, e.g. a segment 'a b' travels as 'a%20b' and appears in
      the canonical request as 'a%2520b'; a '%2F' inside a segment becomes '%252F'
      and is never taken for a '/'. aws-sigv4's default settings (double encoding,
      path normalisation on) do the same. remove_dot_segments also drops '.' / '..'
      and empty segments ('//' -> '/'), as the AWS SigV4 test suite ("get-slashes") does.
    * Query. The canonical query is built from the *decoded* pairs: each key and
      value is URI-encoded again (RFC 3986 unreserved set, space -> %20) and the pairs
      are sorted by encoded key, then encoded value. botocore does exactly that
      when the request carries `params`, so we hand it the decoded pairs.
      (Left to itself, botocore would take the raw query string verbatim, which only
      works when the client happened to encode it canonically.)
    * Headers: those named in SignedHeaders, values as received (botocore trims them and
      squeezes inner runs of spaces; repeated headers are joined with ',').
    * Payload: SHA-256 of the body bytes as received (the URL we give botocore is
      http://, so it always hashes the payload).
    * Time: the request's own X-Amz-Date, put in request.context['timestamp'], which
      is where botocore's add_auth would have put "now".
    """
    path = req.raw_path
    # Non-ASCII bytes are not legal in a request line; if a client sent some anyway,
    # treat them as if it had percent-encoded them (once).
    if not path.isascii():
        path = urllib.parse.quote(path.encode("latin-1"), safe="/%" + "!$&'()*+,;=:@-._~")
    aws_req = AWSRequest(method=req.method, url="http://signed-request.invalid" + path, data=req.body)
    aws_req.params = decode_query(req.raw_query)  # list of pairs: botocore re-encodes and sorts
    for name in auth["signed_headers"]:
        for value in req.headers.get_all(name) or []:
            aws_req.headers[name] = _wire_text(value)
    aws_req.context["timestamp"] = req.header("x-amz-date")

    signer = ReceivedRequestSigV4(Credentials(auth["access_key"], secret, token), auth["region"], auth["signed_headers"])
    canonical_request = signer.canonical_request(aws_req)
    string_to_sign = signer.string_to_sign(aws_req, canonical_request)
    signature = signer.signature(string_to_sign, aws_req)
    return canonical_request, string_to_sign, signature


def check_iam(req: Request) -> dict:
    route_region = req.params[0]
    header = req.header("authorization")
    if header is None:
        raise Reject(403, "MissingAuthenticationTokenException", "Missing Authentication Token", "no authorization header")
    try:
        auth = parse_sigv4_authorization(header)
    except ValueError as exc:
        raise Reject(403, "IncompleteSignatureException", "Missing Authentication Token", f"garbled authorization: {exc}")

    signed = auth["signed_headers"]
    for required in ("host", "x-amz-date"):
        if required not in signed:
            raise Reject(403, "IncompleteSignatureException", f"'{required}' must be a signed header.", f"{required} not signed")
    for name in signed:
        if req.header(name) is None:
            raise Reject(403, "IncompleteSignatureException", f"Signed header '{name}' is missing from the request.", f"{name} missing")

    amz_date = req.header("x-amz-date")
    try:
        signed_at = _parse_amz_date(amz_date)
    except ValueError:
        raise Reject(403, "IncompleteSignatureException", f"X-Amz-Date {amz_date!r} is not in ISO-8601 basic format (YYYYMMDD'T'HHMMSS'Z').", "bad x-amz-date")

    if auth["date"] != amz_date[:8]:
        raise Reject(403, "InvalidSignatureException",
                     f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{auth['date']}' != '{amz_date[:8]}', from '{amz_date}'.",
                     "credential scope date")
    if auth["region"] != route_region:
        raise Reject(403, "InvalidSignatureException",
                     f"Credential should be scoped to a valid region. (scope says '{auth['region']}', the endpoint is in '{route_region}')",
                     "credential scope region")
    if auth["service"] != SIGV4_SERVICE:
        raise Reject(403, "InvalidSignatureException",
                     f"Credential should be scoped to correct service: '{SIGV4_SERVICE}'. (scope says '{auth['service']}')",
                     "credential scope service")
    if auth["terminator"] != "aws4_request":
        raise Reject(403, "InvalidSignatureException", "Credential should be scoped with a valid terminator: 'aws4_request'.", "credential scope terminator")

    token = req.header("x-amz-security-token")
    if token is not None and "x-amz-security-token" not in signed:
        raise Reject(403, "InvalidSignatureException", "x-amz-security-token is present but not among the signed headers.", "session token not signed")

    secret = req.gateway.credentials.get(auth["access_key"])
    if secret is None:
        raise Reject(403, "UnrecognizedClientException", "The security token included in the request is invalid.", "unknown access key id")

    content_sha = req.header("x-amz-content-sha256")
    if content_sha is not None and content_sha.strip().lower() != hashlib.sha256(req.body).hexdigest():
        # botocore would take this header's word for the payload hash: check it against the body.
        raise Reject(403, "InvalidSignatureException", "x-amz-content-sha256 does not match the request body.", "content sha256 mismatch")

    now = req.now()
    if signed_at < now - MAX_SKEW_SECONDS:
        raise Reject(403, "InvalidSignatureException",
                     f"Signature expired: {amz_date} is now earlier than {_fmt_amz_date(now - MAX_SKEW_SECONDS)} ({_fmt_amz_date(now)} - 5 min.)",
                     "signature expired")
    if signed_at > now + MAX_SKEW_SECONDS:
        raise Reject(403, "InvalidSignatureException",
                     f"Signature not yet current: {amz_date} is still later than {_fmt_amz_date(now + MAX_SKEW_SECONDS)} ({_fmt_amz_date(now)} + 5 min.)",
                     "signature not yet current")

    canonical_request, string_to_sign, expected = sigv4_expected(req, auth, secret, token)
    if not hmac.compare_digest(expected, auth["signature"]):
        raise Reject(
            403, "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"
            f"The Canonical String for this request should have been\n'{canonical_request}'\n\n"
            f"The String-to-Sign should have been\n'{string_to_sign}'\n",
            "signature mismatch",
            canonical_request=canonical_request,
            string_to_sign=string_to_sign,
        )

    return {
        "mode": "iam",
        "access_key_id": auth["access_key"],
        "region": auth["region"],
        "signed_headers": signed,
        "x_amz_date": amz_date,
        "session_token_present": token is not None,
        "session_token": token,
    }


# --------------------------------------------------------------------------- auth: JWTs (user pools, OIDC)


def _unauthorized(reason: str) -> Reject:
    return Reject(401, "UnauthorizedException", f"Unauthorized: {reason}", reason)


def _expired() -> Reject:
    # API Gateway's own words for an expired user-pool token.
    return Reject(401, "UnauthorizedException", "The incoming token has expired", "token expired")


def _raw_token(req: Request) -> str:
    token = req.header("authorization")
    if token is None or not token.strip():
        raise Reject(401, "UnauthorizedException", "Unauthorized", "no authorization header")
    token = token.strip()
    if token.lower().startswith("bearer "):
        # The Amplify libraries send the raw token; a Bearer prefix is a client bug worth catching.
        raise _unauthorized("expected a raw JWT, got 'Bearer ...'")
    return token


def _check_time_claims(claims: dict, now: float) -> None:
    """exp/nbf against the gateway's (possibly skewed) clock, so tests can age tokens with --clock-skew-seconds."""
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)):
        raise _unauthorized("exp claim missing")
    if now >= exp:
        raise _expired()
    nbf = claims.get("nbf")
    if isinstance(nbf, (int, float)) and now < nbf:
        raise _unauthorized("token not yet valid (nbf)")


def _decode_jwt(token: str, key, **kwargs) -> dict:
    try:
        return jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                     "verify_aud": "audience" in kwargs, "require": ["exp", "iss"]},
            **kwargs,
        )
    except jwt.InvalidSignatureError:
        raise _unauthorized("invalid signature")
    except jwt.InvalidIssuerError:
        raise _unauthorized("wrong issuer")
    except jwt.InvalidAudienceError:
        raise _unauthorized("wrong audience")
    except jwt.MissingRequiredClaimError as exc:
        raise _unauthorized(f"claim {exc.claim} missing")
    except jwt.PyJWTError as exc:
        raise _unauthorized(f"invalid token ({type(exc).__name__})")


def check_cup(req: Request) -> dict:
    """Cognito user pool authorizer: a raw JWT from moto, verified against moto's JWKS."""
    pool_id, client_id = req.params
    token = _raw_token(req)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _unauthorized("not a JWT")
    if header.get("alg") != "RS256":
        raise _unauthorized("alg must be RS256")
    key = req.gateway.cognito_key(pool_id, header.get("kid"))
    region = pool_id.split("_", 1)[0]
    claims = _decode_jwt(token, key, issuer=f"https://cognito-idp.{region}.amazonaws.com/{pool_id}")
    _check_time_claims(claims, req.now())

    token_use = claims.get("token_use")
    if token_use == "access":
        if claims.get("client_id") != client_id:
            raise _unauthorized("token is for another app client (client_id)")
        token_client = claims["client_id"]
    elif token_use == "id":
        aud = claims.get("aud")
        auds = aud if isinstance(aud, list) else [aud]
        if client_id not in auds:
            raise _unauthorized("token is for another app client (aud)")
        token_client = client_id
    else:
        raise _unauthorized("token_use must be 'access' or 'id'")

    return {
        "mode": "cup",
        "pool_id": pool_id,
        "token_use": token_use,
        "sub": claims.get("sub"),
        "username": claims.get("username") or claims.get("cognito:username"),
        "client_id": token_client,
        "claims": claims,
    }


def check_oidc(req: Request) -> dict:
    token = _raw_token(req)
    claims = _decode_jwt(token, req.gateway.oidc_public_key, issuer=OIDC_ISSUER, audience=OIDC_AUDIENCE)
    _check_time_claims(claims, req.now())
    return {"mode": "oidc", "sub": claims.get("sub"), "claims": claims}


# --------------------------------------------------------------------------- echo


def echo(req: Request, auth: dict) -> Response:
    headers: dict[str, str] = {}
    for name, value in req.headers.items():
        name = name.lower()
        value = _wire_text(value)
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    try:
        text = req.body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return json_response(200, {
        "method": req.method,
        "route": req.route,
        "route_params": req.params,
        "raw_path": req.raw_path,
        "path": req.rest,
        "raw_query": req.raw_query,
        "query": [list(pair) for pair in decode_query(req.raw_query)],
        "headers": headers,
        "body": text,
        "body_base64": base64.b64encode(req.body).decode("ascii"),
        "auth": auth,
    })


def auth_route(check: Callable[[Request], dict]) -> Callable[[Request], Response]:
    """A route that runs `check` and, if it passes, echoes the request."""

    def handler(req: Request) -> Response:
        return echo(req, check(req))

    return handler


# --------------------------------------------------------------------------- fault routes


class DropConnection(Exception):
    """Raised by a route: the connection is reset (RST) without an answer."""


_FAULT_ERRORS = {
    429: "TooManyRequestsException",
    500: "InternalServerErrorException",
    502: "BadGatewayException",
    503: "ServiceUnavailableException",
    504: "GatewayTimeoutException",
}


def _int_param(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Reject(400, "BadRequestException", f"{what} must be an integer", f"bad {what}")


def fault_fail(req: Request) -> Response:
    key, n, status = req.params
    n, status = _int_param(n, "n"), _int_param(status, "status")
    hit = req.gateway.record_hit(key, req)
    resp = dispatch(req, req.rest)
    if hit <= n and resp.status < 400:
        error_type = _FAULT_ERRORS.get(status, "InjectedFailureException")
        resp = json_response(status, {"message": f"injected failure {hit} of {n}"}, error_type, "injected failure")
    req.gateway.record_status(key, resp.status)
    return resp


def fault_throttle(req: Request) -> Response:
    key, n, retry_after = req.params
    n = _int_param(n, "n")
    hit = req.gateway.record_hit(key, req)
    resp = dispatch(req, req.rest)
    if hit <= n and resp.status < 400:
        resp = json_response(429, {"message": "Too Many Requests"}, "TooManyRequestsException", "injected throttle")
        resp.headers.append(("Retry-After", _header_safe(retry_after)))
    req.gateway.record_status(key, resp.status)
    return resp


def fault_reset(req: Request) -> Response:
    key, n = req.params
    n = _int_param(n, "n")
    hit = req.gateway.record_hit(key, req)
    if hit <= n:
        req.gateway.record_status(key, "reset")
        raise DropConnection()
    resp = dispatch(req, req.rest)
    req.gateway.record_status(key, resp.status)
    return resp


def _client_gone(sock: socket.socket | None) -> bool:
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def fault_slow(req: Request) -> Response:
    key, ms = req.params
    hit = req.gateway.record_hit(key, req)
    deadline = time.monotonic() + _int_param(ms, "ms") / 1000
    while time.monotonic() < deadline:
        if _client_gone(req.sock):
            req.gateway.record_status(key, "client-gone")
            raise DropConnection()
        time.sleep(min(0.01, max(0.0, deadline - time.monotonic())))
    resp = dispatch(req, req.rest)
    req.gateway.record_status(key, resp.status)
    return resp


def fault_skew(req: Request) -> Response:
    key, seconds = req.params
    try:
        req.skew = float(seconds)
    except ValueError:
        raise Reject(400, "BadRequestException", "seconds must be a number", "bad seconds")
    req.gateway.record_hit(key, req)
    resp = dispatch(req, req.rest)
    req.gateway.record_status(key, resp.status)
    return resp


def fault_redirect(req: Request) -> Response:
    key, status = req.params
    req.gateway.record_hit(key, req)
    port = req.gateway.other_port if req.route == "redirect" else req.sock.getsockname()[1]
    location = f"http://127.0.0.1:{port}{req.rest}"
    if req.raw_query:
        location += "?" + req.raw_query
    resp = json_response(_int_param(status, "status"), {"message": "moved", "location": location})
    resp.headers.append(("Location", location))
    req.gateway.record_status(key, resp.status)
    return resp


def hit_record(req: Request) -> dict:
    """What a hit looked like: secret header values never kept, only their names."""
    headers, secret = {}, []
    for name, value in req.headers.items():
        name = name.lower()
        if name in SECRET_HEADERS:
            secret.append(name)
        else:
            headers[name] = _wire_text(value)
    signature = None
    auth = req.header("authorization")
    if auth:
        try:
            signature = parse_sigv4_authorization(auth)["signature"]
        except ValueError:
            pass
    return {
        "method": req.method,
        "raw_path": req.raw_path,
        "headers": headers,
        "secret_headers": sorted(secret),
        "signature": signature,
        "body_sha256": hashlib.sha256(req.body).hexdigest(),
        "at": time.time(),
    }


# --------------------------------------------------------------------------- admin


def handle_admin(req: Request) -> Response:
    gw = req.gateway
    op = (req.method, req.rest.rstrip("/"))
    if op == ("GET", "/stats"):
        return json_response(200, gw.stats_snapshot())
    if op == ("POST", "/reset"):
        gw.reset_stats()
        return json_response(200, {"reset": True})
    if op == ("POST", "/oidc-token"):
        try:
            spec = json.loads(req.body or b"{}")
            if not isinstance(spec, dict):
                raise ValueError("body must be a JSON object")
            return json_response(200, {"token": gw.mint_oidc_token(**spec)})
        except (ValueError, TypeError) as exc:
            return json_response(400, {"message": f"bad oidc-token request: {exc}"}, "BadRequestException")
    if op == ("GET", "/oidc-jwks"):
        return json_response(200, gw.oidc_jwks())
    if op == ("GET", "/health"):
        return json_response(200, {"ok": True, "clock_skew_seconds": gw.clock_skew, "redirect_port": gw.other_port})
    if req.method == "GET" and req.rest.startswith("/hits/"):
        key = urllib.parse.unquote(req.rest[len("/hits/"):].rstrip("/"))
        hits = gw.hits_of(key)
        return json_response(200, {"count": len(hits), "hits": hits})
    if op == ("GET", "/other-origin"):
        return json_response(200, {"requests": gw.other_origin_requests()})
    return json_response(404, {"message": "Not Found"}, "NotFoundException", "unknown admin operation")


# --------------------------------------------------------------------------- the route table

ROUTES: dict[str, Route] = {
    "none": Route(0, auth_route(check_none)),
    "apikey": Route(0, auth_route(check_api_key)),
    "iam": Route(1, auth_route(check_iam)),  # /iam/<region>/...
    "cup": Route(2, auth_route(check_cup)),  # /cup/<poolId>/<clientId>/...
    "oidc": Route(0, auth_route(check_oidc)),
    "_admin": Route(0, handle_admin, counted=False),
    "fail": Route(3, fault_fail),  # /fail/<key>/<n>/<status>/...
    "throttle": Route(3, fault_throttle),  # /throttle/<key>/<n>/<retry-after>/...
    "reset": Route(2, fault_reset),  # /reset/<key>/<n>/...
    "slow": Route(2, fault_slow),  # /slow/<key>/<ms>/...
    "skew": Route(2, fault_skew),  # /skew/<key>/<seconds>/...
    "redirect": Route(2, fault_redirect),  # /redirect/<key>/<status>/...
    "redirect-here": Route(2, fault_redirect),  # /redirect-here/<key>/<status>/...
}


def not_found(reason: str) -> Response:
    return json_response(404, {"message": "Not Found"}, "NotFoundException", reason)


def dispatch(req: Request, path: str) -> Response:
    """Route `path` (a raw path starting with '/'): the first segment names the route."""
    segments = path[1:].split("/")
    route = ROUTES.get(segments[0])
    if route is None:
        return not_found(f"no route {segments[0]!r}")
    if len(segments) < 1 + route.n_params or any(not s for s in segments[1:1 + route.n_params]):
        return not_found(f"route {segments[0]!r} needs {route.n_params} parameter(s)")
    req.route = segments[0]
    req.params = [urllib.parse.unquote(s) for s in segments[1:1 + route.n_params]]
    req.rest = "/" + "/".join(segments[1 + route.n_params:])
    try:
        resp = route.handler(req)
    except DropConnection:
        raise
    except Reject as rej:
        resp = reject_response(rej)
    if route.counted:
        req.gateway.count(req.route, resp.status)
    return resp


# --------------------------------------------------------------------------- gateway state


class Gateway:
    def __init__(self, args):
        self.api_keys: list[str] = args.api_key or list(DEFAULT_API_KEYS)
        self.credentials: dict[str, str] = {}
        for item in args.credentials or DEFAULT_CREDENTIALS:
            akid, sep, secret = item.partition(":")
            if not sep or not akid or not secret:
                raise SystemExit(f"--credentials wants AKID:SECRET, got {item!r}")
            self.credentials[akid] = secret
        self.moto_url = (args.moto_url or "").rstrip("/")
        self.clock_skew = float(args.clock_skew_seconds)

        self._lock = threading.Lock()
        self._total = 0
        self._per_route: collections.Counter = collections.Counter()
        self._per_status: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

        self._jwks: dict[str, jwt.PyJWKSet] = {}  # per user pool id
        self._jwks_lock = threading.Lock()

        self.other_port = 0  # the second listener (redirect target), set by main()
        self._hits: dict[str, list[dict]] = collections.defaultdict(list)
        self._other_origin: list[dict] = []

        self._oidc_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.oidc_public_key = self._oidc_key.public_key()

    def now(self) -> float:
        """The gateway's clock: real time shifted by --clock-skew-seconds."""
        return time.time() + self.clock_skew

    # stats
    def count_request(self) -> None:
        with self._lock:
            self._total += 1

    def count(self, route: str, status: int) -> None:
        with self._lock:
            self._per_route[route] += 1
            self._per_status[route][str(status)] += 1

    def stats_snapshot(self) -> dict:
        with self._lock:
            return {
                "total": self._total,
                "routes": dict(self._per_route),
                "statuses": {r: dict(c) for r, c in self._per_status.items()},
            }

    def reset_stats(self) -> None:
        with self._lock:
            self._total = 0
            self._per_route.clear()
            self._per_status.clear()

    # fault routes
    def record_hit(self, key: str, req: Request) -> int:
        """Records a hit of a fault route; returns its number (1 for the first)."""
        record = hit_record(req)
        with self._lock:
            hits = self._hits[key]
            hits.append(record)
            return len(hits)

    def record_status(self, key: str, status) -> None:
        with self._lock:
            for hit in reversed(self._hits[key]):
                if "status" not in hit:
                    hit["status"] = status
                    return

    def hits_of(self, key: str) -> list[dict]:
        with self._lock:
            return [dict(h) for h in self._hits.get(key, [])]

    def record_other_origin(self, req: Request) -> None:
        with self._lock:
            self._other_origin.append(hit_record(req))

    def other_origin_requests(self) -> list[dict]:
        with self._lock:
            return [dict(h) for h in self._other_origin]

    # Cognito JWKS (moto serves it at <moto>/<poolId>/.well-known/jwks.json)
    def cognito_key(self, pool_id: str, kid):
        if not self.moto_url:
            raise Reject(500, "InternalServerErrorException", "Internal server error", "gateway started without --moto-url")
        for refresh in (False, True):
            jwks = self._pool_jwks(pool_id, refresh)
            for key in jwks.keys:
                if key.key_id == kid:
                    return key.key
        raise _unauthorized(f"unknown key id {kid!r}")

    def _pool_jwks(self, pool_id: str, refresh: bool) -> jwt.PyJWKSet:
        with self._jwks_lock:
            if not refresh and pool_id in self._jwks:
                return self._jwks[pool_id]
        url = f"{self.moto_url}/{urllib.parse.quote(pool_id, safe='')}/.well-known/jwks.json"
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                jwks = jwt.PyJWKSet.from_dict(json.load(resp))
        except urllib.error.HTTPError as exc:
            raise _unauthorized(f"no JWKS for user pool {pool_id} (HTTP {exc.code})")
        except (OSError, ValueError, jwt.PyJWTError) as exc:
            raise Reject(500, "InternalServerErrorException", "Internal server error", f"cannot fetch JWKS from {url}: {exc}")
        with self._jwks_lock:
            self._jwks[pool_id] = jwks
        return jwks

    # OIDC test issuer
    def mint_oidc_token(self, sub: str = "oidc-user", expires_in: float = 3600, claims: dict | None = None,
                        aud: str = OIDC_AUDIENCE, iss: str = OIDC_ISSUER) -> str:
        now = int(self.now())
        payload = {"iss": iss, "aud": aud, "sub": str(sub), "iat": now, "exp": now + int(expires_in)}
        if claims:
            if not isinstance(claims, dict):
                raise ValueError("claims must be an object")
            payload.update(claims)
        return jwt.encode(payload, self._oidc_key, algorithm="RS256", headers={"kid": OIDC_KID})

    def oidc_jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.oidc_public_key))
        jwk.update({"kid": OIDC_KID, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}


# --------------------------------------------------------------------------- HTTP plumbing


class BadRequest(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every answer carries Content-Length
    server_version = "amplify-rest-test-gateway/1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: don't let Nagle delay them
    server: "GatewayServer"

    def _read_body(self) -> bytes:
        te = (self.headers.get("transfer-encoding") or "").lower()
        if "chunked" in te:
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(65537)
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise BadRequest("bad chunk size line")
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers: ignored
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY_BYTES:
                    raise BadRequest("body too large")
                chunk = self.rfile.read(size)
                if len(chunk) != size:
                    raise BadRequest("connection closed inside a chunk")
                chunks.append(chunk)
                self.rfile.readline(65537)  # CRLF after the chunk
        length = self.headers.get("content-length")
        if length is None:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise BadRequest("bad Content-Length")
        if n < 0 or n > MAX_BODY_BYTES:
            raise BadRequest("bad Content-Length")
        body = self.rfile.read(n)
        if len(body) != n:
            raise BadRequest("connection closed inside the body")
        return body

    def _handle(self) -> None:
        started = time.monotonic()
        gw = self.server.gateway
        raw_path, _, raw_query = self.path.partition("?")
        raw_query = raw_query.partition("#")[0]
        self._date_skew = 0.0  # the Date header follows a /skew route's clock
        try:
            body = self._read_body()
        except BadRequest as exc:
            self.close_connection = True
            resp = json_response(400, {"message": f"Bad request: {exc}"}, "BadRequestException", str(exc))
        else:
            req = Request(gw, self.command, raw_path, raw_query, self.headers, body, sock=self.connection)
            try:
                if self.server.other_origin:
                    # The redirect target: record what arrived (secret values never kept), echo.
                    gw.record_other_origin(req)
                    resp = echo(req, {"mode": "other-origin"})
                elif not raw_path.startswith("/"):
                    resp = not_found("request target is not an absolute path")
                else:
                    if raw_path.split("/")[1] != "_admin":
                        gw.count_request()
                    resp = dispatch(req, raw_path)
            except DropConnection:
                self._reset_connection()
                self._log_line(Response(0, reason="connection reset"), started)
                return
            except Exception as exc:  # a gateway bug: say so loudly, keep serving
                traceback.print_exc(file=sys.stderr)
                resp = json_response(500, {"message": "Internal server error", "gateway_error": repr(exc)},
                                     "InternalServerErrorException", "gateway bug")
            self._date_skew = req.skew
        self._send(resp)
        self._log_line(resp, started)

    def _reset_connection(self) -> None:
        """Close with SO_LINGER 0: the client sees a reset, not an answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _send(self, resp: Response) -> None:
        self.send_response(resp.status)
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in resp.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(resp.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body)

    def _log_line(self, resp: Response, started: float) -> None:
        # Path and query only: never the values of authorization / x-api-key / x-amz-security-token.
        took = (time.monotonic() - started) * 1000
        sent = sorted(h.lower() for h in self.headers.keys() if h.lower() in SECRET_HEADERS)
        extra = f" ({resp.reason})" if resp.reason else ""
        sys.stderr.write(f"{time.strftime('%H:%M:%S')} {self.command} {self.path} -> {resp.status}{extra}"
                         f" {took:.1f}ms credentials-in:{','.join(sent) or '-'}\n")
        sys.stderr.flush()

    def version_string(self) -> str:
        return self.server_version

    # BaseHTTPRequestHandler would log every request line itself; we log once, above.
    def log_request(self, code="-", size="-") -> None:
        pass

    def log_message(self, format, *args) -> None:
        sys.stderr.write(f"{time.strftime('%H:%M:%S')} {self.address_string()} {format % args}\n")
        sys.stderr.flush()

    def date_time_string(self, timestamp=None) -> str:
        # The Date header follows the gateway's (possibly skewed) clock.
        if timestamp is None:
            timestamp = self.server.gateway.now() + getattr(self, "_date_skew", 0.0)
        return email.utils.formatdate(timestamp, usegmt=True)


for _method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
    setattr(Handler, f"do_{_method}", Handler._handle)


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True  # a stuck keep-alive connection never blocks shutdown
    request_queue_size = 256  # bursts of concurrent connects from the Rust tests
    allow_reuse_address = True

    def __init__(self, address, gateway: Gateway, other_origin: bool = False):
        self.gateway = gateway
        self.other_origin = other_origin  # the second listener: the redirect target
        super().__init__(address, Handler)


def write_port_file(path: str, port: int) -> None:
    """Atomically: readers see no file, or the whole port number."""
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 = any free port")
    parser.add_argument("--port-file", help="write the port number here once listening")
    parser.add_argument("--api-key", action="append", metavar="KEY",
                        help=f"accepted x-api-key (repeatable; default: {', '.join(DEFAULT_API_KEYS)})")
    parser.add_argument("--credentials", action="append", metavar="AKID:SECRET",
                        help="SigV4 credentials the gateway knows (repeatable; default: moto's and a static pair)")
    parser.add_argument("--moto-url", default=os.environ.get("AMPLIFY_REST_TEST_MOTO"),
                        help="moto server URL, for user pool JWKS (default: $AMPLIFY_REST_TEST_MOTO)")
    parser.add_argument("--clock-skew-seconds", type=float, default=0.0,
                        help="shift the gateway's clock (SigV4 time check, JWT exp, Date header)")
    args = parser.parse_args(argv)

    gateway = Gateway(args)
    server = GatewayServer(("127.0.0.1", args.port), gateway)
    port = server.server_address[1]
    # A second port on loopback is another origin: /redirect points there.
    other = GatewayServer(("127.0.0.1", 0), gateway, other_origin=True)
    gateway.other_port = other.server_address[1]
    threading.Thread(target=other.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.port_file:
        write_port_file(args.port_file, port)
    print(f"gateway listening on 127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
