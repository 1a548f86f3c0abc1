//! The second factor of local accounts: time-based one-time passwords (TOTP, RFC 6238 over
//! HOTP, RFC 4226) — six digits from HMAC-SHA-1 of the 30-second step, as every authenticator
//! app makes them — and one-time recovery codes for a lost phone, kept only as their SHA-256
//! (each is 80 random bits, so a plain hash cannot be reversed by trying). A code is accepted
//! for the current step or the one before or after (clocks drift), and once: the store keeps
//! the last accepted step per user and refuses it and earlier ones, whichever server asks.
//! Enrolling, removing and using a recovery code are audited; the secret never leaves the
//! store but in the enrolment shown once to the user.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::users::{AuthError, SessionUser};
use super::{AppError, Ctx, Need, Role};
use traject_store::Store;

/// Seconds per step (RFC 6238's default, what authenticator apps use).
pub const STEP_SECS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps either side of now a code may come from.
pub const DRIFT_STEPS: i64 = 1;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// The issuer shown in the authenticator app.
pub const ISSUER: &str = "traject";

/// The hash a TOTP uses: SHA-1 for authenticator apps; the others for RFC 6238's vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpHash {
    Sha1,
    Sha256,
    Sha512,
}

fn hmac_of<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac =
        <M as hmac::digest::KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The code for time step `step` (RFC 4226's dynamic truncation, `digits` long).
pub fn code_at(secret: &[u8], step: u64, digits: u32, hash: TotpHash) -> String {
    let message = step.to_be_bytes();
    let mac = match hash {
        TotpHash::Sha1 => hmac_of::<Hmac<sha1::Sha1>>(secret, &message),
        TotpHash::Sha256 => hmac_of::<Hmac<Sha256>>(secret, &message),
        TotpHash::Sha512 => hmac_of::<Hmac<sha2::Sha512>>(secret, &message),
    };
    let offset = (mac[mac.len() - 1] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        mac[offset] & 0x7f,
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]);
    let code = u64::from(binary) % 10u64.pow(digits);
    format!("{code:0width$}", width = digits as usize)
}

/// The step a moment (seconds since the epoch) falls in.
pub fn step_of(unix: i64) -> i64 {
    unix.div_euclid(STEP_SECS)
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as otpauth URIs carry secrets.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in bytes {
        buffer = (buffer << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            out.push(BASE32[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The bytes of a base32 secret (case and padding ignored); `None` for another character.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let value = BASE32.iter().position(|x| *x == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// The step within `DRIFT_STEPS` of `now` whose code is `code` and that comes after
/// `last_used`, if any.
pub fn matching_step(secret: &[u8], code: &str, now: i64, last_used: Option<i64>) -> Option<i64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let here = step_of(now);
    (here - DRIFT_STEPS..=here + DRIFT_STEPS)
        .filter(|step| *step >= 0 && last_used.is_none_or(|last| *step > last))
        .find(|step| {
            let expected = code_at(secret, *step as u64, DIGITS, TotpHash::Sha1);
            super::users::same_secret(&expected, code)
        })
}

/// What a user is given once at enrolment: the secret for the authenticator app (as text and
/// as an `otpauth://` URI for a QR code) and the recovery codes.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret: String,
    pub uri: String,
    pub recovery_codes: Vec<String>,
}

/// The `otpauth://` URI an authenticator app reads from a QR code.
pub fn provisioning_uri(name: &str, secret: &str) -> String {
    format!(
        "otpauth://totp/{ISSUER}:{name}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}"
    )
}

fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    super::users::hex(&Sha256::digest(
        format!("traject-recovery\0{normal}").as_bytes(),
    ))
}

/// Enrol a second factor for `name` (a new secret and new recovery codes; an earlier one stops
/// working): the user themself, or whoever manages users.
pub fn enrol(store: &mut Store, name: &str, ctx: &Ctx) -> Result<Enrolment, AppError> {
    if ctx.actor != name {
        ctx.require(Need::ManageUsers)?;
    }
    let secret = base32(&super::users::random_bytes::<20>()?);
    let mut recovery_codes = Vec::new();
    for _ in 0..RECOVERY_CODES {
        let text = base32(&super::users::random_bytes::<10>()?);
        recovery_codes.push(format!("{}-{}", &text[..8], &text[8..]));
    }
    let hashes: Vec<String> = recovery_codes.iter().map(|c| recovery_hash(c)).collect();
    let audit = ctx.audit("enrol second factor", format!("user:{name}"));
    if !store.set_second_factor(name, Some(&secret), &hashes, &audit)? {
        return Err(AuthError::Unknown { name: name.into() }.into());
    }
    Ok(Enrolment {
        uri: provisioning_uri(name, &secret),
        secret,
        recovery_codes,
    })
}

/// Remove a user's second factor (a lost phone without recovery codes): whoever manages users.
pub fn remove(store: &mut Store, name: &str, ctx: &Ctx) -> Result<(), AppError> {
    ctx.require(Need::ManageUsers)?;
    let audit = ctx.audit("remove second factor", format!("user:{name}"));
    if !store.set_second_factor(name, None, &[], &audit)? {
        return Err(AuthError::Unknown { name: name.into() }.into());
    }
    Ok(())
}

/// Where a user stands with their second factor (for their own page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub enrolled: bool,
    pub recovery_codes_left: i64,
}

/// The second factor of the person logged in.
pub fn status(store: &Store, user: &SessionUser) -> Result<Status, AppError> {
    Ok(Status {
        enrolled: store.second_factor(&user.name)?.is_some(),
        recovery_codes_left: store.recovery_codes_left(&user.name)?,
    })
}

/// Which roles must log in with a second factor (`[login] second_factor` in the settings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginPolicy {
    pub second_factor_for: Vec<Role>,
}

/// What a password login with the right password still needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactorCheck {
    /// Nothing more: no second factor enrolled, and none required.
    NotNeeded,
    /// The code was right (or a recovery code was used up).
    Passed,
    /// A code is needed and none was given.
    Missing,
    /// The code was wrong, or used before.
    Wrong,
    /// The role requires a second factor and the user has not enrolled one.
    NotEnrolled,
}

/// Check the second factor of `user`, whose password was right, with the code given.
pub fn check(
    store: &mut Store,
    user: &SessionUser,
    code: Option<&str>,
    policy: &LoginPolicy,
    now: i64,
) -> Result<SecondFactorCheck, AppError> {
    let Some(factor) = store.second_factor(&user.name)? else {
        return Ok(if policy.second_factor_for.contains(&user.role) {
            SecondFactorCheck::NotEnrolled
        } else {
            SecondFactorCheck::NotNeeded
        });
    };
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(SecondFactorCheck::Missing);
    };
    let secret = from_base32(&factor.secret).unwrap_or_default();
    if let Some(step) = matching_step(&secret, code, now, factor.last_step) {
        // Two servers seeing the same code at once: only one takes the step.
        return Ok(if store.use_totp_step(&user.name, step)? {
            SecondFactorCheck::Passed
        } else {
            SecondFactorCheck::Wrong
        });
    }
    if code.len() > DIGITS as usize && code.len() <= 32 {
        let ctx = user.ctx(
            chrono::DateTime::from_timestamp(now, 0)
                .unwrap_or_default()
                .date_naive(),
        );
        let audit = ctx.audit("log in with a recovery code", format!("user:{}", user.name));
        if store.use_recovery_code(&user.name, &recovery_hash(code), &audit)? {
            return Ok(SecondFactorCheck::Passed);
        }
    }
    Ok(SecondFactorCheck::Wrong)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the seeds are the ASCII digits repeated to each hash's length.
    #[test]
    fn the_codes_are_those_of_rfc_6238_appendix_b() {
        let sha1 = b"12345678901234567890".to_vec();
        let sha256 = b"12345678901234567890123456789012".to_vec();
        let sha512 = b"1234567890123456789012345678901234567890123456789012345678901234".to_vec();
        let vectors: [(i64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (time, c1, c256, c512) in vectors {
            let step = step_of(time) as u64;
            assert_eq!(
                code_at(&sha1, step, 8, TotpHash::Sha1),
                c1,
                "SHA-1 at {time}"
            );
            assert_eq!(
                code_at(&sha256, step, 8, TotpHash::Sha256),
                c256,
                "SHA-256 at {time}"
            );
            assert_eq!(
                code_at(&sha512, step, 8, TotpHash::Sha512),
                c512,
                "SHA-512 at {time}"
            );
        }
    }

    #[test]
    fn base32_goes_there_and_back_as_rfc_4648_says() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(from_base32("MZXW6YTBOI======").unwrap(), b"foobar");
        assert_eq!(from_base32("mzxw6ytboi").unwrap(), b"foobar");
        assert!(from_base32("MZXW1").is_none(), "1 is no base32 digit");
    }

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_once_and_never_a_used_one() {
        let secret = b"12345678901234567890";
        let now = 1_700_000_000;
        let here = step_of(now);
        let code = code_at(secret, here as u64, DIGITS, TotpHash::Sha1);
        assert_eq!(matching_step(secret, &code, now, None), Some(here));
        assert_eq!(
            matching_step(secret, &code, now + STEP_SECS, None),
            Some(here)
        );
        assert_eq!(
            matching_step(secret, &code, now + 3 * STEP_SECS, None),
            None
        );
        assert_eq!(matching_step(secret, &code, now, Some(here)), None, "used");
        assert_eq!(matching_step(secret, "12a456", now, None), None);
    }
}
