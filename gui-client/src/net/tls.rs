//! TLS for the client. A certificate signed by a CA the system trusts is
//! accepted as usual. A self-signed one (a lab server) is trusted on first
//! use: the user compares its fingerprint with the one the teacher reads out
//! and accepts it, and it is pinned for that server address; a different
//! one later is refused with a warning, never accepted in silence.

use std::io;
use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tertulia_shared::fingerprint::{fingerprint, same};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// What this connection trusts.
#[derive(Debug, Clone)]
pub struct Trust {
    /// Certificate authorities trusted as usual (the system's).
    pub roots: Arc<RootCertStore>,
    /// The fingerprint the user accepted for this server before, if any.
    pub pinned: Option<String>,
    /// Connect without TLS (the user ticked it explicitly).
    pub plain: bool,
    /// TLS sessions to resume (tickets from earlier connections): a
    /// reconnection skips the certificate, which was checked the first time.
    pub sessions: Arc<rustls::client::ClientSessionMemoryCache>,
}

impl Trust {
    /// The system's trusted certificate authorities, read once.
    pub fn system_roots() -> Arc<RootCertStore> {
        static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
        ROOTS
            .get_or_init(|| {
                let found = rustls_native_certs::load_native_certs();
                for error in &found.errors {
                    tracing::warn!("system certificates: {error}");
                }
                let mut roots = RootCertStore::empty();
                let (added, ignored) = roots.add_parsable_certificates(found.certs);
                tracing::debug!("{added} system certificate authorities ({ignored} unusable)");
                Arc::new(roots)
            })
            .clone()
    }
}

/// Why the TLS handshake did not succeed.
#[derive(Debug)]
pub enum TlsFailure {
    /// Not signed by a trusted authority and not the certificate pinned
    /// for this server: the user must decide. `pinned` is the one accepted
    /// before, when there is one (the certificate changed).
    Untrusted {
        fingerprint: String,
        pinned: Option<String>,
    },
    /// The other end does not speak TLS (a plain-text server).
    NotTls,
    /// Both ends speak TLS but share no version or cipher.
    Incompatible(String),
    Io(io::Error),
}

/// Checks the certificate chain against the system's authorities, then
/// against the pinned fingerprint; remembers the fingerprint it saw.
#[derive(Debug)]
struct Verifier {
    webpki: Option<Arc<WebPkiServerVerifier>>,
    pinned: Option<String>,
    seen: Mutex<Option<String>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = fingerprint(end_entity);
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(seen.clone());
        if let Some(webpki) = &self.webpki
            && webpki
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .is_ok()
        {
            return Ok(ServerCertVerified::assertion());
        }
        match &self.pinned {
            Some(pinned) if same(pinned, &seen) => Ok(ServerCertVerified::assertion()),
            _ => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The name the certificate is checked against: the host as typed (a DNS
/// name or an IP address).
fn server_name(host: &str) -> Result<ServerName<'static>, TlsFailure> {
    ServerName::try_from(host.to_owned())
        .map_err(|_| TlsFailure::Incompatible(format!("“{host}” is not a valid server name")))
}

/// Runs the TLS handshake over `stream` to `host`.
pub async fn handshake(
    stream: TcpStream,
    host: &str,
    trust: &Trust,
) -> Result<TlsStream<TcpStream>, TlsFailure> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(trust.roots.clone(), provider.clone())
        .build()
        .ok();
    let verifier = Arc::new(Verifier {
        webpki,
        pinned: trust.pinned.clone(),
        seen: Mutex::new(None),
        provider: provider.clone(),
    });
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsFailure::Incompatible(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    config.resumption = rustls::client::Resumption::store(trust.sessions.clone());
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    match connector.connect(server_name(host)?, stream).await {
        Ok(tls) => Ok(tls),
        Err(error) => {
            let seen = verifier
                .seen
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            Err(classify(error, seen, trust.pinned.clone()))
        }
    }
}

fn classify(error: io::Error, seen: Option<String>, pinned: Option<String>) -> TlsFailure {
    let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return TlsFailure::Io(error);
    };
    match tls {
        rustls::Error::InvalidCertificate(_) => match seen {
            Some(fingerprint) => TlsFailure::Untrusted {
                fingerprint,
                pinned,
            },
            None => TlsFailure::Incompatible(tls.to_string()),
        },
        rustls::Error::InvalidMessage(_) => TlsFailure::NotTls,
        rustls::Error::PeerIncompatible(_)
        | rustls::Error::AlertReceived(rustls::AlertDescription::ProtocolVersion)
        | rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure) => {
            TlsFailure::Incompatible(tls.to_string())
        }
        _ => TlsFailure::Io(error),
    }
}
