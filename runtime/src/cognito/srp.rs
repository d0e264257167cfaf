//! The SRP-6a arithmetic of Cognito's `USER_SRP_AUTH` sign-in, as the Amplify libraries do it.
//!
//! The group is the 3072-bit one of RFC 5054 with g = 2 and H = SHA-256. Big numbers are hashed
//! "padded": big-endian, minimal, with a `00` byte in front when the top bit is set. Values that
//! Cognito sends as hex (`SALT`, `SRP_B`) are read as numbers first, so a redundant leading zero
//! byte in them is dropped before padding, as Amplify JS and Android do.
//!
//! ```
//! use amplify_rest::cognito::srp::{SrpClient, format_timestamp};
//!
//! let client = SrpClient::new()?;
//! let srp_a = client.srp_a_hex(); // goes to InitiateAuth as AuthParameters.SRP_A
//! # let (salt, srp_b, secret_block) = ("2b1e", "1f2e3d4c5b6a", "c2VjcmV0");
//! // ... InitiateAuth answers PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP.
//! let timestamp = format_timestamp(1_756_796_709);
//! let signature = client.password_claim(
//!     "us-east-1_AbCdEfGhI", "user-id-for-srp", "Password1!", salt, srp_b, secret_block, &timestamp,
//! )?;
//! assert_eq!(timestamp, "Tue Sep 2 07:05:09 UTC 2025");
//! # let _ = (srp_a, signature);
//! # Ok::<(), amplify_rest::cognito::srp::SrpError>(())
//! ```
//!
//! Secrets (`a`, x, the verifier g^x, the exponent and S, the derived key) are wiped when dropped,
//! as far as num-bigint lets us: the temporaries inside its `modpow` are not.

use std::fmt;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac as _};
use num_bigint::BigUint;
use num_traits::{One as _, Zero as _};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// N of the 3072-bit group of RFC 5054 (appendix A), the one Cognito uses.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
/// N as bytes, decoded at compile time (a typo in `N_HEX` fails the build, not a sign-in).
const N_BYTES: [u8; 384] = hex_array(N_HEX);
/// The generator g.
const G: u32 = 2;
/// How many random bytes make the private value `a`.
const PRIVATE_LEN: usize = 128;
/// HKDF's info (Cognito's constant) followed by the counter byte 0x01 of the first block.
const HKDF_INFO: &[u8] = b"Caldera Derived Key\x01";
/// SHA-256's block size: HMAC keys are zero-padded (or hashed) to it.
const HMAC_BLOCK: usize = 64;

static BIG_N: LazyLock<BigUint> = LazyLock::new(|| BigUint::from_bytes_be(&N_BYTES));
static BIG_G: LazyLock<BigUint> = LazyLock::new(|| BigUint::from(G));
/// k = H(pad(N) || pad(g)).
static BIG_K: LazyLock<BigUint> =
    LazyLock::new(|| BigUint::from_bytes_be(&sha256(&[&pad(&BIG_N), &pad(&BIG_G)])));

/// Lenient base64 for `SECRET_BLOCK`: `=` padding optional, stray low bits in the last symbol allowed
/// (Python's decoder allows them too); `-` and `_` are mapped before decoding.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// What can go wrong in the SRP arithmetic. The messages name the parameter, never its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SrpError {
    /// A challenge parameter that must be hexadecimal is empty or has a character that is not a hex digit.
    InvalidHex {
        /// The challenge parameter: `"SALT"` or `"SRP_B"`.
        parameter: &'static str,
    },
    /// `SRP_B` is zero modulo N, which would let the server fix the session key.
    InvalidServerPublicValue,
    /// u = H(pad(A) || pad(B)) is zero, which SRP forbids.
    ZeroScramblingParameter,
    /// `SECRET_BLOCK` is not base64, even read leniently.
    InvalidSecretBlock,
    /// The user pool id has no pool name after its `_` (it should look like `us-east-1_AbCdEfGhI`).
    InvalidUserPoolId,
    /// The private value `a` given is zero or makes A trivial (0 or 1).
    InvalidPrivateValue,
    /// The operating system's random number generator failed.
    RandomUnavailable,
}

impl fmt::Display for SrpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidHex { parameter } => {
                write!(f, "challenge parameter {parameter} is not hexadecimal")
            }
            Self::InvalidServerPublicValue => f.write_str("challenge parameter SRP_B is zero modulo N"),
            Self::ZeroScramblingParameter => f.write_str("SRP scrambling parameter u is zero"),
            Self::InvalidSecretBlock => f.write_str("challenge parameter SECRET_BLOCK is not base64"),
            Self::InvalidUserPoolId => f.write_str("user pool id has no pool name after '_'"),
            Self::InvalidPrivateValue => f.write_str("SRP private value gives a trivial public value"),
            Self::RandomUnavailable => f.write_str("the operating system's random number generator failed"),
        }
    }
}

impl std::error::Error for SrpError {}

/// One SRP sign-in attempt: the private value `a` and the public value A = g^a mod N.
///
/// Make a new one for every `InitiateAuth`; `a` is wiped when the client is dropped and never
/// shown by `Debug`.
pub struct SrpClient {
    a: SecretUint,
    big_a: BigUint,
}

impl fmt::Debug for SrpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A is public, but 768 hex digits drown a log line: its start is enough to tell clients apart.
        let srp_a: String = self.srp_a_hex().chars().take(16).collect();
        f.debug_struct("SrpClient")
            .field("a", &"** redacted **")
            .field("srp_a", &format_args!("{srp_a}…"))
            .finish()
    }
}

impl SrpClient {
    /// A client with a fresh random 128-byte `a` from the operating system.
    ///
    /// # Errors
    /// [`SrpError::RandomUnavailable`] if the operating system cannot give random bytes.
    pub fn new() -> Result<Self, SrpError> {
        // A is trivial only when a is a multiple of g's order (about 2^3071): for 128 random
        // bytes that means all zero, so the retry is for form's sake.
        for _ in 0..8 {
            let mut bytes = Zeroizing::new([0u8; PRIVATE_LEN]);
            getrandom::fill(&mut bytes[..]).map_err(|_| SrpError::RandomUnavailable)?;
            match Self::with_private_a(&bytes[..]) {
                Err(SrpError::InvalidPrivateValue) => {}
                other => return other,
            }
        }
        Err(SrpError::InvalidPrivateValue)
    }

    /// A client with a given private value `a` (big-endian bytes), for known-answer tests.
    ///
    /// `a` is used as given, not reduced modulo N.
    ///
    /// # Errors
    /// [`SrpError::InvalidPrivateValue`] if `a` is zero or makes A = g^a mod N zero or one.
    pub fn with_private_a(a: &[u8]) -> Result<Self, SrpError> {
        let a = SecretUint(BigUint::from_bytes_be(a));
        let big_a = BIG_G.modpow(&a.0, &BIG_N);
        if a.0.is_zero() || big_a.is_zero() || big_a.is_one() {
            return Err(SrpError::InvalidPrivateValue);
        }
        Ok(Self { a, big_a })
    }

    /// A as Cognito wants it in `SRP_A`: lowercase hex without leading zeros (so possibly of odd
    /// length), exactly what pycognito and Amplify JS send.
    #[must_use]
    pub fn srp_a_hex(&self) -> String {
        format!("{:x}", self.big_a)
    }

    /// `PASSWORD_CLAIM_SIGNATURE` (base64) for a `PASSWORD_VERIFIER` challenge.
    ///
    /// Every argument is as Cognito sends or expects it: `pool_id` the user pool id
    /// (`us-east-1_AbCdEfGhI`), `user_id_for_srp` the challenge's `USER_ID_FOR_SRP`, `salt_hex`,
    /// `srp_b_hex` and `secret_block_b64` the challenge's `SALT`, `SRP_B` and `SECRET_BLOCK`, and
    /// `timestamp` the `TIMESTAMP` sent along (see [`format_timestamp`]).
    ///
    /// # Errors
    /// - [`SrpError::InvalidUserPoolId`] if `pool_id` has no pool name after a `_`;
    /// - [`SrpError::InvalidHex`] if `SALT` or `SRP_B` is not hexadecimal;
    /// - [`SrpError::InvalidServerPublicValue`] if `SRP_B` is a multiple of N (zero included);
    /// - [`SrpError::InvalidSecretBlock`] if `SECRET_BLOCK` is not base64, even leniently;
    /// - [`SrpError::ZeroScramblingParameter`] if u = H(pad(A) || pad(B)) is zero.
    #[allow(clippy::too_many_arguments)] // one per challenge parameter, named as Cognito names them
    pub fn password_claim(
        &self,
        pool_id: &str,
        user_id_for_srp: &str,
        password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
        secret_block_b64: &str,
        timestamp: &str,
    ) -> Result<String, SrpError> {
        let pool_name = pool_name(pool_id)?;
        let big_b = parse_hex("SRP_B", srp_b_hex)?;
        let b_mod_n = &big_b % &*BIG_N;
        if b_mod_n.is_zero() {
            return Err(SrpError::InvalidServerPublicValue);
        }
        let salt = parse_hex("SALT", salt_hex)?;
        let secret_block = decode_secret_block(secret_block_b64)?;

        // u hashes B as sent, even when B >= N; S below only uses B mod N.
        let u = BigUint::from_bytes_be(&sha256(&[&pad(&self.big_a), &pad(&big_b)]));
        if u.is_zero() {
            return Err(SrpError::ZeroScramblingParameter);
        }
        let identity = Zeroizing::new(sha256(&[
            pool_name.as_bytes(),
            user_id_for_srp.as_bytes(),
            b":",
            password.as_bytes(),
        ]));
        let x = SecretUint(BigUint::from_bytes_be(&*Zeroizing::new(sha256(&[
            &pad(&salt),
            &identity[..],
        ]))));

        // S = (B - k * g^x) ^ (a + u * x) mod N, with B - k * g^x taken mod N (it may be negative).
        let verifier = SecretUint(BIG_G.modpow(&x.0, &BIG_N));
        let k_verifier = SecretUint((&*BIG_K * &verifier.0) % &*BIG_N);
        let base = SecretUint((b_mod_n + &*BIG_N - &k_verifier.0) % &*BIG_N);
        let u_x = SecretUint(&u * &x.0);
        let exponent = SecretUint(&self.a.0 + &u_x.0);
        let s = SecretUint(base.0.modpow(&exponent.0, &BIG_N));

        // HKDF-SHA256 with salt pad(u), input pad(S), Cognito's info: the first 16 bytes.
        let prk = hmac_sha256(&pad(&u), &[&pad(&s.0)]);
        let okm = hmac_sha256(&prk[..], &[HKDF_INFO]);
        let key = Zeroizing::new(okm[..16].to_vec());

        let signature = hmac_sha256(
            &key,
            &[
                pool_name.as_bytes(),
                user_id_for_srp.as_bytes(),
                &secret_block,
                timestamp.as_bytes(),
            ],
        );
        Ok(STANDARD.encode(&signature[..]))
    }
}

/// Cognito's `TIMESTAMP` for a Unix time: `EEE MMM d HH:mm:ss UTC yyyy` in US English, UTC, the day
/// not zero-padded, e.g. `Tue Sep 2 07:05:09 UTC 2025`.
///
/// ```
/// use amplify_rest::cognito::srp::format_timestamp;
/// assert_eq!(format_timestamp(951_782_400), "Tue Feb 29 00:00:00 UTC 2000");
/// ```
#[must_use]
pub fn format_timestamp(unix_secs: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix_secs.div_euclid(86_400);
    let secs_of_day = unix_secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let weekday = WEEKDAYS[days.rem_euclid(7) as usize];
    let month = MONTHS[(month - 1) as usize];
    let (hour, minute, second) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    format!("{weekday} {month} {day} {hour:02}:{minute:02}:{second:02} UTC {year}")
}

/// `SECRET_HASH` for an app client with a secret: base64(HMAC-SHA256(key = secret, msg = username || client id)).
///
/// Send it only when the app client has a secret (an empty secret means it has none).
#[must_use]
pub fn secret_hash(username: &str, app_client_id: &str, app_client_secret: &str) -> String {
    let mac = hmac_sha256(
        app_client_secret.as_bytes(),
        &[username.as_bytes(), app_client_id.as_bytes()],
    );
    STANDARD.encode(&mac[..])
}

/// The bytes of a `SECRET_BLOCK`, read leniently: `-` and `_` count as `+` and `/`, and the `=`
/// padding may be missing (some servers send UUID-like blocks).
///
/// # Errors
/// [`SrpError::InvalidSecretBlock`] if `s` is not base64 even so.
pub fn decode_secret_block(s: &str) -> Result<Vec<u8>, SrpError> {
    let mapped: String = s
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    LENIENT_BASE64
        .decode(mapped)
        .map_err(|_| SrpError::InvalidSecretBlock)
}

/// A big number that is wiped when dropped.
struct SecretUint(BigUint);

impl Drop for SecretUint {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Zeroes the digits of `n` in place.
fn wipe(n: &mut BigUint) {
    // Clearing from the lowest bit up zeroes every digit in place; num-bigint only truncates
    // (and may reallocate) once the top digit is zero, by which time all digits are.
    for bit in 0..n.bits() {
        n.set_bit(bit, false);
    }
}

/// The pool name: what follows the `_` of `us-east-1_AbCdEfGhI` (up to a second `_`, as pycognito
/// and Amplify JS split it).
fn pool_name(pool_id: &str) -> Result<&str, SrpError> {
    match pool_id.split('_').nth(1) {
        Some(name) if !name.is_empty() => Ok(name),
        _ => Err(SrpError::InvalidUserPoolId),
    }
}

/// A hex challenge parameter as a number: digits only (either case), at least one.
fn parse_hex(parameter: &'static str, hex: &str) -> Result<BigUint, SrpError> {
    let invalid = SrpError::InvalidHex { parameter };
    // num-bigint would also take `_` separators and a leading `+`: Cognito sends neither.
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid);
    }
    BigUint::parse_bytes(hex.as_bytes(), 16).ok_or(invalid)
}

/// pad(n): big-endian, minimal (zero is a single 00 byte), with a 00 byte in front when the top bit is set.
fn pad(n: &BigUint) -> Zeroizing<Vec<u8>> {
    let raw = Zeroizing::new(n.to_bytes_be());
    let mut padded = Zeroizing::new(Vec::with_capacity(raw.len() + 1));
    if raw.first().is_some_and(|b| b & 0x80 != 0) {
        padded.push(0);
    }
    padded.extend_from_slice(&raw);
    padded
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// HMAC-SHA256 over the concatenation of `parts`.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    // HMAC zero-pads its key to the block size (hashing it first if longer); doing that here
    // gives a fixed-size key, so building the MAC cannot fail.
    let mut block = Zeroizing::new([0u8; HMAC_BLOCK]);
    if key.len() > HMAC_BLOCK {
        block[..32].copy_from_slice(&*Zeroizing::new(sha256(&[key])));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut mac = <Hmac<Sha256> as KeyInit>::new(&(*block).into());
    for part in parts {
        mac.update(part);
    }
    Zeroizing::new(mac.finalize().into_bytes().into())
}

/// (year, month 1..=12, day 1..=31) of a count of days since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Decodes a hex string into a fixed array at compile time.
const fn hex_array<const LEN: usize>(hex: &str) -> [u8; LEN] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("not a hex digit"), // only ever evaluated at compile time
        }
    }
    let hex = hex.as_bytes();
    assert!(hex.len() == 2 * LEN, "wrong hex length");
    let mut out = [0u8; LEN];
    let mut i = 0;
    while i < LEN {
        out[i] = (nibble(hex[2 * i]) << 4) | nibble(hex[2 * i + 1]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTORS: &str = include_str!("../../tests/data/srp_vectors.json");

    fn hex_uint(s: &str) -> BigUint {
        BigUint::parse_bytes(s.as_bytes(), 16).expect("hex in vectors")
    }

    #[test]
    fn pad_adds_a_zero_byte_only_for_the_top_bit() {
        assert_eq!(&pad(&BigUint::zero())[..], [0x00]);
        assert_eq!(&pad(&BigUint::from(0x7fu8))[..], [0x7f]);
        assert_eq!(&pad(&BigUint::from(0x80u8))[..], [0x00, 0x80]);
        assert_eq!(&pad(&BigUint::from(0x0abcu16))[..], [0x0a, 0xbc]);
        assert_eq!(&pad(&BigUint::from(0xabcdu16))[..], [0x00, 0xab, 0xcd]);
        assert_eq!(pad(&BIG_N).len(), 385);
    }

    #[test]
    fn k_is_pycognitos() {
        // pycognito: hex_hash("00" + N_HEX + "0" + G_HEX)
        let mut buf = vec![0u8];
        buf.extend_from_slice(&N_BYTES);
        buf.push(2);
        assert_eq!(*BIG_K, BigUint::from_bytes_be(&sha256(&[&buf])));
    }

    /// The intermediate values of every vector, so a mismatch says where it starts.
    #[test]
    fn intermediates_match_the_vectors() {
        let doc: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors are JSON");
        let vectors = doc["vectors"].as_array().expect("vectors");
        for v in vectors {
            let name = v["name"].as_str().unwrap_or_default();
            let input = &v["input"];
            let inter = &v["intermediate"];
            let s = |k: &str| input[k].as_str().expect("string input");
            let a = hex_uint(s("a_hex"));
            let big_a = BIG_G.modpow(&a, &BIG_N);
            let big_b = hex_uint(s("srp_b_hex"));
            assert_eq!(*BIG_K, hex_uint(inter["k_hex"].as_str().expect("k")), "{name}: k");
            let u = BigUint::from_bytes_be(&sha256(&[&pad(&big_a), &pad(&big_b)]));
            assert_eq!(u, hex_uint(inter["u_hex"].as_str().expect("u")), "{name}: u");
            let pool_name = pool_name(s("pool_id")).expect("pool id");
            let identity = sha256(&[
                pool_name.as_bytes(),
                s("user_id_for_srp").as_bytes(),
                b":",
                s("password").as_bytes(),
            ]);
            let x = BigUint::from_bytes_be(&sha256(&[&pad(&hex_uint(s("salt_hex"))), &identity]));
            assert_eq!(x, hex_uint(inter["x_hex"].as_str().expect("x")), "{name}: x");
            let kv = (&*BIG_K * BIG_G.modpow(&x, &BIG_N)) % &*BIG_N;
            let base = (&big_b % &*BIG_N + &*BIG_N - kv) % &*BIG_N;
            let big_s = base.modpow(&(&a + &u * &x), &BIG_N);
            assert_eq!(big_s, hex_uint(inter["s_hex"].as_str().expect("S")), "{name}: S");
            let prk = hmac_sha256(&pad(&u), &[&pad(&big_s)]);
            let okm = hmac_sha256(&prk[..], &[HKDF_INFO]);
            let key_hex: String = okm[..16].iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(key_hex, inter["key_hex"].as_str().expect("key"), "{name}: key");
        }
    }

    #[test]
    fn wiping_a_secret_leaves_zero_digits() {
        let mut secret = hex_uint(N_HEX);
        wipe(&mut secret);
        assert!(secret.is_zero());
        assert_eq!(secret.iter_u64_digits().count(), 0);
    }

    #[test]
    fn hmac_with_a_key_longer_than_a_block() {
        // RFC 4231 test case 6: a 131-byte key.
        let key = [0xaau8; 131];
        let mac = hmac_sha256(&key, &[b"Test Using Larger Than Block-Size Key - Hash Key First"]);
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn pool_name_is_after_the_underscore() {
        assert_eq!(pool_name("us-east-1_AbC"), Ok("AbC"));
        assert_eq!(pool_name("us-east-1_"), Err(SrpError::InvalidUserPoolId));
        assert_eq!(pool_name("us-east-1"), Err(SrpError::InvalidUserPoolId));
    }
}
