//! One client's life on the server: handshake → anonymous → logged in → gone.
//!
//! [`Session`] is one connection's state, what the requests in `requests/` read
//! and change; [`serve`] runs the connection's task around it.

mod allowance;
mod answer;
mod farewell;
mod held;
pub(crate) mod serve;

use std::net::SocketAddr;

use tertulia_shared::{ErrorBody, ErrorCode};

use crate::accounts::TokenHash;
use crate::admission::Ticket;
use crate::outbox::{self, Outbox};
use crate::services::Shared;

pub(crate) use allowance::{Allowance, Limited};

/// A logged-in connection's user. Boxed in the session: an anonymous
/// connection, and every connection's task, stays a pointer smaller.
#[derive(Debug)]
pub(crate) struct User {
    /// The login as registered.
    pub login: String,
    /// The session token given at login, kept as its hash so that
    /// `logout` can revoke it.
    pub token: TokenHash,
    /// Logged in with a one-time password: a new one must be chosen
    /// before anything else.
    pub must_change_password: bool,
}

/// The per-connection state the commands read and change.
#[derive(Debug)]
pub(crate) struct Session {
    pub shared: Shared,
    pub peer: SocketAddr,
    /// `hello` was accepted.
    pub greeted: bool,
    /// Who the connection is logged in as, once it is.
    pub user: Option<Box<User>>,
    /// This client's own queue, handed to the hub at login.
    pub outbox: Outbox,
    /// This connection's place in the connection limits, held until the
    /// socket is closed (farewell included): the limits count descriptors.
    pub ticket: Option<Ticket>,
    pub allowance: Allowance,
}

impl Session {
    /// A connection's state before `hello`, and the receiving end of its queue.
    pub(super) fn new(
        shared: Shared,
        peer: SocketAddr,
        ticket: Ticket,
    ) -> (Session, outbox::Outgoing) {
        let (outbox, outgoing) = outbox::channel(shared.config.outbox_capacity);
        let session = Session {
            shared,
            peer,
            greeted: false,
            user: None,
            outbox,
            ticket: Some(ticket),
            allowance: Allowance::new(),
        };
        (session, outgoing)
    }

    /// The login (as registered) once authenticated.
    pub fn login(&self) -> Option<&str> {
        self.user.as_ref().map(|user| user.login.as_str())
    }

    /// The logged-in user's login, or `not_authenticated`.
    pub fn logged_in(&self) -> Result<String, ErrorBody> {
        self.login().map(str::to_owned).ok_or_else(|| {
            ErrorBody::new(
                ErrorCode::NotAuthenticated,
                "Log in first (or create an account).",
            )
        })
    }

    /// Refuses `login` and `register` on a connection that is already logged in.
    pub fn require_anonymous(&self) -> Result<(), ErrorBody> {
        match self.login() {
            Some(login) => Err(ErrorBody::new(
                ErrorCode::AlreadyAuthenticated,
                format!("You are already logged in as {login}."),
            )),
            None => Ok(()),
        }
    }

    /// Takes one `kind` token, or refuses with `rate_limited`.
    pub fn within(&mut self, kind: Limited) -> Result<(), ErrorBody> {
        self.allowance.take(kind, &self.shared.config)
    }
}
