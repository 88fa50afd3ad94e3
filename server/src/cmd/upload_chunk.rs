use tertulia_shared::{ErrorBody, ErrorCode, Reply};

use super::offer_file::{answer, blocking};
use crate::session::Session;

/// `upload_chunk`: the bytes at `offset` of an upload (base64). The last
/// one is answered like a message (`sent` / `private_sent`) once the
/// content's hash is checked; the others with `upload`. Charged to the
/// user's transfer rate, not to the request rate.
pub(super) async fn apply(
    session: &mut Session,
    upload: u64,
    offset: u64,
    data: &str,
) -> Result<Reply, ErrorBody> {
    let owner = session.logged_in()?;
    let Some(bytes) = tertulia_shared::files::decode_chunk(data) else {
        return Err(ErrorBody::new(ErrorCode::Malformed, "data is not base64."));
    };
    if bytes.len() > tertulia_shared::files::CHUNK_BYTES {
        return Err(ErrorBody::new(
            ErrorCode::Malformed,
            format!(
                "A chunk has at most {} bytes.",
                tertulia_shared::files::CHUNK_BYTES
            ),
        ));
    }
    session.transferred(bytes.len());
    let files = session.shared.files.clone();
    let limits = session.shared.config.files;
    let progress =
        blocking(move || files.write_chunk(&owner, upload, offset, &bytes, limits)).await?;
    answer(session, progress).await
}
