use tertulia_shared::{ErrorBody, Reply};

use super::offer_file::blocking;
use crate::session::Session;

/// `cancel_upload`: gives up an upload; what was received is deleted.
pub(super) async fn apply(session: &mut Session, upload: u64) -> Result<Reply, ErrorBody> {
    let owner = session.logged_in()?;
    let files = session.shared.files.clone();
    blocking(move || files.cancel(&owner, upload)).await?;
    Ok(Reply::UploadCancelled { upload })
}
