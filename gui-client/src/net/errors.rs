//! Socket failures in words a student can act on.

use std::io::{self, ErrorKind};
use std::time::Duration;

/// Why connecting to `server` failed at the TCP level.
pub fn connect_failure(server: &str, error: &io::Error) -> String {
    if let Some(words) = resource_failure(error) {
        return words;
    }
    match error.kind() {
        ErrorKind::ConnectionRefused => format!(
            "Connection refused by {server}: no Tertulia server is listening there. \
             Is the server running, and is the port right?"
        ),
        ErrorKind::HostUnreachable => format!(
            "Host unreachable: {server} cannot be reached (no route to host). \
             Check the address and that both computers are on the same network."
        ),
        ErrorKind::NetworkUnreachable => format!(
            "Network unreachable: this computer has no route to {server}. \
             Check your network connection."
        ),
        ErrorKind::TimedOut => timed_out(server, None),
        ErrorKind::AddrNotAvailable => {
            format!("The address {server} is not valid for connecting to.")
        }
        ErrorKind::PermissionDenied => {
            format!("Not allowed to connect to {server} (blocked by a firewall or system policy).")
        }
        ErrorKind::Interrupted => "The connection attempt was interrupted. Try again.".to_owned(),
        _ => format!("Could not connect to {server}: {error}."),
    }
}

/// No answer within `after`.
pub fn timed_out(server: &str, after: Option<Duration>) -> String {
    let after = after.map_or(String::new(), |d| format!(" after {} seconds", d.as_secs()));
    format!(
        "Timed out: no answer from {server}{after}. The address may be wrong, the computer \
         off, or a firewall may be dropping the connection."
    )
}

/// Something answered the TLS handshake with plain text.
pub fn not_tls(server: &str) -> String {
    format!(
        "{server} answered, but does not speak TLS: it may be a web server or another \
         program on that port (check the port), an older Tertulia server, or one started \
         with --plain. For the last two, tick “Connect without encryption”; your password \
         and messages will then be readable by anyone on the network."
    )
}

/// A web server answered a plain-text connection.
pub fn web_server(server: &str) -> String {
    format!("{server} is a web server, not a Tertulia server: check the port.")
}

/// The TCP connection was accepted, then nothing came back.
pub fn silent(server: &str, after: Duration) -> String {
    format!(
        "{server} accepted the connection but did not answer in {} seconds: it is probably \
         not a Tertulia server (check the port), or it is stuck.",
        after.as_secs()
    )
}

/// Plain text was sent to a TLS server.
pub fn needs_tls(server: &str) -> String {
    format!("{server} only accepts encrypted connections: untick “Connect without encryption”.")
}

/// Both ends speak TLS, but cannot agree.
pub fn tls_incompatible(server: &str, detail: &str) -> String {
    format!(
        "{server} and this program could not agree on a secure connection (no TLS version \
         or cipher in common: {detail}). One of them may need updating."
    )
}

/// The TLS handshake broke off.
pub fn tls_failed(server: &str, error: &io::Error) -> String {
    match error.kind() {
        ErrorKind::UnexpectedEof => format!(
            "{server} closed the connection during the secure handshake (it may be full, \
             or not a Tertulia server)."
        ),
        _ => format!("The secure connection to {server} failed: {error}."),
    }
}

/// The host name could not be resolved.
pub fn name_not_found(host: &str) -> String {
    format!(
        "Server name not found: “{host}” does not resolve to an address. Check the \
         spelling, or type the server's IP address (e.g. 192.168.1.20)."
    )
}

/// Why an established connection stopped working.
pub fn connection_lost(error: &io::Error) -> String {
    if let Some(words) = resource_failure(error) {
        return words;
    }
    match error.kind() {
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            "The connection to the server was lost (the server or the network dropped it)."
                .to_owned()
        }
        ErrorKind::TimedOut => "The connection to the server timed out.".to_owned(),
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => {
            "The network path to the server disappeared (no route to host).".to_owned()
        }
        _ => format!("The connection to the server failed: {error}."),
    }
}

/// Failures of this computer rather than of the network.
fn resource_failure(error: &io::Error) -> Option<String> {
    // Linux errno values: EMFILE 24, ENFILE 23, ENOBUFS 105, ENOMEM 12.
    match error.raw_os_error() {
        Some(24) | Some(23) => Some(
            "This computer has too many open files; close some programs and try again.".to_owned(),
        ),
        Some(105) | Some(12) => Some(
            "This computer ran out of network resources; close some programs and try again."
                .to_owned(),
        ),
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
}
