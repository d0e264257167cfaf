#!/usr/bin/env python3
"""Known-answer vectors for amplify-rest's Cognito SRP module (runtime/src/cognito/srp.rs).

The signatures come from pycognito's own code (pycognito.aws_srp.AWSSRP.process_challenge with a
fixed private `a` and a fixed TIMESTAMP), pinned to **pycognito==2024.5.1**. Every one of them is
also recomputed by the small reference implementation of shared/COGNITO.md below, and the
script stops if the two disagree, so the vectors say "COGNITO.md and pycognito agree here".
SECRET_HASH vectors are computed with hmac/hashlib directly; TIMESTAMP vectors with datetime and
strftime (C locale) and checked against pycognito's formatter; SECRET_BLOCK decoding vectors with
the lenient rule of COGNITO.md. The few inputs on which pycognito and COGNITO.md part ways are kept
in "divergent_vectors", with the answer of each (the Rust module follows COGNITO.md).

Run (from the repository root):

    python3 -m venv /tmp/srpvenv
    /tmp/srpvenv/bin/pip install pycognito==2024.5.1
    /tmp/srpvenv/bin/python tests/tools/gen_srp_vectors.py           # rewrites the file
    /tmp/srpvenv/bin/python tests/tools/gen_srp_vectors.py --check   # exit 1 if it would change

The output (default runtime/tests/data/srp_vectors.json, or --out PATH) is deterministic: every
random choice comes from a seeded random.Random. No network is used (pycognito is given a dummy
boto3 client).
"""

import argparse
import base64
import binascii
import datetime
import hashlib
import hmac
import importlib.metadata
import json
import locale
import random
import sys
from pathlib import Path

PYCOGNITO_VERSION = "2024.5.1"

from pycognito import aws_srp  # noqa: E402
from pycognito.aws_srp import AWSSRP  # noqa: E402

N = aws_srp.hex_to_long(aws_srp.N_HEX)
G = aws_srp.hex_to_long(aws_srp.G_HEX)
SEED = 20250902
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "runtime" / "tests" / "data" / "srp_vectors.json"


# ---------------------------------------------------------------------------------------------
# The reference implementation of COGNITO.md (integer semantics, lenient SECRET_BLOCK decode).
# ---------------------------------------------------------------------------------------------

def pad(n: int) -> bytes:
    """Big-endian bytes of n, minimal (zero is one 00 byte), with a 00 in front if the top bit is set."""
    raw = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def h(*parts: bytes) -> bytes:
    return hashlib.sha256(b"".join(parts)).digest()


def lenient_b64decode(s: str) -> bytes:
    t = s.replace("-", "+").replace("_", "/").rstrip("=")
    if len(t) % 4 == 1:
        raise binascii.Error("impossible length")
    return base64.b64decode(t + "=" * (-len(t) % 4), validate=True)


def spec_claim(pool_id, user_id, password, a, salt_hex, srp_b_hex, secret_block, timestamp):
    pool_name = pool_id.split("_")[1]
    big_a = pow(G, a, N)
    b = int(srp_b_hex, 16)
    assert b % N != 0
    salt = int(salt_hex, 16)
    k = int.from_bytes(h(pad(N), pad(G)), "big")
    u = int.from_bytes(h(pad(big_a), pad(b)), "big")
    assert u != 0
    x = int.from_bytes(h(pad(salt), h(f"{pool_name}{user_id}:{password}".encode())), "big")
    s = pow((b - k * pow(G, x, N)) % N, a + u * x, N)
    prk = hmac.new(pad(u), pad(s), hashlib.sha256).digest()
    key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
    msg = pool_name.encode() + user_id.encode() + lenient_b64decode(secret_block) + timestamp.encode()
    sig = base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()
    intermediates = {
        "k_hex": f"{k:x}",
        "u_hex": f"{u:x}",
        "x_hex": f"{x:x}",
        "s_hex": f"{s:x}",
        "key_hex": key.hex(),
    }
    return f"{big_a:x}", sig, intermediates, {"A": big_a, "B": b, "salt": salt, "u": u, "S": s}


# ---------------------------------------------------------------------------------------------
# pycognito, driven as authenticate_user drives it, with a fixed a and TIMESTAMP.
# ---------------------------------------------------------------------------------------------

class _NoClient:
    """Stands in for the boto3 client: the vectors never talk to Cognito."""


def pycognito_claim(pool_id, user_id, password, a, salt_hex, srp_b_hex, secret_block, timestamp):
    aws = AWSSRP(username=user_id, password=password, pool_id=pool_id, client_id="unused", client=_NoClient())
    aws.small_a_value = a
    aws.large_a_value = aws.calculate_a()
    aws.get_cognito_formatted_timestamp = lambda _now: timestamp
    challenge = {
        "USERNAME": user_id,
        "USER_ID_FOR_SRP": user_id,
        "SALT": salt_hex,
        "SRP_B": srp_b_hex,
        "SECRET_BLOCK": secret_block,
    }
    response = aws.process_challenge(challenge, {"USERNAME": user_id})
    assert response["TIMESTAMP"] == timestamp
    hkdf = aws.get_password_authentication_key(user_id, password, aws_srp.hex_to_long(srp_b_hex), salt_hex)
    return aws.get_auth_params()["SRP_A"], response["PASSWORD_CLAIM_SIGNATURE"], hkdf.hex()


def props(v):
    """What a vector exercises, from its big numbers."""
    def top(n):
        return pad(n)[0] == 0 and n != 0

    def length(n):
        return len(n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big"))

    return {
        "a_top_bit": top(v["A"]),
        "a_hex_odd_length": len(f"{v['A']:x}") % 2 == 1,
        "b_top_bit": top(v["B"]),
        "b_at_least_n": v["B"] >= N,
        "salt_top_bit": top(v["salt"]),
        "u_top_bit": top(v["u"]),
        "u_bytes": length(v["u"]),
        "s_top_bit": top(v["S"]),
        "s_bytes": length(v["S"]),
    }


# ---------------------------------------------------------------------------------------------
# The vectors.
# ---------------------------------------------------------------------------------------------

def utc_ts(unix_secs: int) -> str:
    dt = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=unix_secs)
    return AWSSRP.get_cognito_formatted_timestamp(dt)


def rand_salt(rng, kind):
    if kind == "top":  # 16 bytes, top bit set: pad() adds 00
        return f"{rng.randrange(8 << 124, 1 << 128):032x}"
    if kind == "clear":  # 16 bytes, top bit clear, no leading zero nibble
        return f"{rng.randrange(1 << 124, 8 << 124):032x}"
    if kind == "odd":  # what BigInteger.toString(16) gives for a salt whose first nibble is 0
        return f"{rng.randrange(1 << 120, 1 << 124):x}"
    if kind == "short":
        return f"{rng.randrange(1 << 40, 1 << 48):x}"
    raise ValueError(kind)


def rand_b(rng, kind):
    if kind == "top":
        return f"{rng.randrange(1 << 3071, N):x}"
    if kind == "clear":
        return f"{rng.randrange(1 << 3064, 1 << 3071):x}"
    if kind == "short_odd":  # 2001 bits: 501 hex digits
        return f"{rng.randrange(1 << 2000, 1 << 2001):x}"
    if kind == "at_least_n":  # N <= B < 2^3072: u hashes B as sent, S reduces it
        return f"{rng.randrange(N + 1, 1 << 3072):x}"
    if kind == "upper":
        return f"{rng.randrange(1 << 3071, N):X}"
    raise ValueError(kind)


def rand_block(rng, n):
    return base64.b64encode(rng.randbytes(n)).decode()


CASES = [
    # name, pool id, user id for SRP, password, salt kind, B kind, SECRET_BLOCK bytes, unix time, wanted props
    ("baseline", "us-east-1_AbCdEfGhI", "6b1f3c2e-8a4d-4f7e-9b21-0c5d8e7f6a13", "Password1!", "clear", "top",
     1148, 1756796709, {"a_top_bit": True, "u_top_bit": True, "s_top_bit": True}),
    ("salt_top_bit_b_clear", "eu-west-2_Zx9Yw8Vu7", "alice", "correct horse battery staple", "top", "clear",
     1147, 1709164800, {"a_top_bit": False, "u_top_bit": False, "s_top_bit": False}),
    ("odd_salt_short_b", "ap-southeast-2_0123abcd", "bob@example.com", "p:ss:word", "odd", "short_odd",
     1146, 951782400, {}),
    ("a_hex_odd_length", "us-gov-west-1_QqRrSsTt", "9f86d081-884c-7d65-9a2f-eaa0c55ad015", "Pässwörd€2024", "top",
     "top", 1, 1234567890, {"a_hex_odd_length": True}),
    ("u_leading_zero_byte", "cn-north-1_KlMnOpQrS", "carol", "密码🔐安全", "clear", "top",
     2, 4102444799, {"u_bytes": 31}),
    ("s_leading_zero_byte", "me-central-1_a1B2c3D4e", "Ünïcødé-üser", "ñandú-Ω≈ç√", "top", "top",
     3, 1582934400, {"s_bytes": 383}),
    ("b_at_least_n", "sa-east-1_Pp7Qq8Rr9", "dave", "hunter2", "clear", "at_least_n",
     100, 0, {}),
    ("b_uppercase_hex", "ca-central-1_UuVvWwXxY", "用户名", "😀😃😄", "short", "upper",
     1500, 1000000000, {"u_top_bit": True, "s_top_bit": False}),
    ("salt_clear_u_clear_s_top", "eu-central-1_TtGgHhJjK", "erin+tag@example.org", "Pa55-w0rd_∑", "clear", "clear",
     48, 1330473600, {"u_top_bit": False, "s_top_bit": True}),
    ("empty_secret_block", "us-west-2_LlMmNnOoP", "frank", "x", "top", "top",
     0, 1709251199, {}),
]


def make_vectors(rng):
    vectors = []
    for name, pool_id, user_id, password, salt_kind, b_kind, block_len, unix, want in CASES:
        timestamp = utc_ts(unix)
        for _attempt in range(100_000):
            a = rng.getrandbits(1024)
            salt_hex = rand_salt(rng, salt_kind)
            srp_b_hex = rand_b(rng, b_kind)
            srp_a_hex, sig, inter, big = spec_claim(pool_id, user_id, password, a, salt_hex, srp_b_hex, "", timestamp)
            p = props(big)
            if all(p[key] == value for key, value in want.items()):
                break
        else:
            raise SystemExit(f"{name}: no inputs found with {want}")
        secret_block = rand_block(rng, block_len)
        srp_a_hex, sig, inter, big = spec_claim(pool_id, user_id, password, a, salt_hex, srp_b_hex, secret_block,
                                                timestamp)
        py_a, py_sig, py_key = pycognito_claim(pool_id, user_id, password, a, salt_hex, srp_b_hex, secret_block,
                                               timestamp)
        assert (py_a, py_sig, py_key) == (srp_a_hex, sig, inter["key_hex"]), f"{name}: pycognito disagrees"
        vectors.append({
            "name": name,
            "covers": props(big),
            "input": {
                "pool_id": pool_id,
                "user_id_for_srp": user_id,
                "password": password,
                "a_hex": f"{a:0256x}",
                "salt_hex": salt_hex,
                "srp_b_hex": srp_b_hex,
                "secret_block": secret_block,
                "timestamp": timestamp,
            },
            "output": {"srp_a_hex": srp_a_hex, "password_claim_signature": sig},
            "intermediate": inter,
        })
    # Everything COGNITO.md cares about is exercised somewhere.
    covered = [v["covers"] for v in vectors]
    for key in ("a_top_bit", "b_top_bit", "salt_top_bit", "u_top_bit", "s_top_bit", "a_hex_odd_length",
                "b_at_least_n"):
        assert {c[key] for c in covered} >= ({True} if key in ("a_hex_odd_length", "b_at_least_n") else {True, False}), key
    assert any(c["u_bytes"] < 32 for c in covered) and any(c["s_bytes"] < 384 for c in covered)
    return vectors


def make_divergent(rng):
    """Inputs where pycognito and COGNITO.md differ; the expected answer is COGNITO.md's."""
    out = []
    pool_id, user_id, password = "us-east-1_DivErGeNt", "grace", "Divergent#1"
    timestamp = utc_ts(1756796709)
    a = rng.getrandbits(1024)
    b_hex = rand_b(rng, "top")
    std_block = rand_block(rng, 64)

    # 1. A salt sent with a redundant leading 00 byte: pycognito pads the hex string as sent (keeps the 00),
    #    COGNITO.md / Amplify JS and Android parse it as a number first (drop it).
    salt_hex = "00" + f"{rng.randrange(1 << 116, 1 << 119):030x}"
    srp_a, sig, _, _ = spec_claim(pool_id, user_id, password, a, salt_hex, b_hex, std_block, timestamp)
    _, py_sig, _ = pycognito_claim(pool_id, user_id, password, a, salt_hex, b_hex, std_block, timestamp)
    assert py_sig != sig
    out.append({
        "name": "salt_with_redundant_leading_zero_byte",
        "why": "pycognito pads SALT as a string and keeps a leading 00 byte; COGNITO.md pads the number",
        "input": dict(pool_id=pool_id, user_id_for_srp=user_id, password=password, a_hex=f"{a:0256x}",
                      salt_hex=salt_hex, srp_b_hex=b_hex, secret_block=std_block, timestamp=timestamp),
        "output": {"srp_a_hex": srp_a, "password_claim_signature": sig},
        "pycognito": {"password_claim_signature": py_sig},
    })

    # 2. A UUID-like SECRET_BLOCK (what moto sends): pycognito's standard_b64decode silently drops the '-'
    #    (24 bytes), COGNITO.md maps '-' to '+' (27 bytes).
    salt_hex = rand_salt(rng, "clear")
    uuid_block = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
    srp_a, sig, _, _ = spec_claim(pool_id, user_id, password, a, salt_hex, b_hex, uuid_block, timestamp)
    _, py_sig, _ = pycognito_claim(pool_id, user_id, password, a, salt_hex, b_hex, uuid_block, timestamp)
    assert py_sig != sig
    out.append({
        "name": "uuid_like_secret_block",
        "why": "pycognito drops '-' from SECRET_BLOCK; COGNITO.md maps it to '+'",
        "input": dict(pool_id=pool_id, user_id_for_srp=user_id, password=password, a_hex=f"{a:0256x}",
                      salt_hex=salt_hex, srp_b_hex=b_hex, secret_block=uuid_block, timestamp=timestamp),
        "output": {"srp_a_hex": srp_a, "password_claim_signature": sig},
        "pycognito": {"password_claim_signature": py_sig},
    })

    # 3. A URL-safe, unpadded SECRET_BLOCK: pycognito raises binascii.Error ("Incorrect padding").
    raw = rng.randbytes(61)
    while b"-" not in base64.urlsafe_b64encode(raw) and b"_" not in base64.urlsafe_b64encode(raw):
        raw = rng.randbytes(61)
    url_block = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    srp_a, sig, _, _ = spec_claim(pool_id, user_id, password, a, salt_hex, b_hex, url_block, timestamp)
    try:
        pycognito_claim(pool_id, user_id, password, a, salt_hex, b_hex, url_block, timestamp)
        py_result = "no error"
    except binascii.Error as e:
        py_result = f"binascii.Error: {e}"
    assert py_result != "no error"
    out.append({
        "name": "url_safe_unpadded_secret_block",
        "why": "pycognito cannot decode SECRET_BLOCK without its '=' padding",
        "input": dict(pool_id=pool_id, user_id_for_srp=user_id, password=password, a_hex=f"{a:0256x}",
                      salt_hex=salt_hex, srp_b_hex=b_hex, secret_block=url_block, timestamp=timestamp),
        "output": {"srp_a_hex": srp_a, "password_claim_signature": sig},
        "pycognito": {"error": py_result},
    })
    return out


def make_secret_hash():
    cases = [
        ("alice", "1example23456789abcdefghij", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNO"),
        ("bob@example.com", "4n5rdu1f5nlm6pdiu3kfa2m1qf", "1q2w3e4r5t6y7u8i9o0p1a2s3d4f5g6h7j8k9l0z1x2c3v4b5n6"),
        ("Ünïcødé-üser", "7abc8def9ghi0jkl1mno2pqr3s", "s3cr3t"),
        ("用户名", "clientid", "秘密のキー"),
        ("", "emptyusername0000000000000", "secret"),
        ("key-exactly-64", "client", "k" * 64),
        ("key-longer-than-block", "client", "K" * 65),
        ("very-long-secret", "client", "0123456789" * 20),
    ]
    out = []
    for username, client_id, secret in cases:
        digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
        value = base64.b64encode(digest).decode()
        assert value == AWSSRP.get_secret_hash(username, client_id, secret)
        out.append({"username": username, "app_client_id": client_id, "app_client_secret": secret,
                    "secret_hash": value})
    return out


def make_timestamps(rng):
    locale.setlocale(locale.LC_TIME, "C")
    epoch = datetime.datetime(1970, 1, 1)
    fixed = [
        0,                                                          # Thu Jan 1 00:00:00 UTC 1970
        -1,                                                         # before the epoch
        1756796709,                                                 # the example in COGNITO.md
        951782400,                                                  # 2000-02-29, century leap day
        1709164800,                                                 # 2024-02-29
        1709251199,                                                 # 2024-02-29 23:59:59
        int((datetime.datetime(2100, 2, 28, 23, 59, 59) - epoch).total_seconds()),  # 2100 is no leap year
        int((datetime.datetime(2100, 3, 1) - epoch).total_seconds()),
        1234567890,
        2147483647,                                                 # i32 overflow second
        2147483648,
        253402300799,                                               # 9999-12-31 23:59:59
        int((datetime.datetime(1, 1, 1) - epoch).total_seconds()),  # year 1
        int((datetime.datetime(1900, 3, 1) - epoch).total_seconds()),
        int((datetime.datetime(1600, 2, 29, 12) - epoch).total_seconds()),
    ]
    fixed += [rng.randrange(0, 4102444800) for _ in range(30)]
    out = []
    for unix in fixed:
        dt = epoch + datetime.timedelta(seconds=unix)
        value = dt.strftime("%a %b %-d %H:%M:%S UTC %Y")
        assert value == AWSSRP.get_cognito_formatted_timestamp(dt), (unix, value)
        out.append({"unix_secs": unix, "timestamp": value})
    return out


def make_secret_block_decoding():
    ok = [
        "YWJj", "YWI=", "YWI", "YQ==", "YQ=", "YQ", "", "-_-_", "+/+/", "YW-_YQ", "YWJ", "YWJ=",
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        base64.b64encode(bytes(range(256))).decode(),
        base64.urlsafe_b64encode(bytes(range(255, -1, -1))).decode().rstrip("="),
    ]
    bad = ["Y", "YWJjZ", "YW!j", "YW Jj", "Y=Jj", "YWJj\n", "€uro"]
    out = {"valid": [], "invalid": bad}
    for s in ok:
        try:
            py = base64.standard_b64decode(s).hex()
        except binascii.Error as e:
            py = f"error: {e}"
        out["valid"].append({"secret_block": s, "bytes_hex": lenient_b64decode(s).hex(), "pycognito": py})
    for s in bad:
        try:
            lenient_b64decode(s)
        except (binascii.Error, ValueError):
            continue
        raise SystemExit(f"{s!r} was meant to be invalid")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is not what this script writes")
    args = parser.parse_args()

    found = importlib.metadata.version("pycognito")
    if found != PYCOGNITO_VERSION:
        raise SystemExit(f"pycognito {PYCOGNITO_VERSION} is required, found {found}")

    rng = random.Random(SEED)
    doc = {
        "about": "Cognito SRP known-answer vectors; generated by tests/tools/gen_srp_vectors.py, do not edit",
        "pycognito_version": PYCOGNITO_VERSION,
        "vectors": make_vectors(rng),
        "divergent_vectors": make_divergent(rng),
        "secret_hash": make_secret_hash(),
        "timestamps": make_timestamps(rng),
        "secret_block_decoding": make_secret_block_decoding(),
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if args.check:
        if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
            print(f"{args.out} is out of date", file=sys.stderr)
            sys.exit(1)
        print(f"{args.out} is up to date")
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {len(doc['vectors'])} vectors, {len(doc['divergent_vectors'])} divergent, "
          f"{len(doc['secret_hash'])} SECRET_HASH, {len(doc['timestamps'])} TIMESTAMP to {args.out}")


if __name__ == "__main__":
    main()
