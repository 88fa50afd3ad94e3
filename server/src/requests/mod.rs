//! Every request the server understands, one file each, named after the
//! request. Parsing happened in `tertulia_shared::codec`; here each handler
//! checks its preconditions (greeted, logged in, within its rate…), applies
//! itself to the session and the hub, and returns its [`Answer`]: the reply
//! and what the session must do about it. [`apply`] is the one dispatch.
//!
//! The `#` words typed in the client (`tertulia_shared::command::COMMANDS`)
//! and the files that handle them:
//!
//! | typed | request | file |
//! |---|---|---|
//! | `#cR <room>` | `create_room` | `create_room.rs` |
//! | `#gR <room>` | `join_room` | `join_room.rs` |
//! | `#eR` | `leave_room` | `leave_room.rs` |
//! | `#lR` | `list_rooms` | `list_rooms.rs` |
//! | `#dR <room>` | `delete_room` | `delete_room.rs` |
//! | `#show users` | `list_users` | `list_users.rs` |
//! | `#\private <user> <message>` | `private` | `private.rs` |
//! | `#file <path>` | `offer_file`, then `upload_chunk` | `offer_file.rs`, `upload_chunk.rs` |
//! | `#exit` | `logout` | `logout.rs` |
//! | chat text | `say` | `say.rs` |
//! | ↑ in the empty box, then Enter | `edit_message` | `edit_message.rs` |
//! | a reaction under a message | `react` | `react.rs` |
//! | Ctrl+F | `search` | `search.rs` |
//! | `#del <id>`, or a message's menu | `delete_message` | `delete_message.rs` |
//!
//! `#help` and `#net` never reach the server. The shared steps of the file
//! requests live in `crate::files::work`, the rules of private messages
//! (to a file or a text) in `crate::rooms::private`.

mod answer;
mod audit;
mod ban;
mod cancel_upload;
mod change_password;
mod create_room;
mod delete_message;
mod delete_room;
mod download_chunk;
mod edit_message;
mod exam;
mod export_room;
mod hello;
mod history;
mod join_room;
mod kick;
mod leave_room;
mod list_members;
mod list_rooms;
mod list_users;
mod login;
mod logout;
mod mute;
mod offer_file;
mod private;
mod private_history;
mod react;
mod register;
mod reset_password;
mod resume;
mod room_settings;
mod say;
mod search;
mod set_role;
mod staff;
mod time;
mod upload_chunk;

use std::future::Future;
use std::pin::Pin;

use tertulia_shared::{ErrorBody, ErrorCode, Request};

use crate::session::Session;

pub(crate) use answer::{Answer, Outcome};

/// A request's answer on its way: at once for most, through an `async`
/// call for those that wait (bcrypt, the database, a file).
// Matched at once, never kept across an `.await`: boxing the answer would
// only cost an allocation per request.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Step {
    Now(Answer),
    /// Started on the session when the connection is ready to wait: the
    /// session is free again until then, and only the state of a request
    /// that waits (a login waiting for bcrypt) is kept, boxed, while it
    /// runs, not in every idle connection's task.
    Later(Waiting),
}

/// A request that waits, ready to start on its session.
pub(crate) type Waiting = Box<
    dyn for<'s> FnOnce(&'s mut Session) -> Pin<Box<dyn Future<Output = Outcome> + Send + 's>>
        + Send,
>;

fn now(outcome: Outcome) -> Step {
    Step::Now(outcome.unwrap_or_else(Answer::refused))
}

fn later(
    start: impl for<'s> FnOnce(&'s mut Session) -> Pin<Box<dyn Future<Output = Outcome> + Send + 's>>
    + Send
    + 'static,
) -> Step {
    Step::Later(Box::new(start))
}

/// Applies one request: exactly one reply or error goes back for each.
pub(crate) fn apply(session: &mut Session, request: Request) -> Step {
    match request {
        Request::Hello { version, client } => now(hello::apply(session, version, &client)),
        _ if !session.greeted => Step::Now(Answer::refused(ErrorBody::new(
            ErrorCode::HandshakeRequired,
            "Send hello (with your protocol version) first.",
        ))),
        Request::Logout => later(|s| Box::pin(logout::apply(s))),
        Request::Time => now(time::apply()),
        Request::ChangePassword { old, new } => {
            later(move |s| Box::pin(change_password::apply(s, old, new)))
        }
        _ if session
            .user
            .as_ref()
            .is_some_and(|user| user.must_change_password) =>
        {
            Step::Now(Answer::refused(ErrorBody::new(
                ErrorCode::PasswordChangeRequired,
                "Your password was reset: choose a new one first.",
            )))
        }
        Request::Say { text, reply_to } if session.shared.cluster.is_some() => {
            later(move |s| Box::pin(say::clustered(s, text, reply_to)))
        }
        Request::CreateRoom { room } if session.shared.cluster.is_some() => {
            later(move |s| Box::pin(create_room::clustered(s, room)))
        }
        Request::Say {
            text,
            reply_to: None,
        } => now(say::apply(session, text, None)),
        Request::Say {
            text,
            reply_to: Some(id),
        } => later(move |s| Box::pin(say::answering(s, text, id))),
        Request::CreateRoom { room } => now(create_room::apply(session, &room)),
        Request::JoinRoom { room } => now(join_room::apply(session, &room)),
        Request::LeaveRoom => now(leave_room::apply(session)),
        Request::ListRooms { after } => now(list_rooms::apply(session, after.as_deref())),
        Request::DeleteRoom { room } => later(move |s| Box::pin(delete_room::apply(s, room))),
        Request::ListMembers { room, after } => {
            now(list_members::apply(session, &room, after.as_deref()))
        }
        Request::Register(form) => later(move |s| Box::pin(register::apply(s, form))),
        Request::Login { login, password } => {
            later(move |s| Box::pin(login::apply(s, login, password)))
        }
        Request::Resume { token } => later(move |s| Box::pin(resume::apply(s, token))),
        Request::Kick { login, reason } => later(move |s| Box::pin(kick::apply(s, login, reason))),
        Request::Ban { login, reason } => {
            later(move |s| Box::pin(ban::apply(s, login, Some(reason))))
        }
        Request::Unban { login } => later(move |s| Box::pin(ban::apply(s, login, None))),
        Request::Mute {
            login,
            minutes,
            reason,
        } => later(move |s| Box::pin(mute::apply(s, login, Some((minutes, reason))))),
        Request::Unmute { login } => later(move |s| Box::pin(mute::apply(s, login, None))),
        Request::DeleteMessage { message } => {
            later(move |s| Box::pin(delete_message::apply(s, message)))
        }
        Request::RoomSettings { room, announce } => {
            later(move |s| Box::pin(room_settings::apply(s, room, announce)))
        }
        Request::Exam { on } => later(move |s| Box::pin(exam::apply(s, on))),
        Request::ResetPassword { login } => {
            later(move |s| Box::pin(reset_password::apply(s, login)))
        }
        Request::Audit { before_id } => later(move |s| Box::pin(audit::apply(s, before_id))),
        Request::ExportRoom {
            room,
            from_ms,
            to_ms,
            format,
        } => later(move |s| Box::pin(export_room::apply(s, room, (from_ms, to_ms), format))),
        Request::SetRole { login, role } => {
            later(move |s| Box::pin(set_role::apply(s, login, role)))
        }
        Request::ListUsers { after } => later(move |s| Box::pin(list_users::apply(s, after))),
        Request::Private { to, text, reply_to } => {
            later(move |s| Box::pin(private::apply(s, to, text, reply_to)))
        }
        Request::EditMessage { message, text } => {
            later(move |s| Box::pin(edit_message::apply(s, message, text)))
        }
        Request::React { message, emoji } => {
            later(move |s| Box::pin(react::apply(s, message, emoji)))
        }
        Request::Search {
            query,
            room,
            before_id,
        } => later(move |s| Box::pin(search::apply(s, query, room, before_id))),
        Request::History {
            room,
            before_id,
            after_id,
        } => later(move |s| Box::pin(history::apply(s, room, before_id, after_id))),
        Request::PrivateHistory {
            before_id,
            after_id,
        } => later(move |s| Box::pin(private_history::apply(s, before_id, after_id))),
        Request::OfferFile {
            name,
            size,
            sha256,
            to,
        } => later(move |s| Box::pin(offer_file::apply(s, name, size, sha256, to))),
        Request::UploadChunk {
            upload,
            offset,
            data,
        } => later(move |s| Box::pin(upload_chunk::apply(s, upload, offset, data))),
        Request::CancelUpload { upload } => {
            later(move |s| Box::pin(cancel_upload::apply(s, upload)))
        }
        Request::DownloadChunk { file, offset } => {
            later(move |s| Box::pin(download_chunk::apply(s, file, offset)))
        }
    }
}
