//! A test certificate authority: the servers under test use a certificate
//! it signed for `localhost` and 127.0.0.1, and the test clients trust it,
//! as real clients trust a CA-signed server.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

pub struct TestPki {
    pub server: Arc<ServerConfig>,
    pub client: Arc<ClientConfig>,
    cert_pem: String,
    key_pem: String,
}

impl TestPki {
    /// Writes the server's certificate and key as PEM files in `dir`
    /// (for `--cert` / `--key`).
    pub fn write_files(&self, dir: &Path) -> (PathBuf, PathBuf) {
        let (cert, key) = (dir.join("test-cert.pem"), dir.join("test-key.pem"));
        std::fs::write(&cert, &self.cert_pem).expect("write cert");
        std::fs::write(&key, &self.key_pem).expect("write key");
        (cert, key)
    }
}

/// The name the test clients expect the server to have.
pub fn server_name() -> ServerName<'static> {
    ServerName::try_from("localhost").expect("a DNS name")
}

pub fn pki() -> &'static TestPki {
    static PKI: OnceLock<TestPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "Tertulia test CA");
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate().expect("server key");
        let params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("server params");
        let cert = params.signed_by(&key, &issuer).expect("server certificate");

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                PrivateKeyDer::try_from(key.serialize_der()).expect("key"),
            )
            .expect("server config");
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from(ca_cert.der().to_vec()))
            .expect("CA root");
        let client = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        TestPki {
            server: Arc::new(server),
            client: Arc::new(client),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    })
}
