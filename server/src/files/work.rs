//! What the file requests (`offer_file`, `upload_chunk`, `cancel_upload`,
//! `download_chunk` in `requests/`) share: store work run off the async
//! threads, and what a finished upload becomes.

use tertulia_shared::{ErrorBody, ErrorCode, MessageId, Reply};

use super::{FileError, Progress, Target};
use crate::services::Services;

/// Runs file store work on a blocking thread.
pub(crate) async fn off_thread<T: Send + 'static>(
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

/// Turns an upload's progress into its reply: the bytes still wanted, or
/// the file shared as a message (with the id whose storing the reply
/// waits for).
pub(crate) async fn progress_reply(
    services: &Services,
    from: &str,
    progress: Progress,
) -> Result<(Reply, Option<MessageId>), ErrorBody> {
    match progress {
        Progress::Uploading { upload, received } => Ok((
            Reply::Upload {
                upload,
                received,
                chunk_bytes: tertulia_shared::files::CHUNK_BYTES,
            },
            None,
        )),
        Progress::Complete {
            file,
            target: Target::Room { key, .. },
        } => {
            if services.cluster.is_some() {
                let text = file.name.clone();
                let message = services
                    .post_in_cluster(from, Some(&key), text, Some(file), None)
                    .await?;
                return Ok((Reply::Sent { message }, None));
            }
            let message = services.hub.share_in_room(from, &key, file)?;
            let id = message.id;
            Ok((Reply::Sent { message }, Some(id)))
        }
        Progress::Complete {
            file,
            target: Target::Private { to },
        } => {
            let sent = services
                .send_private(from, &to, None, file.name.clone(), (Some(file), None))
                .await?;
            let id = sent.message.id;
            let reply = Reply::PrivateSent {
                message: Box::new(sent.message),
                queued: sent.queued,
            };
            Ok((reply, Some(id)))
        }
    }
}
