//! Password rules in the spirit of NCSC guidance (length matters, composition
//! rules do not; refuse guessable passwords) and argon2id hashing.
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::OsRng;
use std::collections::HashSet;
use std::sync::LazyLock;

/// NCSC favours length over complexity: three random words easily pass.
pub const MIN_LENGTH: usize = 10;
/// A generous upper bound so hashing cost stays predictable.
pub const MAX_LENGTH: usize = 256;

/// Why a password was refused; `message` is written for the person typing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordProblem {
    pub message: &'static str,
}

fn problem(message: &'static str) -> Result<(), PasswordProblem> {
    Err(PasswordProblem { message })
}

/// Checks `password` for someone signing up with `email`. No composition rules
/// (NCSC: they push people to predictable patterns).
pub fn check(password: &str, email: &str) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return problem("Password must be 10 characters or more");
    }
    if length > MAX_LENGTH {
        return problem("Password must be 256 characters or fewer");
    }
    let lower = password.to_lowercase();
    let email = email.trim().to_lowercase();
    let local_part = email.split('@').next().unwrap_or_default();
    if lower == email || (local_part.len() >= 4 && lower.contains(local_part)) {
        return problem("Password must not contain your email address");
    }
    if is_guessable_pattern(&lower) || is_common(&lower) {
        return problem("Password is too easy to guess: try three random words");
    }
    Ok(())
}

/// The 30,000 most common passwords from leaked password sets, as shipped by
/// Dropbox's zxcvbn (MIT; see app/reference-data/licences), lowercased.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../../reference-data/common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty())
        .collect()
});

/// A common password, or one with only digits or punctuation added at the
/// end ("liverpool2024!"): the first thing attackers try.
fn is_common(lower: &str) -> bool {
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    COMMON_PASSWORDS.contains(lower)
        || (stem.chars().count() >= 4 && COMMON_PASSWORDS.contains(stem))
}

/// One repeated character, a run along the keyboard or the alphabet, or a
/// short piece of such a run repeated ("123123123123").
fn is_guessable_pattern(lower: &str) -> bool {
    const RUNS: &[&str] = &[
        "abcdefghijklmnopqrstuvwxyz",
        "01234567890",
        "qwertyuiopasdfghjklzxcvbnm",
        "09876543210",
    ];
    let chars: Vec<char> = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.is_empty() || chars.iter().all(|c| *c == chars[0]) {
        return true;
    }
    // The shortest unit that, repeated, makes up the whole password.
    let unit_len = (1..=chars.len())
        .find(|n| {
            chars.len().is_multiple_of(*n) && chars.chunks(*n).all(|chunk| chunk == &chars[..*n])
        })
        .unwrap_or(chars.len());
    let unit: String = chars[..unit_len].iter().collect();
    RUNS.iter().any(|run| run.contains(&unit))
}

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// An argon2id hash in PHC string format, with a fresh random salt.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches `stored`; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_not_composition_decides() {
        assert_eq!(check("correct horse battery", "a@b.gov.uk"), Ok(()));
        assert_eq!(check("allletterslowercase", "a@b.gov.uk"), Ok(()));
        // Multi-byte characters are counted and compared as characters.
        assert_eq!(check("éaéaéaéaéaé", "a@b.gov.uk"), Ok(()));
        assert_eq!(
            check("ééééééééééé", "a@b.gov.uk").unwrap_err().message,
            "Password is too easy to guess: try three random words"
        );
        assert_eq!(
            check("Sh0rt!", "a@b.gov.uk").unwrap_err().message,
            "Password must be 10 characters or more"
        );
        assert_eq!(
            check(&"x".repeat(257), "a@b.gov.uk").unwrap_err().message,
            "Password must be 256 characters or fewer"
        );
    }

    #[test]
    fn guessable_passwords_are_refused() {
        for guessable in [
            "aaaaaaaaaaaa",
            "1234567890",
            "abcdefghijk",
            "qwertyuiop",
            "123123123123",
            "abcabcabcabc",
            // From the deny-list, as typed and with numbers added.
            "manchester",
            "Password123",
            "liverpool2024!",
            "sunshine12345",
        ] {
            assert!(
                check(guessable, "a@b.gov.uk").is_err(),
                "{guessable} accepted"
            );
        }
        assert_eq!(
            check("jane.smith-rocks", "jane.smith@council.gov.uk")
                .unwrap_err()
                .message,
            "Password must not contain your email address"
        );
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let first = hash("correct horse battery").unwrap();
        let second = hash("correct horse battery").unwrap();
        assert!(first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_ne!(first, second, "salts must differ");
        assert!(verify("correct horse battery", &first));
        assert!(!verify("correct horse batterY", &first));
        assert!(!verify("anything", "not a hash"));
    }
}
