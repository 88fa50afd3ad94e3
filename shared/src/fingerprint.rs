//! Certificate fingerprints as people read them aloud: the SHA-256 of the
//! certificate, in groups of four hex digits (`3F2A 91C0 …`). The server
//! prints its own at start; a client shows the one it was given, so the two
//! can be compared by eye or by voice.

use sha2::{Digest, Sha256};

/// The fingerprint of a DER-encoded certificate.
pub fn fingerprint(certificate_der: &[u8]) -> String {
    let digest = Sha256::digest(certificate_der);
    let hex: Vec<String> = digest.iter().map(|b| format!("{b:02X}")).collect();
    hex.chunks(2)
        .map(|pair| pair.concat())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two written fingerprints are the same, whatever the spacing or
/// case (a person may copy one with other separators).
pub fn same(a: &str, b: &str) -> bool {
    let digits = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_hexdigit)
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    let (a, b) = (digits(a), digits(b));
    !a.is_empty() && a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_groups_of_four_hex_digits() {
        let shown = fingerprint(b"not really a certificate");
        let groups: Vec<&str> = shown.split(' ').collect();
        assert_eq!(groups.len(), 16);
        assert!(groups.iter().all(|g| g.len() == 4));
        assert!(same(&shown, &shown.to_lowercase().replace(' ', ":")));
        assert!(!same(&shown, &fingerprint(b"another one")));
        assert!(!same("", ""));
    }
}
