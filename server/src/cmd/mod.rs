//! Every request the server understands, one file each. Parsing happened in
//! `tertulia_shared::codec`; here each command checks its preconditions
//! (greeted, logged in…) and applies itself to the session and the hub.

mod cancel_upload;
mod create_room;
mod delete_room;
mod download_chunk;
mod hello;
mod history;
mod join_room;
mod leave_room;
mod list_members;
mod list_rooms;
mod list_users;
mod login;
mod logout;
mod offer_file;
mod private;
mod private_history;
mod register;
mod say;
mod time;
mod upload_chunk;

use tertulia_shared::{ErrorBody, ErrorCode, Reply, Request};

use crate::session::Session;

/// A request that waits (for bcrypt, the database or a file): only
/// [`apply_now`] makes one, for [`apply_later`].
#[derive(Debug)]
pub(crate) struct Waiting(Request);

/// Applies a request that needs no waiting, most of them: exactly one reply
/// or error goes back for each. A request that waits comes back as
/// [`Waiting`], so that only those carry the state of an `async` call.
pub(crate) fn apply_now(
    session: &mut Session,
    request: Request,
) -> Result<Result<Reply, ErrorBody>, Waiting> {
    Ok(match request {
        Request::Hello { version, client } => hello::apply(session, version, &client),
        _ if !session.greeted => Err(ErrorBody::new(
            ErrorCode::HandshakeRequired,
            "Send hello (with your protocol version) first.",
        )),
        Request::Logout => Ok(logout::apply(session)),
        Request::Time => Ok(time::apply()),
        Request::Say { text } => say::apply(session, text),
        Request::CreateRoom { room } => create_room::apply(session, &room),
        Request::JoinRoom { room } => join_room::apply(session, &room),
        Request::LeaveRoom => leave_room::apply(session),
        Request::ListRooms { after } => list_rooms::apply(session, after.as_deref()),
        Request::DeleteRoom { room } => delete_room::apply(session, &room),
        Request::ListMembers { room, after } => {
            list_members::apply(session, &room, after.as_deref())
        }
        // Listed, not matched with `_`: a new request must be sorted here.
        waiting @ (Request::Register(_)
        | Request::Login { .. }
        | Request::ListUsers { .. }
        | Request::Private { .. }
        | Request::History { .. }
        | Request::PrivateHistory { .. }
        | Request::OfferFile { .. }
        | Request::UploadChunk { .. }
        | Request::CancelUpload { .. }
        | Request::DownloadChunk { .. }) => return Err(Waiting(waiting)),
    })
}

/// Applies a request [`apply_now`] gave back. Exactly one reply or error
/// goes back for each.
pub(crate) async fn apply_later(
    session: &mut Session,
    waiting: Waiting,
) -> Result<Reply, ErrorBody> {
    match waiting.0 {
        Request::Register(form) => register::apply(session, form).await,
        Request::Login { login, password } => login::apply(session, login, password).await,
        Request::ListUsers { after } => list_users::apply(session, after).await,
        Request::Private { to, text } => private::apply(session, &to, text).await,
        Request::History {
            room,
            before_id,
            after_id,
        } => history::apply(session, &room, before_id, after_id).await,
        Request::PrivateHistory {
            before_id,
            after_id,
        } => private_history::apply(session, before_id, after_id).await,
        Request::OfferFile {
            name,
            size,
            sha256,
            to,
        } => offer_file::apply(session, name, size, sha256, to).await,
        Request::UploadChunk {
            upload,
            offset,
            data,
        } => upload_chunk::apply(session, upload, offset, &data).await,
        Request::CancelUpload { upload } => cancel_upload::apply(session, upload).await,
        Request::DownloadChunk { file, offset } => {
            download_chunk::apply(session, file, offset).await
        }
        // `apply_now` answered every other request itself.
        other => Err(ErrorBody::new(
            ErrorCode::Internal,
            format!("The server mishandled this request ({other:?})."),
        )),
    }
}
