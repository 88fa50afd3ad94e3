//! TLS on the server's port: the certificate (made on first start, or a
//! real one given with `--cert`/`--key`), and telling a TLS client from one
//! that speaks plain text before the handshake.

pub mod tickets;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a PEM {what} ({source:?})")]
    Pem {
        path: PathBuf,
        what: &'static str,
        source: rustls::pki_types::pem::Error,
    },
    #[error("{0}: no certificate in it")]
    NoCertificate(PathBuf),
    #[error("cannot make a certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("TLS: {0}")]
    Rustls(#[from] rustls::Error),
    #[error("the system's random source failed")]
    Random,
}

/// A certificate chain and its key, ready to serve.
#[derive(Debug)]
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl Identity {
    /// The fingerprint people compare (of the server's own certificate).
    pub fn fingerprint(&self) -> String {
        self.chain
            .first()
            .map(|cert| tertulia_shared::fingerprint::fingerprint(cert))
            .unwrap_or_default()
    }

    /// Reads a certificate chain and its private key (PEM files).
    pub fn load(cert: &Path, key: &Path) -> Result<Identity, TlsError> {
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|source| pem_error(cert, "certificate", source))?;
        if chain.is_empty() {
            return Err(TlsError::NoCertificate(cert.to_owned()));
        }
        let key =
            PrivateKeyDer::from_pem_file(key).map_err(|source| pem_error(key, "key", source))?;
        Ok(Identity { chain, key })
    }

    /// The server's own certificate in `dir` (`tls-cert.pem`, `tls-key.pem`),
    /// made on first use: self-signed, for the names in `names`. The key file
    /// is readable by its owner only. Returns whether it was just made.
    pub fn self_signed_in(dir: &Path, names: Vec<String>) -> Result<(Identity, bool), TlsError> {
        let (cert, key) = (dir.join("tls-cert.pem"), dir.join("tls-key.pem"));
        if cert.exists() && key.exists() {
            return Ok((Identity::load(&cert, &key)?, false));
        }
        std::fs::create_dir_all(dir).map_err(|source| file_error(dir, source))?;
        let signing_key = rcgen::KeyPair::generate()?;
        let mut params = rcgen::CertificateParams::new(names)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Tertulia chat server");
        let made = params.self_signed(&signing_key)?;
        write_private(&key, signing_key.serialize_pem().as_bytes())?;
        std::fs::write(&cert, made.pem()).map_err(|source| file_error(&cert, source))?;
        Ok((Identity::load(&cert, &key)?, true))
    }

    /// A rustls configuration with its safe defaults (TLS 1.3 and 1.2;
    /// 1.3 whenever the client has it), resuming sessions with tickets
    /// sealed by a key kept in `ticket_dir` (see [`tickets`]), so that
    /// clients reconnecting after a restart skip the certificate check.
    pub fn server_config(self, ticket_dir: &Path) -> Result<Arc<ServerConfig>, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(self.chain, self.key)?;
        config.ticketer = Arc::new(tickets::FileTicketer::in_dir(ticket_dir)?);
        Ok(Arc::new(config))
    }
}

fn file_error(path: &Path, source: std::io::Error) -> TlsError {
    TlsError::File {
        path: path.to_owned(),
        source,
    }
}

fn pem_error(path: &Path, what: &'static str, source: rustls::pki_types::pem::Error) -> TlsError {
    match source {
        rustls::pki_types::pem::Error::Io(source) => file_error(path, source),
        source => TlsError::Pem {
            path: path.to_owned(),
            what,
            source,
        },
    }
}

/// Writes a file only its owner can read (mode 0600 on Unix).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), TlsError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|source| file_error(path, source))?;
    file.write_all(bytes)
        .map_err(|source| file_error(path, source))
}

/// The names a self-signed certificate is made for: this machine's name and
/// `localhost` (clients trust it by fingerprint, not by name).
pub fn local_names() -> Vec<String> {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty());
    host.into_iter().chain(["localhost".to_owned()]).collect()
}

/// The first byte of a TLS connection (a handshake record). A client that
/// starts with anything else is speaking plain text to a TLS port.
pub const HANDSHAKE_RECORD: u8 = 0x16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_is_made_once_with_a_private_key_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (first, made) = Identity::self_signed_in(dir.path(), vec!["localhost".into()]).unwrap();
        assert!(made);
        let (again, made) = Identity::self_signed_in(dir.path(), vec!["localhost".into()]).unwrap();
        assert!(!made);
        assert_eq!(first.fingerprint(), again.fingerprint());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("tls-key.pem"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(again.server_config(dir.path()).is_ok());
    }

    #[test]
    fn a_missing_or_bad_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = Identity::load(&dir.path().join("nope.pem"), &dir.path().join("k.pem"));
        assert!(missing.unwrap_err().to_string().contains("nope.pem"));
    }
}
