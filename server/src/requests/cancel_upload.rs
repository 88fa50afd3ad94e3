use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};
use crate::files::work::off_thread;
use crate::session::Session;

/// `cancel_upload`: gives up an upload; what was received is deleted.
pub(super) async fn apply(session: &mut Session, upload: u64) -> Outcome {
    let owner = session.logged_in()?;
    let files = session.shared.files.clone();
    off_thread(move || files.cancel(&owner, upload)).await?;
    Ok(Answer::reply(Reply::UploadCancelled { upload }))
}
