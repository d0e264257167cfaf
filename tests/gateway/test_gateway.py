"""Tests of the stand-in API Gateway (gateway.py) itself.

Each check is tested both ways: what a correct client sends passes, and what a
broken client sends is refused, so removing or loosening a check fails a test.
The clients here are botocore's own SigV4 signer, moto's Cognito and PyJWT.

Run with the project's venv:  .venv/bin/python -m pytest -q tests/gateway
moto: uses $AMPLIFY_REST_TEST_MOTO when set (scripts/test.sh sets it), else starts one.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

import jwt
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from cryptography.hazmat.primitives.asymmetric import rsa

HERE = Path(__file__).resolve().parent
GATEWAY = HERE / "gateway.py"

API_KEY = "fixture-api-key-0123456789"
OTHER_API_KEY = "example-api-key-0123456789"
MOTO_AKID, MOTO_SECRET, MOTO_TOKEN = "TESTACCESSKEY12345", "ABCSECRETKEY", "ABC12345"
STATIC_AKID, STATIC_SECRET = "AKIDEXAMPLESTATIC", "static-secret-key-for-tests"
REGION = "us-east-1"


# --------------------------------------------------------------------------- servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http_ok(url: str, proc: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {proc.returncode}\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer 200 within {timeout}s\n{log.read_text()[-3000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def logdir():
    with tempfile.TemporaryDirectory(prefix="gateway-tests-") as d:
        yield Path(d)


@pytest.fixture(scope="session")
def moto_url(logdir):
    url = os.environ.get("AMPLIFY_REST_TEST_MOTO")
    if url:
        yield url.rstrip("/")
        return
    port = _free_port()
    log = logdir / "moto.log"
    moto_server = Path(sys.executable).parent / "moto_server"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_http_ok(f"http://127.0.0.1:{port}/moto-api/", proc, 30, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)


class Gw:
    """A running gateway subprocess."""

    def __init__(self, proc, port, log):
        self.proc, self.port, self.log = proc, port, log
        self.host = f"127.0.0.1:{port}"
        self.url = f"http://{self.host}"


@pytest.fixture(scope="session")
def start_gateway(logdir, moto_url):
    started = []

    def start(*extra: str) -> Gw:
        n = len(started)
        port_file = logdir / f"gw{n}.port"
        log = logdir / f"gw{n}.log"
        with open(log, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, str(GATEWAY), "--port", "0", "--port-file", str(port_file), "--moto-url", moto_url, *extra],
                stdout=subprocess.PIPE, stderr=err, text=True)
        started.append(proc)
        line = proc.stdout.readline()  # printed once listening
        assert line.startswith("gateway listening on 127.0.0.1:"), (line, log.read_text())
        port = int(port_file.read_text())
        assert line.strip() == f"gateway listening on 127.0.0.1:{port}"
        return Gw(proc, port, log)

    yield start
    for proc in started:
        _stop(proc)


@pytest.fixture(scope="session")
def gw(start_gateway) -> Gw:
    return start_gateway()


# --------------------------------------------------------------------------- HTTP on the wire


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    @property
    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} {self.body[:600]!r}>"


def send(gw: Gw, method: str, target: str, headers=(), body: bytes | None = None, conn=None) -> Answer:
    """Send exactly `target` (path?query, already encoded) with exactly these headers."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    try:
        hdrs = dict(headers) if not isinstance(headers, dict) else headers
        conn.request(method, target, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        if own:
            conn.close()


def enc_path(*segments: str) -> str:
    """Each segment percent-encoded on its own (so '/' inside a segment becomes %2F)."""
    return "/" + "/".join(urllib.parse.quote(s, safe="") for s in segments)


def freeze(when: datetime.datetime):
    """Make botocore's SigV4Auth.add_auth believe it is `when` (naive UTC)."""
    return mock.patch("botocore.auth.get_current_datetime", lambda *a, **k: when)


def sigv4(gw: Gw, method: str, path: str, params=None, headers=None, body: bytes = b"",
          akid=MOTO_AKID, secret=MOTO_SECRET, token=None, region=REGION, service="execute-api",
          when: datetime.datetime | None = None, sign_path: str | None = None):
    """Sign with botocore's own SigV4Auth; returns (wire target, headers).

    `path` is the encoded wire path; `params` a list of decoded (key, value) pairs,
    which botocore encodes canonically for the signature and urlencodes for the wire
    (spaces as '+'). `sign_path` signs a different path than the one sent.
    """
    url = f"http://{gw.host}{sign_path if sign_path is not None else path}"
    req = AWSRequest(method=method, url=url, data=body, params=list(params or []), headers=dict(headers or {}))
    signer = SigV4Auth(Credentials(akid, secret, token), service, region)
    if when is None:
        signer.add_auth(req)
    else:
        with freeze(when):
            signer.add_auth(req)
    query = urllib.parse.urlsplit(req.prepare().url).query
    target = path + ("?" + query if query else "")
    out = {"Host": gw.host}
    out.update({k: v for k, v in req.headers.items()})
    return target, out


def iam_path(*segments: str, region=REGION) -> str:
    return f"/iam/{region}" + enc_path(*segments)


def assert_invalid_signature(ans: Answer):
    assert ans.status == 403, ans
    assert ans.header("x-amzn-errortype") == "InvalidSignatureException", ans
    return ans.json


# --------------------------------------------------------------------------- routing, echo, plumbing


def test_unknown_route_is_404(gw):
    ans = send(gw, "GET", "/nowhere/pets")
    assert ans.status == 404
    assert ans.header("x-amzn-errortype") == "NotFoundException"
    assert ans.body == b'{"message":"Not Found"}'
    assert send(gw, "GET", "/iam").status == 404  # the region is missing


def test_echo_shape(gw):
    body = "héllo".encode()
    ans = send(gw, "POST", "/none/pets/a%20b?x=1&x=2&y=a+b;c&flag&%C3%A9=%E2%9C%93",
               [("Content-Type", "text/plain"), ("X-Trace", "abc")], body)
    assert ans.status == 200, ans
    assert ans.header("content-type") == "application/json"
    e = ans.json
    assert e["method"] == "POST"
    assert e["route"] == "none"
    assert e["raw_path"] == "/none/pets/a%20b"
    assert e["path"] == "/pets/a%20b"
    assert e["raw_query"] == "x=1&x=2&y=a+b;c&flag&%C3%A9=%E2%9C%93"
    assert e["query"] == [["x", "1"], ["x", "2"], ["y", "a b;c"], ["flag", ""], ["é", "✓"]]
    assert e["headers"]["x-trace"] == "abc"
    assert e["headers"]["content-type"] == "text/plain"
    assert e["body"] == "héllo"
    assert base64.b64decode(e["body_base64"]) == body
    assert e["auth"] == {"mode": "none"}


def test_echo_binary_body_and_repeated_headers(gw):
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    conn.putrequest("PUT", "/none/blob")
    conn.putheader("X-Multi", "one")
    conn.putheader("X-Multi", "two")
    body = bytes(range(256))
    conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    resp = conn.getresponse()
    e = json.loads(resp.read())
    conn.close()
    assert e["headers"]["x-multi"] == "one, two"
    assert e["body"] is None
    assert base64.b64decode(e["body_base64"]) == body


def test_path_prefix_root(gw):
    assert send(gw, "GET", "/none").json["path"] == "/"
    assert send(gw, "GET", "/none/").json["path"] == "/"


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_all_methods(gw, method):
    ans = send(gw, method, "/none/m")
    assert ans.status == 200 and ans.json["method"] == method


def test_head_same_checks_no_body(gw):
    ok = send(gw, "HEAD", "/apikey/x", [("x-api-key", API_KEY)])
    assert ok.status == 200 and ok.body == b""
    assert int(ok.header("content-length")) > 0
    assert ok.header("content-type") == "application/json"
    denied = send(gw, "HEAD", "/apikey/x")
    assert denied.status == 403 and denied.body == b""
    assert denied.header("x-amzn-errortype") == "ForbiddenException"


def test_chunked_body(gw):
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    conn.request("POST", "/none/chunks", body=iter([b"abc", b"", b"defg", b"\x00\xff"]),
                 headers={"Transfer-Encoding": "chunked"}, encode_chunked=True)
    e = json.loads(conn.getresponse().read())
    conn.close()
    assert base64.b64decode(e["body_base64"]) == b"abcdefg\x00\xff"


def test_keep_alive_many_requests_one_connection(gw):
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    conn.connect()
    sock = conn.sock
    for i in range(20):
        ans = send(gw, "POST", f"/none/k/{i}", body=b"x" * i, conn=conn)
        assert ans.status == 200 and ans.json["path"] == f"/k/{i}"
        assert conn.sock is sock  # the same TCP connection all along
    conn.close()


def test_concurrency(gw):
    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=20)
        try:
            return [send(gw, "GET", f"/none/c/{n}/{i}", conn=conn).status for i in range(10)]
        finally:
            conn.close()

    with ThreadPoolExecutor(64) as pool:
        statuses = [s for batch in pool.map(worker, range(64)) for s in batch]
    assert statuses == [200] * 640


def test_stats_and_reset(start_gateway):
    g = start_gateway()
    send(g, "GET", "/none/a")
    send(g, "GET", "/none/b")
    send(g, "GET", "/apikey/c")
    send(g, "GET", "/apikey/c", [("x-api-key", API_KEY)])
    send(g, "GET", "/nowhere")
    stats = send(g, "GET", "/_admin/stats").json
    assert stats["total"] == 5
    assert stats["routes"] == {"none": 2, "apikey": 2}
    assert stats["statuses"]["apikey"] == {"403": 1, "200": 1}
    assert send(g, "POST", "/_admin/reset").status == 200
    assert send(g, "GET", "/_admin/stats").json == {"total": 0, "routes": {}, "statuses": {}}


def test_log_has_no_secrets(start_gateway, oidc_token_factory):
    g = start_gateway()
    send(g, "GET", "/apikey/x", [("x-api-key", API_KEY)])
    target, headers = sigv4(g, "GET", iam_path("p"), token="SESSION-TOKEN-SECRET-VALUE")
    assert send(g, "GET", target, headers).status == 200
    tok = oidc_token_factory(g)
    send(g, "GET", "/oidc/x", [("authorization", tok)])
    time.sleep(0.2)
    log = g.log.read_text()
    assert "/apikey/x" in log and "/iam/" in log and "/oidc/x" in log
    for secret in (API_KEY, "SESSION-TOKEN-SECRET-VALUE", tok, headers["Authorization"], "Signature="):
        assert secret not in log


def test_env_gateway_answers():
    """The gateway scripts/test.sh started for the Rust tests (skipped when run on its own)."""
    url = os.environ.get("AMPLIFY_REST_TEST_GATEWAY")
    if not url:
        pytest.skip("AMPLIFY_REST_TEST_GATEWAY not set")
    ans = requests.get(f"{url}/none/ping", timeout=5)
    assert ans.status_code == 200 and ans.json()["path"] == "/ping"


# --------------------------------------------------------------------------- API key


@pytest.mark.parametrize("key", [API_KEY, OTHER_API_KEY])
def test_apikey_ok(gw, key):
    ans = send(gw, "GET", "/apikey/pets", [("x-api-key", key)])
    assert ans.status == 200, ans
    assert ans.json["auth"]["mode"] == "apikey"
    assert ans.json["path"] == "/pets"


@pytest.mark.parametrize("headers", [[], [("x-api-key", "wrong-key")], [("x-api-key", API_KEY + "x")], [("x-api-key", "")]])
def test_apikey_refused(gw, headers):
    ans = send(gw, "GET", "/apikey/pets", headers)
    assert ans.status == 403
    assert ans.header("x-amzn-errortype") == "ForbiddenException"
    assert ans.body == b'{"message":"Forbidden"}'


def test_apikey_custom_keys(start_gateway):
    g = start_gateway("--api-key", "only-this-key")
    assert send(g, "GET", "/apikey/x", [("x-api-key", "only-this-key")]).status == 200
    assert send(g, "GET", "/apikey/x", [("x-api-key", API_KEY)]).status == 403


# --------------------------------------------------------------------------- IAM (SigV4)

TRICKY_SEGMENTS = ["pets", "a b", "ünïcødé ✓", "x/y%2Fz", "semi;colon", "plus+sign", "tilde~dash-dot.under_", "%41", "(paren)*!'"]
TRICKY_PARAMS = [
    ("q", "a b  c"), ("plus", "1+1=2"), ("semi", "a;b"), ("uni", "ünï ✓"), ("rep", "2"), ("rep", "1"), ("rep", "10"),
    ("empty", ""), ("sp ace", "v"), ("tilde", "~x-y_z.w"), ("z", "é"), ("z", "z"), ("a:", "1"), ("a0", "2"),
    ("amp", "a&b"), ("eq", "a=b"), ("pct", "100%"), ("slash", "a/b"),
]


@pytest.mark.parametrize("token", [None, MOTO_TOKEN], ids=["no-session-token", "session-token"])
def test_iam_simple_get(gw, token):
    target, headers = sigv4(gw, "GET", iam_path("pets", "7"), params=[("full", "1")], token=token)
    ans = send(gw, "GET", target, headers)
    assert ans.status == 200, ans
    e = ans.json
    assert e["path"] == "/pets/7"
    assert e["query"] == [["full", "1"]]
    auth = e["auth"]
    assert auth["mode"] == "iam"
    assert auth["access_key_id"] == MOTO_AKID
    assert auth["region"] == REGION
    assert auth["session_token_present"] is (token is not None)
    assert auth["session_token"] == token
    if token:
        assert "x-amz-security-token" in auth["signed_headers"]


def test_iam_static_credentials_and_other_region(gw):
    target, headers = sigv4(gw, "GET", iam_path("x", region="eu-west-3"), akid=STATIC_AKID, secret=STATIC_SECRET,
                            region="eu-west-3")
    ans = send(gw, "GET", target, headers)
    assert ans.status == 200, ans
    assert ans.json["auth"]["access_key_id"] == STATIC_AKID


@pytest.mark.parametrize("token", [None, MOTO_TOKEN], ids=["no-session-token", "session-token"])
def test_iam_encoding_corner_cases(gw, token):
    path = iam_path(*TRICKY_SEGMENTS)
    target, headers = sigv4(gw, "POST", path, params=TRICKY_PARAMS, token=token,
                            headers={"Content-Type": "application/json", "X-Custom": "  spaced   out  "},
                            body=json.dumps({"ü": "✓"}).encode())
    ans = send(gw, "POST", target, headers, json.dumps({"ü": "✓"}).encode())
    assert ans.status == 200, ans
    e = ans.json
    assert e["raw_path"] == path
    assert [urllib.parse.unquote(s) for s in e["path"].split("/")[1:]] == TRICKY_SEGMENTS
    assert e["query"] == [list(p) for p in TRICKY_PARAMS]


def test_iam_query_wire_spelling_does_not_matter(gw):
    """botocore puts spaces on the wire as '+'; %20 means the same and must verify the same."""
    params = [("q", "a b"), ("p", "x+y")]
    target, headers = sigv4(gw, "GET", iam_path("q"), params=params)
    assert "q=a+b" in target and "p=x%2By" in target
    assert send(gw, "GET", target, headers).status == 200
    respelled = target.replace("q=a+b", "q=a%20b")
    assert send(gw, "GET", respelled, headers).status == 200
    # ... but a literal '+' where the client signed %2B is a different value:
    tampered = target.replace("p=x%2By", "p=x+y")
    assert_invalid_signature(send(gw, "GET", tampered, headers))


def test_iam_raw_query_signed_by_botocore_url_form(gw):
    """botocore signing a URL whose query is already canonical (no params): same answer."""
    target = iam_path("r") + "?b=2&a=%20%2B%C3%A9&a=1&c="
    _, headers = sigv4(gw, "GET", iam_path("r"), sign_path=target)
    ans = send(gw, "GET", target, headers)
    assert ans.status == 200, ans
    assert ans.json["query"] == [["b", "2"], ["a", " +é"], ["a", "1"], ["c", ""]]


def test_iam_unencoded_sub_delims_in_path(gw):
    """reqwest/url leave : @ ! $ & ' ( ) * + , ; = unencoded in paths; both sides re-encode them."""
    path = f"/iam/{REGION}/a:b@c!$&'()*+,;=d"
    target, headers = sigv4(gw, "GET", path)
    assert send(gw, "GET", target, headers).status == 200


def test_iam_dot_segments_and_double_slashes(gw):
    # remove_dot_segments + empty-segment removal, on both sides (AWS suite: get-slashes, get-relative).
    for path in (f"/iam/{REGION}/a/./b/../c", f"/iam/{REGION}//pets//7/"):
        target, headers = sigv4(gw, "GET", path)
        ans = send(gw, "GET", target, headers)
        assert ans.status == 200, (path, ans)


def test_iam_double_encoding_is_required(gw):
    """A signature over the singly-encoded path (what S3 wants) is refused: execute-api double-encodes."""
    path = iam_path("a b", "c%d")
    # Give botocore the decoded path: its one quote() then yields the single encoding.
    _, headers = sigv4(gw, "GET", path, sign_path=f"/iam/{REGION}/a b/c%d")
    body = assert_invalid_signature(send(gw, "GET", path, headers))
    assert f"/iam/{REGION}/a%2520b/c%2525d" in body["canonical_request"].split("\n")[1]


@pytest.mark.parametrize("body", [b"", bytes(range(256)) * 4, b"\xff\xfe\x00binary", "ü".encode()], ids=["empty", "bytes", "binary", "utf8"])
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_iam_bodies(gw, method, body):
    headers = {"Content-Type": "application/octet-stream"} if body else {}
    target, headers = sigv4(gw, method, iam_path("blob"), body=body, headers=headers, token=MOTO_TOKEN)
    ans = send(gw, method, target, headers, body)
    assert ans.status == 200, ans
    assert base64.b64decode(ans.json["body_base64"]) == body


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "DELETE"])
def test_iam_bodyless_methods(gw, method):
    target, headers = sigv4(gw, method, iam_path("m"))
    assert send(gw, method, target, headers).status == 200


def test_iam_chunked_body(gw):
    body = b"chunk-one|chunk-two"
    target, headers = sigv4(gw, "POST", iam_path("c"), body=body)
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    conn.request("POST", target, body=iter([body[:9], body[9:]]), headers={**headers, "Transfer-Encoding": "chunked"},
                 encode_chunked=True)
    resp = conn.getresponse()
    status = resp.status
    resp.read()
    conn.close()
    assert status == 200


# tampering: each case changes one thing after signing


def _signed_post(gw, token=MOTO_TOKEN):
    body = b'{"name":"rex"}'
    target, headers = sigv4(gw, "POST", iam_path("pets", "7"), params=[("a", "1")], body=body, token=token,
                            headers={"Content-Type": "application/json", "X-Trace": "abc"})
    return target, headers, body


def test_iam_untampered_control(gw):
    target, headers, body = _signed_post(gw)
    assert send(gw, "POST", target, headers, body).status == 200


def test_iam_tampered_body(gw):
    target, headers, body = _signed_post(gw)
    e = assert_invalid_signature(send(gw, "POST", target, headers, body.replace(b"rex", b"rax")))
    assert e["canonical_request"].startswith(f"POST\n/iam/{REGION}/pets/7\na=1\n")
    assert e["string_to_sign"].startswith("AWS4-HMAC-SHA256\n")
    assert "The Canonical String for this request should have been" in e["message"]


def test_iam_tampered_path(gw):
    target, headers, body = _signed_post(gw)
    e = assert_invalid_signature(send(gw, "POST", target.replace("/pets/7", "/pets/8"), headers, body))
    assert f"\n/iam/{REGION}/pets/8\n" in e["canonical_request"]


def test_iam_tampered_query(gw):
    target, headers, body = _signed_post(gw)
    e = assert_invalid_signature(send(gw, "POST", target.replace("a=1", "a=2"), headers, body))
    assert "\na=2\n" in e["canonical_request"]
    assert_invalid_signature(send(gw, "POST", target + "&extra=1", headers, body))


def test_iam_tampered_signed_header(gw):
    target, headers, body = _signed_post(gw)
    e = assert_invalid_signature(send(gw, "POST", target, {**headers, "X-Trace": "abd"}, body))
    assert "\nx-trace:abd\n" in e["canonical_request"]
    e = assert_invalid_signature(send(gw, "POST", target, {**headers, "X-Amz-Security-Token": "ABC12346"}, body))
    assert "x-amz-security-token:ABC12346" in e["canonical_request"]


def test_iam_tampered_method_and_signature(gw):
    target, headers, body = _signed_post(gw)
    assert_invalid_signature(send(gw, "PUT", target, headers, body))
    auth = headers["Authorization"]
    flipped = auth[:-1] + ("0" if auth[-1] != "0" else "1")
    assert_invalid_signature(send(gw, "POST", target, {**headers, "Authorization": flipped}, body))


def test_iam_unsigned_header_may_change(gw):
    target, headers, body = _signed_post(gw)
    assert send(gw, "POST", target, {**headers, "X-Not-Signed": "anything"}, body).status == 200


def test_iam_wrong_secret(gw):
    target, headers = sigv4(gw, "GET", iam_path("x"), secret="not-the-secret")
    e = assert_invalid_signature(send(gw, "GET", target, headers))
    assert "canonical_request" in e


def test_iam_unknown_access_key(gw):
    target, headers = sigv4(gw, "GET", iam_path("x"), akid="AKIDUNKNOWN")
    ans = send(gw, "GET", target, headers)
    assert ans.status == 403
    assert ans.header("x-amzn-errortype") == "UnrecognizedClientException"


def test_iam_wrong_scope(gw):
    # (The signature would not match either; these checks answer first, with AWS's own words.)
    target, headers = sigv4(gw, "GET", iam_path("x"), region="us-west-2")
    message = assert_invalid_signature(send(gw, "GET", target, headers))["message"]
    assert message.startswith("Credential should be scoped to a valid region"), message
    target, headers = sigv4(gw, "GET", iam_path("x"), service="s3")
    message = assert_invalid_signature(send(gw, "GET", target, headers))["message"]
    assert message.startswith("Credential should be scoped to correct service: 'execute-api'"), message


def test_iam_missing_or_garbled_authorization(gw):
    ans = send(gw, "GET", iam_path("x"))
    assert ans.status == 403
    assert ans.json == {"message": "Missing Authentication Token"}
    assert ans.header("x-amzn-errortype") == "MissingAuthenticationTokenException"
    for garbled in ("Bearer abc", "AWS4-HMAC-SHA256 nonsense", "AWS4-HMAC-SHA256 Credential=a/b, Signature=00"):
        ans = send(gw, "GET", iam_path("x"), [("Authorization", garbled), ("X-Amz-Date", "20250101T000000Z")])
        assert ans.status == 403, garbled
        assert ans.json == {"message": "Missing Authentication Token"}


def test_iam_session_token_must_be_signed(gw):
    target, headers = sigv4(gw, "GET", iam_path("x"))  # signed without a token
    ans = send(gw, "GET", target, {**headers, "X-Amz-Security-Token": MOTO_TOKEN})
    assert ans.status == 403 and "x-amz-security-token" in ans.json["message"]


def test_iam_content_sha256_must_match_body(gw):
    body = b"real body"
    target, headers = sigv4(gw, "POST", iam_path("x"), body=body,
                            headers={"X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()})
    assert send(gw, "POST", target, headers, body).status == 200
    assert send(gw, "POST", target, headers, b"other body").status == 403


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def test_iam_signing_time_window(gw):
    minute = datetime.timedelta(minutes=1)
    for offset, ok in ((-4, True), (4, True), (-6, False), (6, False), (-60, False)):
        target, headers = sigv4(gw, "GET", iam_path("t"), when=_utcnow() + offset * minute)
        ans = send(gw, "GET", target, headers)
        if ok:
            assert ans.status == 200, (offset, ans)
        else:
            e = assert_invalid_signature(ans)
            assert e["message"].startswith("Signature expired" if offset < 0 else "Signature not yet current"), e


def test_iam_gateway_clock_skew(start_gateway):
    g = start_gateway("--clock-skew-seconds", "3600")
    target, headers = sigv4(g, "GET", iam_path("t"))
    assert assert_invalid_signature(send(g, "GET", target, headers))["message"].startswith("Signature expired")
    target, headers = sigv4(g, "GET", iam_path("t"), when=_utcnow() + datetime.timedelta(hours=1))
    ans = send(g, "GET", target, headers)
    assert ans.status == 200, ans
    date = datetime.datetime.strptime(ans.header("date"), "%a, %d %b %Y %H:%M:%S GMT")
    assert abs((date - _utcnow()).total_seconds() - 3600) < 60  # the Date header follows the skewed clock


def test_iam_custom_credentials(start_gateway):
    g = start_gateway("--credentials", "AKIDCUSTOM:custom-secret")
    target, headers = sigv4(g, "GET", iam_path("x"), akid="AKIDCUSTOM", secret="custom-secret")
    assert send(g, "GET", target, headers).status == 200
    target, headers = sigv4(g, "GET", iam_path("x"))  # defaults are replaced
    assert send(g, "GET", target, headers).header("x-amzn-errortype") == "UnrecognizedClientException"


# --------------------------------------------------------------------------- Cognito user pools (moto)


def cognito(moto_url, target, payload, service="AWSCognitoIdentityProviderService"):
    resp = requests.post(moto_url + "/", data=json.dumps(payload), timeout=10, headers={
        "content-type": "application/x-amz-json-1.1", "x-amz-target": f"{service}.{target}"})
    assert resp.status_code == 200, (target, resp.status_code, resp.text[:500])
    return resp.json()


def make_pool(moto_url):
    pool_id = cognito(moto_url, "CreateUserPool", {"PoolName": f"gw-tests-{uuid.uuid4().hex[:8]}"})["UserPool"]["Id"]
    clients = [
        cognito(moto_url, "CreateUserPoolClient", {
            "UserPoolId": pool_id, "ClientName": f"c{i}",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        })["UserPoolClient"]["ClientId"]
        for i in range(2)
    ]
    return pool_id, clients


@pytest.fixture(scope="module")
def pool(moto_url):
    pool_id, (client_id, other_client) = make_pool(moto_url)
    cognito(moto_url, "AdminCreateUser", {"UserPoolId": pool_id, "Username": "alice", "MessageAction": "SUPPRESS",
                                          "TemporaryPassword": "Temp-Passw0rd!"})
    cognito(moto_url, "AdminSetUserPassword", {"UserPoolId": pool_id, "Username": "alice",
                                               "Password": "Correct-Horse-1!", "Permanent": True})
    result = cognito(moto_url, "InitiateAuth", {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
                                                "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Correct-Horse-1!"}})
    tokens = result["AuthenticationResult"]
    return {"pool_id": pool_id, "client_id": client_id, "other_client": other_client,
            "access": tokens["AccessToken"], "id": tokens["IdToken"]}


def cup_path(pool, client=None, rest="/profile"):
    return f"/cup/{pool['pool_id']}/{client or pool['client_id']}{rest}"


@pytest.mark.parametrize("kind", ["access", "id"])
def test_cup_tokens_accepted(gw, pool, kind):
    ans = send(gw, "GET", cup_path(pool) + "?x=1", [("authorization", pool[kind])])
    assert ans.status == 200, ans
    auth = ans.json["auth"]
    assert auth["mode"] == "cup"
    assert auth["token_use"] == kind
    assert auth["username"] == "alice"
    assert auth["client_id"] == pool["client_id"]
    assert auth["sub"]
    assert ans.json["path"] == "/profile"


def test_cup_missing_token(gw, pool):
    ans = send(gw, "GET", cup_path(pool))
    assert ans.status == 401
    assert ans.header("x-amzn-errortype") == "UnauthorizedException"
    assert ans.json == {"message": "Unauthorized"}


def _flip(s: str, index: int) -> str:
    return s[:index] + ("A" if s[index] != "A" else "B") + s[index + 1:]


@pytest.mark.parametrize("kind", ["access", "id"])
def test_cup_tampered_token(gw, pool, kind):
    token = pool[kind]
    header, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["username"] = claims["cognito:username"] = "mallory"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    for bad in (f"{header}.{forged_payload}.{sig}", f"{header}.{payload}.{_flip(sig, 10)}", token[:-5], "not-a-jwt"):
        ans = send(gw, "GET", cup_path(pool), [("authorization", bad)])
        assert ans.status == 401, ans
        assert ans.header("x-amzn-errortype") == "UnauthorizedException"
        assert ans.json["message"].startswith("Unauthorized")


@pytest.mark.parametrize("kind", ["access", "id"])
def test_cup_wrong_client_in_route(gw, pool, kind):
    ans = send(gw, "GET", cup_path(pool, client=pool["other_client"]), [("authorization", pool[kind])])
    assert ans.status == 401, ans
    assert "client" in ans.json["message"]


def test_cup_token_of_another_pool(gw, pool, moto_url):
    # moto signs every pool's tokens with the same key: only the issuer check tells pools apart.
    other_pool, (other_client, _) = make_pool(moto_url)
    ans = send(gw, "GET", f"/cup/{other_pool}/{pool['client_id']}/x", [("authorization", pool["access"])])
    assert ans.status == 401 and "issuer" in ans.json["message"], ans


def test_cup_bearer_prefix_refused(gw, pool):
    ans = send(gw, "GET", cup_path(pool), [("authorization", "Bearer " + pool["access"])])
    assert ans.status == 401 and "Bearer" in ans.json["message"], ans


def test_cup_forged_with_other_key(gw, pool):
    claims = jwt.decode(pool["access"], options={"verify_signature": False})
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})
    ans = send(gw, "GET", cup_path(pool), [("authorization", forged)])
    assert ans.status == 401 and "signature" in ans.json["message"], ans


def _moto_signing_key():
    """moto signs user-pool tokens with a key shipped in its package: lets a test mint tokens the
    gateway must judge on their claims alone (the signature being right)."""
    import gzip

    import moto

    res = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"
    with gzip.open(res) as f:
        return jwt.PyJWK(json.load(f)).key


def test_cup_claim_rules_with_valid_signature(gw, pool):
    key = _moto_signing_key()
    base = jwt.decode(pool["access"], options={"verify_signature": False})

    def resign(**changes):
        claims = {**base, **changes}
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})

    assert send(gw, "GET", cup_path(pool), [("authorization", resign())]).status == 200  # control
    for changes, word in (({"token_use": "refresh"}, "token_use"), ({"token_use": None}, "token_use"),
                          ({"client_id": "someone-else"}, "client"), ({"exp": int(time.time()) - 5}, "expired"),
                          ({"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other"}, "issuer")):
        ans = send(gw, "GET", cup_path(pool), [("authorization", resign(**changes))])
        assert ans.status == 401 and word in ans.json["message"], (changes, ans)


def test_cup_expired_token(start_gateway, pool):
    g = start_gateway("--clock-skew-seconds", "7200")  # moto's tokens live 3600 s
    ans = send(g, "GET", cup_path(pool), [("authorization", pool["access"])])
    assert ans.status == 401
    assert ans.header("x-amzn-errortype") == "UnauthorizedException"
    assert ans.json == {"message": "The incoming token has expired"}


# --------------------------------------------------------------------------- OIDC


@pytest.fixture(scope="session")
def oidc_token_factory():
    def mint(g: Gw, **spec) -> str:
        ans = send(g, "POST", "/_admin/oidc-token", [("content-type", "application/json")], json.dumps(spec).encode())
        assert ans.status == 200, ans
        return ans.json["token"]

    return mint


def test_oidc_minted_token_ok(gw, oidc_token_factory):
    token = oidc_token_factory(gw, sub="partner-42", expires_in=600)
    ans = send(gw, "GET", "/oidc/partners/1", [("authorization", token)])
    assert ans.status == 200, ans
    assert ans.json["auth"]["mode"] == "oidc"
    assert ans.json["auth"]["sub"] == "partner-42"
    assert ans.json["path"] == "/partners/1"


def test_oidc_token_verifies_against_published_jwks(gw, oidc_token_factory):
    token = oidc_token_factory(gw)
    jwks = jwt.PyJWKSet.from_dict(send(gw, "GET", "/_admin/oidc-jwks").json)
    claims = jwt.decode(token, jwks.keys[0].key, algorithms=["RS256"], audience="amplify-rest-tests",
                        issuer="https://oidc.test.local")
    assert claims["sub"] == "oidc-user"


def test_oidc_expired(gw, oidc_token_factory):
    token = oidc_token_factory(gw, sub="late", expires_in=-60)
    ans = send(gw, "GET", "/oidc/x", [("authorization", token)])
    assert ans.status == 401
    assert ans.json == {"message": "The incoming token has expired"}


def test_oidc_missing(gw):
    ans = send(gw, "GET", "/oidc/x")
    assert ans.status == 401 and ans.json == {"message": "Unauthorized"}
    assert ans.header("x-amzn-errortype") == "UnauthorizedException"


def test_oidc_other_key(gw):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    token = jwt.encode({"iss": "https://oidc.test.local", "aud": "amplify-rest-tests", "sub": "evil",
                        "iat": now, "exp": now + 600}, key, algorithm="RS256", headers={"kid": "amplify-rest-test-oidc"})
    ans = send(gw, "GET", "/oidc/x", [("authorization", token)])
    assert ans.status == 401 and "signature" in ans.json["message"], ans


def test_oidc_wrong_audience_or_issuer(gw, oidc_token_factory):
    for spec, word in (({"aud": "someone-else"}, "audience"), ({"iss": "https://evil.example"}, "issuer")):
        ans = send(gw, "GET", "/oidc/x", [("authorization", oidc_token_factory(gw, **spec))])
        assert ans.status == 401 and word in ans.json["message"], ans


def test_oidc_tampered(gw, oidc_token_factory):
    token = oidc_token_factory(gw)
    header, payload, sig = token.split(".")
    ans = send(gw, "GET", "/oidc/x", [("authorization", f"{header}.{payload}.{_flip(sig, 5)}")])
    assert ans.status == 401


# --------------------------------------------------------------------------- fault routes


def _key() -> str:
    return uuid.uuid4().hex[:12]


def hits(gw: Gw, key: str) -> list[dict]:
    ans = send(gw, "GET", f"/_admin/hits/{key}")
    assert ans.status == 200, ans
    assert ans.json["count"] == len(ans.json["hits"])
    return ans.json["hits"]


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_fail_n_times_then_succeed(gw, status):
    key = _key()
    for _ in range(2):
        ans = send(gw, "GET", f"/fail/{key}/2/{status}/none/pets")
        assert ans.status == status, ans
        assert ans.header("x-amzn-errortype").endswith("Exception"), ans
    ans = send(gw, "GET", f"/fail/{key}/2/{status}/none/pets")
    assert ans.status == 200, ans
    assert ans.json["path"] == "/pets"
    assert [h["status"] for h in hits(gw, key)] == [status, status, 200]
    assert hits(gw, _key()) == []  # keys are independent


def test_fail_keeps_the_inner_checks(gw):
    key = _key()
    # A bad signature is refused even while the failure budget lasts: every attempt is checked.
    target, headers = sigv4(gw, "GET", f"/fail/{key}/1/503" + iam_path("x"), secret="wrong")
    assert_invalid_signature(send(gw, "GET", target, headers))
    target, headers = sigv4(gw, "GET", f"/fail/{key}/1/503" + iam_path("x"), token=MOTO_TOKEN)
    assert send(gw, "GET", target, headers).status == 200  # the budget was spent by the refused hit
    recorded = hits(gw, key)
    assert [h["status"] for h in recorded] == [403, 200]
    assert recorded[1]["signature"] and recorded[1]["secret_headers"] == ["authorization", "x-amz-security-token"]
    assert "authorization" not in recorded[1]["headers"]  # secret values are never kept
    assert MOTO_TOKEN not in json.dumps(recorded)


def test_throttle_sends_retry_after(gw):
    key = _key()
    date = urllib.parse.quote("Wed, 21 Oct 2015 07:28:00 GMT", safe="")
    ans = send(gw, "GET", f"/throttle/{key}/1/{date}/none/x")
    assert ans.status == 429 and ans.header("retry-after") == "Wed, 21 Oct 2015 07:28:00 GMT", ans
    assert ans.header("x-amzn-errortype") == "TooManyRequestsException"
    assert send(gw, "GET", f"/throttle/{key}/1/{date}/none/x").status == 200
    key = _key()
    assert send(gw, "GET", f"/throttle/{key}/1/2/none/x").header("retry-after") == "2"


def test_reset_drops_the_connection(gw):
    key = _key()
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        send(gw, "POST", f"/reset/{key}/1/none/x", body=b"abc")
    ans = send(gw, "POST", f"/reset/{key}/1/none/x", body=b"abc")
    assert ans.status == 200, ans
    assert [h["status"] for h in hits(gw, key)] == ["reset", 200]
    assert {h["body_sha256"] for h in hits(gw, key)} == {hashlib.sha256(b"abc").hexdigest()}


def test_slow_answers_late_and_notices_a_client_that_leaves(gw):
    key = _key()
    started = time.monotonic()
    assert send(gw, "GET", f"/slow/{key}/200/none/x").status == 200
    assert time.monotonic() - started >= 0.2
    key = _key()
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=0.05)
    conn.request("GET", f"/slow/{key}/3000/none/x")
    with pytest.raises(TimeoutError):
        conn.getresponse()
    conn.close()
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and hits(gw, key)[0].get("status") != "client-gone":
        time.sleep(0.02)
    assert hits(gw, key)[0]["status"] == "client-gone"


def test_skew_shifts_the_clock_for_one_request(gw):
    key = _key()
    target, headers = sigv4(gw, "GET", f"/skew/{key}/3600" + iam_path("t"))
    ans = send(gw, "GET", target, headers)
    assert assert_invalid_signature(ans)["message"].startswith("Signature expired")
    date = datetime.datetime.strptime(ans.header("date"), "%a, %d %b %Y %H:%M:%S GMT")
    assert abs((date - _utcnow()).total_seconds() - 3600) < 60
    target, headers = sigv4(gw, "GET", f"/skew/{key}/-3600" + iam_path("t"))
    assert assert_invalid_signature(send(gw, "GET", target, headers))["message"].startswith("Signature not yet current")
    target, headers = sigv4(gw, "GET", f"/skew/{key}/3600" + iam_path("t"), when=_utcnow() + datetime.timedelta(hours=1))
    assert send(gw, "GET", target, headers).status == 200
    # Other requests keep the real clock.
    ans = send(gw, "GET", "/none/t")
    date = datetime.datetime.strptime(ans.header("date"), "%a, %d %b %Y %H:%M:%S GMT")
    assert abs((date - _utcnow()).total_seconds()) < 60


def test_redirect_points_at_the_other_origin_which_records(gw):
    key = _key()
    ans = send(gw, "GET", f"/redirect/{key}/307/landing/{key}?a=1", headers={"x-api-key": "secret-value"})
    assert ans.status == 307, ans
    port = send(gw, "GET", "/_admin/health").json["redirect_port"]
    assert port and port != gw.port
    assert ans.header("location") == f"http://127.0.0.1:{port}/landing/{key}?a=1"
    follow = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    follow.request("GET", f"/landing/{key}?a=1", headers={"x-api-key": "secret-value", "x-plain": "p"})
    resp = follow.getresponse()
    assert resp.status == 200 and json.loads(resp.read())["auth"]["mode"] == "other-origin"
    follow.close()
    arrived = [r for r in send(gw, "GET", "/_admin/other-origin").json["requests"] if key in r["raw_path"]]
    assert len(arrived) == 1
    assert arrived[0]["secret_headers"] == ["x-api-key"] and arrived[0]["headers"]["x-plain"] == "p"
    assert "secret-value" not in json.dumps(arrived)


def test_redirect_here_stays_on_this_port(gw):
    key = _key()
    ans = send(gw, "POST", f"/redirect-here/{key}/308/none/moved?x=1", body=b"b")
    assert ans.status == 308, ans
    assert ans.header("location") == f"http://127.0.0.1:{gw.port}/none/moved?x=1"
    assert [h["status"] for h in hits(gw, key)] == [308]
