//! The network thread's policy: connect and log in, serve the session, and
//! after a lost session reconnect with backoff until it works again, the
//! credentials are refused, or the user gives up.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tertulia_shared::{Registration, RequestId};
use tokio::sync::mpsc;

use super::establish::establish;
use super::failure::Failure;
use super::link::LinkEnd;
use super::out::Out;
use super::tls::Trust;
use super::transfers::Transfers;
use super::{Credentials, NetEvent, NetOrder, NetStats, retry_delay};

/// The network thread.
pub(super) struct Worker {
    orders: mpsc::UnboundedReceiver<NetOrder>,
    out: Out,
    /// File transfers outlive connections: they pause and resume.
    transfers: Transfers,
}

impl Worker {
    pub(super) fn new(
        orders: mpsc::UnboundedReceiver<NetOrder>,
        events: crossbeam_channel::Sender<NetEvent>,
        wake: Arc<dyn Fn() + Send + Sync>,
        stats: Arc<Mutex<NetStats>>,
    ) -> Worker {
        Worker {
            orders,
            out: Out {
                events,
                wake,
                stats,
            },
            transfers: Transfers::default(),
        }
    }

    pub(super) async fn run(mut self) {
        while let Some(order) = self.orders.recv().await {
            match order {
                NetOrder::Connect {
                    server,
                    trust,
                    credentials,
                    register,
                } => {
                    // A new session (perhaps another account) inherits
                    // nothing from the last one.
                    self.transfers.cancel_all(&self.out);
                    self.connect(server, trust, credentials, register).await
                }
                NetOrder::Send { id, .. } => self.out.emit(not_connected(id)),
                NetOrder::Logout | NetOrder::Cancel => {}
                other => self.transfers.order(&self.out, other),
            }
        }
    }

    /// Connects, logs in and serves; after a lost session, reconnects with
    /// backoff until it works again, the credentials are refused, or the user
    /// gives up. The password is dropped at the first `logged_in`: later
    /// attempts resume with the session token.
    async fn connect(
        &mut self,
        server: String,
        trust: Trust,
        mut credentials: Credentials,
        mut register: Option<Registration>,
    ) {
        // The nodes of the chat, tried in turn: a lost node's clients go
        // on at the next one.
        let nodes = super::address::alternatives(&server);
        let mut at = 0;
        let mut attempt = 0;
        let mut resumed = false;
        loop {
            attempt += 1;
            let node = nodes[at % nodes.len()].clone();
            self.out.emit(NetEvent::Connecting {
                server: node.clone(),
                attempt,
            });
            let establishing = establish(&self.out, &node, &trust, &credentials, register.as_ref());
            let result = tokio::select! {
                result = establishing => result,
                () = interruption(&mut self.orders, &self.out, &mut self.transfers) => Err(Failure::Interrupted),
            };
            let mut link = match result {
                Ok((mut link, arrival)) => {
                    credentials = Credentials::Token(arrival.token.clone());
                    self.out.emit(NetEvent::LoggedIn { arrival, resumed });
                    link.release_held();
                    link
                }
                Err(Failure::Refused(error)) => {
                    self.out.emit(NetEvent::AuthRefused(error));
                    return;
                }
                // Never retried: only the user can decide to trust it.
                Err(Failure::Untrusted {
                    fingerprint,
                    pinned,
                }) => {
                    self.out.emit(NetEvent::Untrusted {
                        server: server.clone(),
                        fingerprint,
                        pinned,
                    });
                    return;
                }
                Err(Failure::Interrupted) => {
                    self.out.emit(NetEvent::Closed {
                        message: crate::i18n::tr("net-disconnected"),
                    });
                    return;
                }
                // The first time, each node is tried once before giving up.
                Err(Failure::Network(_)) if !resumed && at + 1 < nodes.len() => {
                    at += 1;
                    continue;
                }
                Err(Failure::Network(message)) if !resumed => {
                    self.out.emit(NetEvent::ConnectFailed { message });
                    return;
                }
                Err(Failure::Network(message)) => {
                    at += 1;
                    if !self.pause(message, retry_delay(attempt)).await {
                        return;
                    }
                    continue;
                }
            };
            // Logged in: the account exists now, and later attempts only log in.
            register = None;
            attempt = 0;
            self.out.stats(|s| {
                s.server = Some(node.clone());
                s.connected_since = Some(chrono::Local::now());
                if resumed {
                    s.reconnections += 1;
                }
            });
            let end = link.serve(&mut self.orders, &mut self.transfers).await;
            // A password change during the session replaced the token.
            if let Some(token) = link.token.take() {
                credentials = Credentials::Token(token);
            }
            // Closed now, not after the pause: a server shutting down waits
            // for its clients to close before it can start again.
            drop(link);
            self.out.stats(|s| s.connected_since = None);
            match end {
                // Only a lost link is resumed; another account may log in next.
                LinkEnd::Lost(_) => self.transfers.pause(&self.out),
                _ => self.transfers.cancel_all(&self.out),
            }
            match end {
                LinkEnd::Logout => {
                    self.out.emit(NetEvent::Closed {
                        message: crate::i18n::tr("net-left"),
                    });
                    return;
                }
                LinkEnd::Cancel => {
                    self.out.emit(NetEvent::Closed {
                        message: crate::i18n::tr("net-disconnected"),
                    });
                    return;
                }
                LinkEnd::Replaced(message) => {
                    self.out.emit(NetEvent::Closed { message });
                    return;
                }
                LinkEnd::Lost(message) => {
                    resumed = true;
                    // Its node may be gone: the next one first.
                    at += 1;
                    if !self.pause(message, retry_delay(1)).await {
                        return;
                    }
                }
            }
        }
    }

    /// Tells the UI the link is down and waits `delay` before the next
    /// attempt. Returns false if the user gave up meanwhile.
    async fn pause(&mut self, message: String, delay: Duration) -> bool {
        self.out.emit(NetEvent::Disconnected {
            message,
            retry_in: delay,
        });
        tokio::select! {
            () = tokio::time::sleep(delay) => true,
            () = interruption(&mut self.orders, &self.out, &mut self.transfers) => {
                self.out.emit(NetEvent::Closed { message: crate::i18n::tr("net-disconnected") });
                false
            }
        }
    }
}

fn not_connected(id: RequestId) -> NetEvent {
    NetEvent::NotSent { id }
}

/// Resolves when the user cancels or logs out; refuses requests meanwhile
/// (transfers wait for the connection).
async fn interruption(
    orders: &mut mpsc::UnboundedReceiver<NetOrder>,
    out: &Out,
    transfers: &mut Transfers,
) {
    loop {
        match orders.recv().await {
            None | Some(NetOrder::Cancel) | Some(NetOrder::Logout) => return,
            Some(NetOrder::Send { id, .. }) => out.emit(not_connected(id)),
            Some(NetOrder::Connect { .. }) => {}
            Some(other) => transfers.order(out, other),
        }
    }
}
