//! TLS 1.3 session tickets that outlive a restart.
//!
//! A client that reconnects with a ticket skips the certificate signature
//! and its check; across a whole class reconnecting after a restart, that
//! is the part of the handshake worth skipping (the key exchange is done
//! again anyway: rustls resumes only with a fresh ECDHE, so recorded
//! traffic stays secret even if the ticket key leaks). rustls' own ticketer
//! draws its key at start, so a restart would void every ticket exactly
//! when they are needed; this one keeps its key in a file beside the
//! certificate, private to the server's user, and draws a new one a week on.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use ring::aead::{self, Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use rustls::server::ProducesTickets;

use super::TlsError;

/// The key file's name, beside the certificate.
pub const KEY_FILE: &str = "tls-ticket.key";
/// A key older than this is replaced at the next start.
const KEY_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);
/// What clients are told a ticket is good for (rustls' own choice).
const TICKET_LIFETIME_S: u32 = 12 * 3600;
/// rustls' tickets are a few hundred bytes; anything far longer is refused
/// unread.
const MAX_TICKET: usize = 4096;
const NONCE: usize = 12;

/// Seals tickets with a ChaCha20-Poly1305 key kept on disk.
pub struct FileTicketer {
    key: LessSafeKey,
    random: SystemRandom,
}

impl std::fmt::Debug for FileTicketer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileTicketer")
    }
}

impl FileTicketer {
    /// The key in `dir` (made, or remade when a week old).
    pub fn in_dir(dir: &Path) -> Result<FileTicketer, TlsError> {
        let path = dir.join(KEY_FILE);
        let random = SystemRandom::new();
        let fresh = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|made| made.elapsed().ok())
            .is_some_and(|age| age < KEY_LIFETIME);
        let kept = match fresh {
            true => std::fs::read(&path).ok().filter(|k| k.len() == 32),
            false => None,
        };
        let bytes = match kept {
            Some(bytes) => bytes,
            None => {
                let mut bytes = vec![0u8; 32];
                random.fill(&mut bytes).map_err(|_| TlsError::Random)?;
                super::write_private(&path, &bytes)?;
                bytes
            }
        };
        let key = UnboundKey::new(&CHACHA20_POLY1305, &bytes).map_err(|_| TlsError::Random)?;
        Ok(FileTicketer {
            key: LessSafeKey::new(key),
            random,
        })
    }
}

impl ProducesTickets for FileTicketer {
    fn enabled(&self) -> bool {
        true
    }

    fn lifetime(&self) -> u32 {
        TICKET_LIFETIME_S
    }

    /// nonce ‖ ciphertext ‖ tag.
    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        let mut nonce = [0u8; NONCE];
        self.random.fill(&mut nonce).ok()?;
        let mut sealed = Vec::with_capacity(NONCE + plain.len() + 16);
        sealed.write_all(&nonce).ok()?;
        sealed.extend_from_slice(plain);
        let tag = self
            .key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::empty(),
                &mut sealed[NONCE..],
            )
            .ok()?;
        sealed.extend_from_slice(tag.as_ref());
        Some(sealed)
    }

    fn decrypt(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() > MAX_TICKET || sealed.len() < NONCE {
            return None;
        }
        let (nonce, rest) = sealed.split_at(NONCE);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut rest = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, aead::Aad::empty(), &mut rest)
            .ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_opens_after_a_restart_and_not_once_altered() {
        let dir = tempfile::tempdir().unwrap();
        let before = FileTicketer::in_dir(dir.path()).unwrap();
        let ticket = before.encrypt(b"resumption secret").unwrap();
        let after = FileTicketer::in_dir(dir.path()).unwrap();
        assert_eq!(after.decrypt(&ticket).unwrap(), b"resumption secret");
        let mut altered = ticket.clone();
        altered[NONCE + 2] ^= 1;
        assert_eq!(after.decrypt(&altered), None);
        assert_eq!(after.decrypt(&ticket[..5]), None);
        // Another server's key opens nothing.
        let other = tempfile::tempdir().unwrap();
        assert_eq!(
            FileTicketer::in_dir(other.path()).unwrap().decrypt(&ticket),
            None
        );
    }
}
