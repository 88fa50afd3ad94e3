//! Opening a connection: TCP, TLS (unless the user chose plain text),
//! hello, sign-up if asked, login. Every way it can fail is a [`Failure`]
//! the UI can tell a person.

use tertulia_shared::{PROTOCOL_VERSION, Registration, Reply, Request};
use tokio::net::TcpStream;

use super::errors;
use super::failure::Failure;
use super::link::{Io, Link};
use super::out::Out;
use super::tls::{self, TlsFailure, Trust};
use super::{Arrival, CONNECT_TIMEOUT, Credentials, NetEvent, display_server, split_server};
use crate::state::Standing;

/// Opens the TCP connection, secures it (unless the user chose plain
/// text), says hello, registers if asked, logs in (with the password, or
/// with a session token: `resume`).
pub(super) async fn establish(
    out: &Out,
    server: &str,
    trust: &Trust,
    credentials: &Credentials,
    register: Option<&Registration>,
) -> Result<(Link, Arrival), Failure> {
    let (host, port) = split_server(server).map_err(Failure::Network)?;
    let shown = display_server(&host, port);
    let addresses: Vec<_> = match tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    {
        Err(_) => {
            return Err(Failure::Network(errors::timed_out(
                &shown,
                Some(CONNECT_TIMEOUT),
            )));
        }
        Ok(Err(_)) => return Err(Failure::Network(errors::name_not_found(&host))),
        Ok(Ok(addresses)) => addresses.collect(),
    };
    let mut last_failure = errors::name_not_found(&host);
    let mut stream = None;
    for address in addresses {
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address)).await {
            Ok(Ok(connected)) => {
                stream = Some(connected);
                break;
            }
            Ok(Err(e)) => last_failure = errors::connect_failure(&shown, &e),
            Err(_) => last_failure = errors::timed_out(&shown, Some(CONNECT_TIMEOUT)),
        }
    }
    let stream = stream.ok_or(Failure::Network(last_failure))?;
    let _ = stream.set_nodelay(true);
    let encrypted = !trust.plain;
    let mut fingerprint = None;
    let stream: Box<dyn Io> = if trust.plain {
        Box::new(stream)
    } else {
        match tokio::time::timeout(CONNECT_TIMEOUT, tls::handshake(stream, &host, trust)).await {
            // The TCP connection was made: the computer is on, the
            // program on that port is not answering.
            Err(_) => return Err(Failure::Network(errors::silent(&shown, CONNECT_TIMEOUT))),
            Ok(Ok(tls)) => {
                fingerprint = tls
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|chain| chain.first())
                    .map(|certificate| tertulia_shared::fingerprint::fingerprint(certificate));
                Box::new(tls)
            }
            Ok(Err(TlsFailure::Untrusted {
                fingerprint,
                pinned,
            })) => {
                return Err(Failure::Untrusted {
                    fingerprint,
                    pinned,
                });
            }
            Ok(Err(TlsFailure::NotTls)) => return Err(Failure::Network(errors::not_tls(&shown))),
            Ok(Err(TlsFailure::Incompatible(detail))) => {
                return Err(Failure::Network(errors::tls_incompatible(&shown, &detail)));
            }
            Ok(Err(TlsFailure::Io(e))) => {
                return Err(Failure::Network(errors::tls_failed(&shown, &e)));
            }
        }
    };
    let mut link = Link::new(stream, out.clone(), shown);

    let client = format!("tertulia {}", env!("CARGO_PKG_VERSION"));
    let welcome = link
        .handshake(Request::Hello {
            version: PROTOCOL_VERSION,
            client,
        })
        .await?;
    let (default_room, server_name, node) = match welcome {
        Reply::Welcome {
            default_room,
            server,
            node,
            ..
        } => (default_room, server, node),
        other => {
            tracing::warn!("unexpected answer to hello: {other:?}");
            return Err(Failure::Network(unexpected(server)));
        }
    };
    if let Some(form) = register
        && let Reply::Registered { login } = link.handshake(Request::Register(form.clone())).await?
    {
        out.emit(NetEvent::Registered { login });
    }
    let logged_in = link
        .handshake(match credentials {
            Credentials::Password { login, password } => Request::Login {
                login: login.clone(),
                password: password.clone(),
            },
            Credentials::Token(token) => Request::Resume {
                token: token.clone(),
            },
        })
        .await?;
    match logged_in {
        Reply::LoggedIn {
            login,
            room,
            members,
            member_count,
            history,
            history_more,
            queued_privates,
            token,
            role,
            announce,
            exam,
            muted,
            must_change_password,
            ..
        } => Ok((
            link,
            Arrival {
                login,
                room,
                members,
                member_count,
                default_room,
                server_name,
                node,
                address: server.trim().to_owned(),
                history,
                history_more,
                queued_privates,
                encrypted,
                fingerprint,
                token,
                standing: Standing {
                    role,
                    exam,
                    muted: muted.map(|m| *m),
                    announce,
                    must_change_password,
                },
            },
        )),
        other => {
            tracing::warn!("unexpected answer to login: {other:?}");
            Err(Failure::Network(unexpected(server)))
        }
    }
}

/// The server said something the protocol does not allow there.
fn unexpected(server: &str) -> String {
    crate::i18n::tr_args("net-unexpected-answer", &[("server", &server)])
}
