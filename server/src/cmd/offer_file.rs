use tertulia_shared::{ErrorBody, ErrorCode, Field, Reply, validate};

use crate::files::{FileError, Offer, Progress, Target};
use crate::rooms::PrivateOutcome;
use crate::session::Session;

/// `offer_file`: a file for the sender's room, or for one person (`to`).
/// Content the server already has is shared at once (`sent` /
/// `private_sent`, as for a message); otherwise the answer is `upload`,
/// saying from which byte to send (an interrupted upload of the same
/// content to the same place resumes).
pub(super) async fn apply(
    session: &mut Session,
    name: String,
    size: u64,
    sha256: String,
    to: Option<String>,
) -> Result<Reply, ErrorBody> {
    let owner = session.logged_in()?;
    let target = match to {
        Some(to) => {
            let not_found = || {
                ErrorBody::new(
                    ErrorCode::UserNotFound,
                    format!("There is no user called {to}."),
                )
                .with_field(Field::To)
            };
            if validate::login(&to).is_err() {
                return Err(not_found());
            }
            match session.shared.accounts.find(to.clone()).await? {
                Some(login) => Target::Private { to: login },
                None => return Err(not_found()),
            }
        }
        None => {
            let (key, name) = session.shared.hub.room_of(&owner)?;
            Target::Room { key, name }
        }
    };
    let offer = Offer {
        name,
        size,
        sha256,
        target,
    };
    let files = session.shared.files.clone();
    let limits = session.shared.config.files;
    let progress = blocking(move || files.offer(&owner, offer, limits)).await?;
    answer(session, progress).await
}

/// Runs file work on a blocking thread.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, FileError> + Send + 'static,
) -> Result<T, ErrorBody> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(ErrorBody::from),
        Err(e) => {
            tracing::error!("file work failed: {e}");
            Err(ErrorBody::new(
                ErrorCode::Internal,
                "The server could not store or read the file; try again.",
            ))
        }
    }
}

/// Turns progress into the reply: bytes still wanted, or the file shared
/// as a message whose reply waits until it is stored.
pub(super) async fn answer(session: &mut Session, progress: Progress) -> Result<Reply, ErrorBody> {
    let from = session.logged_in()?;
    match progress {
        Progress::Uploading { upload, received } => Ok(Reply::Upload {
            upload,
            received,
            chunk_bytes: tertulia_shared::files::CHUNK_BYTES,
        }),
        Progress::Complete {
            file,
            target: Target::Room { key, .. },
        } => {
            let message = session.shared.hub.share_in_room(&from, &key, file)?;
            session.reply_when_stored(message.id);
            Ok(Reply::Sent { message })
        }
        Progress::Complete {
            file,
            target: Target::Private { to },
        } => {
            let hub = &session.shared.hub;
            let (message, queued) =
                match hub.private(&from, &to, file.name.clone(), Some(&to), Some(file))? {
                    PrivateOutcome::Delivered(message) => (message, false),
                    PrivateOutcome::Queued(message) => (message, true),
                    PrivateOutcome::Offline(_) => {
                        return Err(ErrorBody::new(
                            ErrorCode::UserNotFound,
                            format!("There is no user called {to}."),
                        ));
                    }
                };
            session.reply_when_stored(message.id);
            Ok(Reply::PrivateSent { message, queued })
        }
    }
}
