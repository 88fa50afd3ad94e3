use tertulia_shared::Reply;

use super::answer::{Answer, Outcome};
use crate::files::work::off_thread;
use crate::session::Session;

/// `download_chunk`: the bytes of a shared file from `offset` on (one
/// chunk). A client asks for the next chunks as the previous ones arrive,
/// so a download never fills the connection's queue ahead of chat lines.
/// Charged to the user's transfer rate, not to the request rate.
pub(super) async fn apply(session: &mut Session, file: u64, offset: u64) -> Outcome {
    let login = session.logged_in()?;
    let files = session.shared.files.clone();
    let (bytes, eof) = off_thread(move || files.read_chunk(&login, file, offset)).await?;
    let moved = bytes.len();
    Ok(Answer::reply(Reply::FileChunk {
        file,
        offset,
        data: tertulia_shared::files::encode_chunk(&bytes),
        eof,
    })
    .transferred(moved))
}
