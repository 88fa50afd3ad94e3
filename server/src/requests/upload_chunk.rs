use tertulia_shared::files::{CHUNK_BYTES, decode_chunk};
use tertulia_shared::{ErrorBody, ErrorCode};

use super::answer::{Answer, Outcome};
use crate::files::work::{off_thread, progress_reply};
use crate::session::Session;

/// `upload_chunk`: the bytes at `offset` of an upload (base64). The last
/// one is answered like a message (`sent` / `private_sent`) once the
/// content's SHA-256 is checked; the others with `upload`. Charged to the
/// user's transfer rate, not to the request rate.
pub(super) async fn apply(
    session: &mut Session,
    upload: u64,
    offset: u64,
    data: String,
) -> Outcome {
    let owner = session.logged_in()?;
    let Some(bytes) = decode_chunk(&data) else {
        return Err(ErrorBody::new(ErrorCode::Malformed, "data is not base64."));
    };
    drop(data);
    if bytes.len() > CHUNK_BYTES {
        return Err(ErrorBody::new(
            ErrorCode::Malformed,
            format!("A chunk has at most {CHUNK_BYTES} bytes."),
        ));
    }
    let moved = bytes.len();
    let files = session.shared.files.clone();
    let limits = session.shared.config.files;
    let from = owner.clone();
    let shared = async {
        let progress =
            off_thread(move || files.write_chunk(&owner, upload, offset, &bytes, limits)).await?;
        progress_reply(&session.shared, &from, progress).await
    };
    // Refused or not, the bytes came in: they count against the rate.
    let answer = match shared.await {
        Ok((reply, stored)) => Answer::reply(reply).when_stored(stored),
        Err(error) => Answer::refused(error),
    };
    Ok(answer.transferred(moved))
}
