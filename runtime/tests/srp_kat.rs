//! Known-answer tests of the Cognito SRP module against pycognito.
//!
//! The vectors in `data/srp_vectors.json` come from `tests/tools/gen_srp_vectors.py` (pycognito
//! 2024.5.1, Python's hmac/hashlib and datetime); see that script for how to regenerate them.

use amplify_rest::cognito::srp::{SrpClient, SrpError, decode_secret_block, format_timestamp, secret_hash};
use serde_json::Value;

const VECTORS: &str = include_str!("data/srp_vectors.json");

/// N of RFC 5054's 3072-bit group, as Cognito sends hex.
const N_HEX: &str = concat!(
    "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404dd",
    "ef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed",
    "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f",
    "83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b",
    "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa0510",
    "15728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7",
    "abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200c",
    "bbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff",
);
/// 2 * N in hex.
const TWO_N_HEX: &str = concat!(
    "1ffffffffffffffff921fb54442d18469898cc51701b839a252049c1114cf98e804177d4c76273644a29410f31c6809b",
    "bdf2a33679a748636605614dbe4be286e9fc26adadaa3848bc90b6aecc4bcfd8de89885d34c6fdad617feb96de80d6fd",
    "bdc70d7f6b5133f4b5d3e4822f8963fcc9250cca3d9c8b67b8400f97142c77e0b31b4906c38aba734d22c7f51fa499eb",
    "f06caba47b9475b2c38c5e6ac410aa5773daa520ee12d2cdace186a9c95793009e2e8d811943042f86520bc8c5c6d9c7",
    "7c73cee58301d0c07364f0745d80f451f6b8abbe0de98a593bc5797ed2ab02e30732a92f9d52ad5ca2ba44c3131f40a2",
    "02ae51cb51555885b5a662e1a08a0f46750aa4357be3974c9d9f70a08b1b7de1515d4e2aeba0c18fb672e1f0b4dc3c98",
    "f57eb5d19b61267ae3d1929c0944ac33b9dc7a44c35a5dcd7e25ff40db31410c9b0ec04e67d90d4c8a43e56302ef6401",
    "977c22eaef4c2bad8ee13118175b28dc411c49f40e9cb566287b6b7f9c1fa211c9705a2415275a595fffffffffffffff",
    "e",
);

fn doc() -> Value {
    serde_json::from_str(VECTORS).expect("srp_vectors.json is JSON")
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} is a string"))
}

fn bytes_of_hex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

fn check_claim(v: &Value) {
    let name = str_of(v, "name");
    let input = &v["input"];
    let output = &v["output"];
    let client = SrpClient::with_private_a(&bytes_of_hex(str_of(input, "a_hex"))).expect("valid a");
    assert_eq!(client.srp_a_hex(), str_of(output, "srp_a_hex"), "{name}: SRP_A");
    let signature = client
        .password_claim(
            str_of(input, "pool_id"),
            str_of(input, "user_id_for_srp"),
            str_of(input, "password"),
            str_of(input, "salt_hex"),
            str_of(input, "srp_b_hex"),
            str_of(input, "secret_block"),
            str_of(input, "timestamp"),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        signature,
        str_of(output, "password_claim_signature"),
        "{name}: PASSWORD_CLAIM_SIGNATURE"
    );
}

#[test]
fn password_claims_match_pycognito() {
    let doc = doc();
    let vectors = doc["vectors"].as_array().expect("vectors");
    assert!(vectors.len() >= 8);
    for v in vectors {
        check_claim(v);
    }
}

/// Where pycognito and COGNITO.md part ways (a salt with a redundant 00 byte, UUID-like or
/// URL-safe SECRET_BLOCKs), we give COGNITO.md's answer, not pycognito's.
#[test]
fn divergent_inputs_follow_cognito_md() {
    let doc = doc();
    let vectors = doc["divergent_vectors"].as_array().expect("divergent_vectors");
    assert_eq!(vectors.len(), 3);
    for v in vectors {
        check_claim(v);
        if let Some(theirs) = v["pycognito"]["password_claim_signature"].as_str() {
            assert_ne!(theirs, str_of(&v["output"], "password_claim_signature"));
        }
    }
}

#[test]
fn secret_hashes_match_python_hmac() {
    let doc = doc();
    let cases = doc["secret_hash"].as_array().expect("secret_hash");
    assert!(cases.len() >= 5);
    for c in cases {
        assert_eq!(
            secret_hash(
                str_of(c, "username"),
                str_of(c, "app_client_id"),
                str_of(c, "app_client_secret"),
            ),
            str_of(c, "secret_hash"),
            "username {:?}",
            str_of(c, "username"),
        );
    }
}

#[test]
fn timestamps_match_python_strftime() {
    let doc = doc();
    let cases = doc["timestamps"].as_array().expect("timestamps");
    assert!(cases.len() >= 10);
    for c in cases {
        let unix = c["unix_secs"].as_i64().expect("unix_secs");
        assert_eq!(format_timestamp(unix), str_of(c, "timestamp"), "unix {unix}");
    }
}

#[test]
fn timestamps_of_extreme_times_do_not_panic() {
    for unix in [i64::MIN, i64::MIN + 1, -1, i64::MAX - 1, i64::MAX] {
        assert!(format_timestamp(unix).contains(" UTC "));
    }
}

#[test]
fn secret_blocks_decode_leniently() {
    let doc = doc();
    let cases = &doc["secret_block_decoding"];
    for c in cases["valid"].as_array().expect("valid") {
        let block = str_of(c, "secret_block");
        let bytes = decode_secret_block(block).unwrap_or_else(|e| panic!("{block:?}: {e}"));
        assert_eq!(bytes, bytes_of_hex(str_of(c, "bytes_hex")), "{block:?}");
    }
    for c in cases["invalid"].as_array().expect("invalid") {
        let block = c.as_str().expect("string");
        assert_eq!(
            decode_secret_block(block),
            Err(SrpError::InvalidSecretBlock),
            "{block:?}"
        );
    }
}

/// The first vector with its SRP_B, SALT or SECRET_BLOCK replaced.
fn claim_with(srp_b_hex: &str, salt_hex: &str, secret_block: &str) -> Result<String, SrpError> {
    let doc = doc();
    let input = &doc["vectors"][0]["input"];
    let client = SrpClient::with_private_a(&bytes_of_hex(str_of(input, "a_hex"))).expect("valid a");
    client.password_claim(
        str_of(input, "pool_id"),
        str_of(input, "user_id_for_srp"),
        str_of(input, "password"),
        salt_hex,
        srp_b_hex,
        secret_block,
        str_of(input, "timestamp"),
    )
}

fn first_input(key: &str) -> String {
    str_of(&doc()["vectors"][0]["input"], key).to_owned()
}

#[test]
fn srp_b_that_is_zero_modulo_n_is_refused() {
    let (salt, block) = (first_input("salt_hex"), first_input("secret_block"));
    let n_upper = N_HEX.to_uppercase();
    let zero_padded_n = format!("0000{N_HEX}");
    for b in ["0", "00", &zero_padded_n, N_HEX, &n_upper, TWO_N_HEX] {
        assert_eq!(
            claim_with(b, &salt, &block),
            Err(SrpError::InvalidServerPublicValue),
            "B = {}...",
            &b[..b.len().min(8)]
        );
    }
    // B = N - 15 is fine (and B >= N is in the vectors): only multiples of N are refused.
    let n_minus_15 = format!("{}0", &N_HEX[..N_HEX.len() - 1]);
    assert!(claim_with(&n_minus_15, &salt, &block).is_ok());
}

#[test]
fn bad_hex_is_refused() {
    let (b, salt, block) = (
        first_input("srp_b_hex"),
        first_input("salt_hex"),
        first_input("secret_block"),
    );
    for bad in ["", "xyz", "12 34", "+1234", "12_34", "0x1234", "１２", "-1"] {
        assert_eq!(
            claim_with(bad, &salt, &block),
            Err(SrpError::InvalidHex { parameter: "SRP_B" }),
            "SRP_B {bad:?}"
        );
        assert_eq!(
            claim_with(&b, bad, &block),
            Err(SrpError::InvalidHex { parameter: "SALT" }),
            "SALT {bad:?}"
        );
    }
}

#[test]
fn bad_secret_block_is_refused() {
    let (b, salt) = (first_input("srp_b_hex"), first_input("salt_hex"));
    assert_eq!(
        claim_with(&b, &salt, "not base64!"),
        Err(SrpError::InvalidSecretBlock)
    );
}

#[test]
fn bad_pool_id_is_refused() {
    let client = SrpClient::with_private_a(&[7; 128]).expect("valid a");
    for pool_id in ["us-east-1", "us-east-1_", ""] {
        assert_eq!(
            client.password_claim(pool_id, "user", "pw", "ab", "1234", "", "ts"),
            Err(SrpError::InvalidUserPoolId),
            "{pool_id:?}"
        );
    }
}

#[test]
fn trivial_private_values_are_refused() {
    for a in [&[][..], &[0u8; 128][..]] {
        assert_eq!(
            SrpClient::with_private_a(a).map(|_| ()),
            Err(SrpError::InvalidPrivateValue)
        );
    }
}

#[test]
fn random_clients_differ_and_give_a_sane_srp_a() {
    let one = SrpClient::new().expect("OS randomness");
    let two = SrpClient::new().expect("OS randomness");
    assert_ne!(one.srp_a_hex(), two.srp_a_hex());
    let a = one.srp_a_hex();
    assert!(a.len() > 700 && a.len() <= 768, "{}", a.len());
    assert!(!a.starts_with('0'));
    assert!(
        a.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
}

#[test]
fn debug_does_not_show_a() {
    let a = [0x5au8; 128];
    let client = SrpClient::with_private_a(&a).expect("valid a");
    let shown = format!("{client:?} {client:#?}");
    assert!(shown.contains("redacted"), "{shown}");
    let a_hex: String = a.iter().map(|b| format!("{b:02x}")).collect();
    assert!(!shown.contains(&a_hex[..16]), "{shown}");
    assert!(!shown.contains("5a5a5a5a"), "{shown}");
    assert!(!shown.contains("90, 90, 90"), "{shown}");
}

#[test]
fn error_messages_hold_no_values() {
    let errors = [
        SrpError::InvalidHex { parameter: "SRP_B" },
        SrpError::InvalidServerPublicValue,
        SrpError::ZeroScramblingParameter,
        SrpError::InvalidSecretBlock,
        SrpError::InvalidUserPoolId,
        SrpError::InvalidPrivateValue,
        SrpError::RandomUnavailable,
    ];
    for e in errors {
        let message = e.to_string();
        assert!(!message.is_empty() && !message.contains('\n'), "{message}");
        let _: &dyn std::error::Error = &e;
    }
}
