//! Why an attempt to connect and log in failed: the answer the worker
//! acts on (retry or not) and the UI tells a person.

use tertulia_shared::ErrorBody;

/// Why an attempt to connect and log in failed.
pub(super) enum Failure {
    /// The server refused the credentials or the form: do not retry.
    Refused(ErrorBody),
    /// The network or the server is not there: retrying may help.
    Network(String),
    /// The user cancelled (or asked to log out) while connecting.
    Interrupted,
    /// The server's certificate is not trusted (yet): the user decides.
    Untrusted {
        fingerprint: String,
        pinned: Option<String>,
    },
}
