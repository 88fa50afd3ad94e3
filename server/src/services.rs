//! The server's parts every request handler may reach, behind one shared pointer
//! per connection, and the rules that take more than one of them (a
//! private message needs the online users and the accounts).

use std::sync::{Arc, Mutex, MutexGuard};

use tertulia_shared::{
    ErrorBody, ErrorCode, Field, FileInfo, MessageId, PrivateMessage, Quote, Role, validate,
};

use crate::accounts::Accounts;
use crate::config::Config;
use crate::files::FileStore;
use crate::history::{Found, MessageLog};
use crate::rooms::{Hub, PrivateOutcome};
use crate::throttle::LoginThrottle;

/// What every connection task shares, behind one pointer per connection
/// (the handles together are 128 bytes; ten thousand idle connections
/// would each keep a copy).
pub(crate) type Shared = Arc<Services>;

/// The server's parts a request handler may reach.
#[derive(Debug)]
pub(crate) struct Services {
    pub hub: Hub,
    pub accounts: Accounts,
    /// Where the hub stores messages (the same log it writes to).
    pub log: MessageLog,
    pub files: FileStore,
    pub config: Arc<Config>,
    pub logins: Arc<Mutex<LoginThrottle>>,
    /// The other nodes (`--cluster`): room messages are then numbered and
    /// stored by PostgreSQL before they are delivered.
    pub cluster: Option<Arc<crate::cluster::Cluster>>,
}

/// A private message as it went: the message, and whether it waits for
/// the recipient's next login.
pub(crate) struct Sent {
    pub message: PrivateMessage,
    pub queued: bool,
}

impl Services {
    /// In a cluster, tells the other nodes a change already applied here
    /// (`change` is only made when there are other nodes).
    pub async fn tell_others(&self, change: impl FnOnce() -> crate::rooms::Change) {
        if let Some(cluster) = &self.cluster {
            cluster.publish_change(&change()).await;
        }
    }

    /// The failed-login record, locked for a short synchronous section.
    pub fn logins(&self) -> MutexGuard<'_, LoginThrottle> {
        self.logins.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stored message `id`, once it is stored (it may have been delivered
    /// a moment ago), or `message_not_found`.
    pub async fn original(&self, id: MessageId) -> Result<Found, ErrorBody> {
        let not_found = || {
            ErrorBody::new(
                ErrorCode::MessageNotFound,
                format!("There is no message {id} (it may be older than the server keeps)."),
            )
        };
        if id == 0 || id > self.hub.last_id() {
            return Err(not_found());
        }
        let _ = self.log.stored(id).await;
        self.log
            .find(id)
            .await
            .map_err(crate::history::unreadable)?
            .ok_or_else(not_found)
    }

    /// The login of the registered user called `to` (as registered), or
    /// `user_not_found`.
    pub async fn recipient(&self, to: &str) -> Result<(String, Role), ErrorBody> {
        if validate::login(to).is_ok()
            && let Some(found) = self.accounts.find(to.to_owned()).await?
        {
            return Ok(found);
        }
        Err(no_such_user(to))
    }

    /// A room message on a node of a cluster (see [`crate::cluster`]):
    /// checked by the hub, numbered and stored by PostgreSQL, then
    /// delivered in its room's order here and on the other nodes. To
    /// `room_key` (a file offered there) or the sender's room.
    pub async fn post_in_cluster(
        &self,
        from: &str,
        room_key: Option<&str>,
        text: String,
        file: Option<FileInfo>,
        reply_to: Option<crate::rooms::Answering>,
    ) -> Result<Arc<tertulia_shared::ChatMessage>, ErrorBody> {
        let draft = self.hub.draft(from, room_key, text, file, reply_to)?;
        let Some(cluster) = &self.cluster else {
            return Err(ErrorBody::new(
                ErrorCode::Internal,
                "This server is not part of a cluster.",
            ));
        };
        let room_key = draft.room_key.clone();
        let (message, prev_id) = cluster.store_room(draft).await?;
        cluster
            .deliver_and_publish(&self.hub, &self.log, (&room_key, prev_id), message.clone())
            .await;
        // Seen by its members once committed; acknowledged once on disk.
        cluster.durable().await?;
        Ok(message)
    }

    /// The one path of every private message, a text or a file: to any
    /// registered user (the sender too: a note to self), whatever room
    /// either is in; delivered at once if they are online, stored for
    /// their next login if not; `reply_to` quotes what it answers. `registered` is the recipient's login as
    /// registered when the caller knows it already (a file's recipient was
    /// checked when it was offered); otherwise the accounts are read only
    /// if the recipient is offline.
    pub async fn send_private(
        &self,
        from: &str,
        to: &str,
        registered: Option<(&str, Role)>,
        text: String,
        (file, reply_to): (Option<FileInfo>, Option<Box<Quote>>),
    ) -> Result<Sent, ErrorBody> {
        // In a cluster its id comes from PostgreSQL, as every message's.
        let id = match &self.cluster {
            Some(cluster) => Some(cluster.next_id().await?),
            None => None,
        };
        let outcome = match self
            .hub
            .private(from, to, text, registered, (file, reply_to), id)?
        {
            PrivateOutcome::Offline {
                text,
                file,
                reply_to,
            } => {
                let (login, role) = self.recipient(to).await?;
                self.hub
                    .private(from, to, text, Some((&login, role)), (file, reply_to), id)?
            }
            outcome => outcome,
        };
        match outcome {
            PrivateOutcome::Delivered(message) => Ok(Sent {
                message,
                queued: false,
            }),
            PrivateOutcome::Queued(message) => {
                // The recipient may be on another node, which marks it
                // delivered if they are there: told only once it is
                // stored, or that mark could come before the row.
                if let Some(cluster) = &self.cluster
                    && self.log.stored(message.id).await.is_ok()
                {
                    cluster.publish_private(&message).await;
                }
                Ok(Sent {
                    message,
                    queued: true,
                })
            }
            // Not returned once the recipient's login is known.
            PrivateOutcome::Offline { .. } => Err(no_such_user(to)),
        }
    }
}

fn no_such_user(to: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::UserNotFound,
        format!("There is no user called {to}."),
    )
    .with_field(Field::To)
}
