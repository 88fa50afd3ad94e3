//! Socket failures in words a student can act on, in the interface's
//! language (the network thread is told it at once when it changes).
//! Every sentence is one of the catalogue's: a library's own text (an
//! `io::Error`, rustls' reasons) goes to the log, never to the screen.

use std::io::{self, ErrorKind};
use std::time::Duration;

use crate::i18n::{tr, tr_args};

/// Why connecting to `server` failed at the TCP level.
pub fn connect_failure(server: &str, error: &io::Error) -> String {
    if let Some(words) = resource_failure(error) {
        return words;
    }
    let key = match error.kind() {
        ErrorKind::ConnectionRefused => "net-refused",
        ErrorKind::HostUnreachable => "net-host-unreachable",
        ErrorKind::NetworkUnreachable => "net-network-unreachable",
        ErrorKind::TimedOut => return timed_out(server, None),
        ErrorKind::AddrNotAvailable => "net-address-invalid",
        ErrorKind::PermissionDenied => "net-not-allowed",
        ErrorKind::Interrupted => "net-interrupted",
        _ => {
            tracing::info!("connecting to {server}: {error}");
            "net-could-not-connect"
        }
    };
    tr_args(key, &[("server", &server)])
}

/// No answer within `after`.
pub fn timed_out(server: &str, after: Option<Duration>) -> String {
    match after {
        Some(after) => tr_args(
            "net-timed-out-after",
            &[("server", &server), ("secs", &after.as_secs())],
        ),
        None => tr_args("net-timed-out", &[("server", &server)]),
    }
}

/// Something answered the TLS handshake with plain text.
pub fn not_tls(server: &str) -> String {
    tr_args("net-not-tls", &[("server", &server)])
}

/// A web server answered a plain-text connection.
pub fn web_server(server: &str) -> String {
    tr_args("net-web-server", &[("server", &server)])
}

/// The TCP connection was accepted, then nothing came back.
pub fn silent(server: &str, after: Duration) -> String {
    tr_args(
        "net-silent",
        &[("server", &server), ("secs", &after.as_secs())],
    )
}

/// Plain text was sent to a TLS server.
pub fn needs_tls(server: &str) -> String {
    tr_args("net-needs-tls", &[("server", &server)])
}

/// Both ends speak TLS, but cannot agree.
pub fn tls_incompatible(server: &str, detail: &str) -> String {
    tr_args(
        "net-tls-incompatible",
        &[("server", &server), ("detail", &detail)],
    )
}

/// The TLS handshake broke off.
pub fn tls_failed(server: &str, error: &io::Error) -> String {
    match error.kind() {
        ErrorKind::UnexpectedEof => tr_args("net-tls-closed", &[("server", &server)]),
        _ => {
            tracing::info!("TLS handshake with {server}: {error}");
            tr_args("net-tls-failed", &[("server", &server)])
        }
    }
}

/// The host name could not be resolved.
pub fn name_not_found(host: &str) -> String {
    tr_args("net-name-not-found", &[("host", &host)])
}

/// Why an established connection stopped working.
pub fn connection_lost(error: &io::Error) -> String {
    if let Some(words) = resource_failure(error) {
        return words;
    }
    match error.kind() {
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            tr("net-lost")
        }
        ErrorKind::TimedOut => tr("net-lost-timed-out"),
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => tr("net-lost-route"),
        // The server process died (or its TLS ended without a goodbye).
        ErrorKind::UnexpectedEof => tr("net-server-vanished"),
        _ => {
            tracing::info!("connection lost: {error}");
            tr("net-lost-other")
        }
    }
}

/// Failures of this computer rather than of the network.
fn resource_failure(error: &io::Error) -> Option<String> {
    // Linux errno values: EMFILE 24, ENFILE 23, ENOBUFS 105, ENOMEM 12.
    match error.raw_os_error() {
        Some(24) | Some(23) => Some(tr("net-too-many-files")),
        Some(105) | Some(12) => Some(tr("net-no-resources")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_failure_has_plain_words() {
        let server = "10.0.0.9:7878";
        let cases = [
            (
                io::Error::from(ErrorKind::ConnectionRefused),
                "Connection refused",
            ),
            (
                io::Error::from(ErrorKind::HostUnreachable),
                "Host unreachable",
            ),
            (
                io::Error::from(ErrorKind::NetworkUnreachable),
                "Network unreachable",
            ),
            (io::Error::from(ErrorKind::TimedOut), "Timed out"),
            (io::Error::from(ErrorKind::Interrupted), "interrupted"),
            (io::Error::from_raw_os_error(24), "too many open files"),
            (
                io::Error::from_raw_os_error(105),
                "ran out of network resources",
            ),
        ];
        for (error, words) in cases {
            let text = connect_failure(server, &error);
            assert!(text.contains(words), "{error:?} → {text}");
        }
        assert!(name_not_found("labserver").contains("not found"));
        assert!(connection_lost(&io::Error::from(ErrorKind::ConnectionReset)).contains("lost"));
    }

    #[test]
    fn no_library_text_reaches_a_visible_sentence() {
        let library = "peer closed connection without sending TLS close_notify: \
                       https://docs.rs/rustls/latest/rustls/manual/_03_howto/index.html#unexpected-eof";
        let kinds = [
            ErrorKind::UnexpectedEof,
            ErrorKind::Other,
            ErrorKind::InvalidData,
            ErrorKind::ConnectionReset,
            ErrorKind::Unsupported,
        ];
        for lang in [crate::i18n::Lang::Es, crate::i18n::Lang::En] {
            crate::i18n::set(lang);
            for kind in kinds {
                let error = io::Error::new(kind, library);
                for shown in [
                    connection_lost(&error),
                    connect_failure("lab:7878", &error),
                    tls_failed("lab:7878", &error),
                ] {
                    assert!(
                        !shown.contains("close_notify") && !shown.contains("docs.rs"),
                        "{lang:?} {kind:?}: {shown}"
                    );
                    assert!(!shown.contains('{'), "a placeholder left: {shown}");
                }
            }
        }
        crate::i18n::set(crate::i18n::Lang::Es);
        let vanished = connection_lost(&io::Error::new(ErrorKind::UnexpectedEof, library));
        assert_eq!(vanished, "El servidor se ha cerrado de golpe.");
        crate::i18n::set(crate::i18n::Lang::En);
    }
}
