//! docs/PROTOCOL.md is the contract third parties write clients from: every
//! example line in it must be exactly what these types read and write.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use serde_json::Value;
use tertulia_shared::{ClientRequest, ErrorCode, ServerMessage};

fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/PROTOCOL.md");
    std::fs::read_to_string(path).expect("docs/PROTOCOL.md exists")
}

/// Parses `line` as `T` and checks that writing it back gives the same JSON,
/// so a misspelt or invented field in the doc cannot hide behind serde
/// ignoring unknown fields.
fn round_trips<T: serde::de::DeserializeOwned + serde::Serialize>(line: &str) -> T {
    let parsed: T = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}\n{e}"));
    let original: Value = serde_json::from_str(line).expect("JSON");
    let written = serde_json::to_value(&parsed).expect("serialize");
    assert_eq!(
        written, original,
        "the doc line differs from the types:\n{line}"
    );
    parsed
}

#[test]
fn every_example_line_is_exact() {
    let doc = doc();
    let (mut client_types, mut server_lines) = (BTreeSet::new(), 0);
    for line in doc.lines() {
        if let Some(json) = line.strip_prefix("C: ") {
            let request: ClientRequest = round_trips(json);
            let value = serde_json::to_value(&request).expect("serialize");
            client_types.insert(value["type"].as_str().unwrap_or_default().to_owned());
        } else if let Some(json) = line.strip_prefix("S: ") {
            round_trips::<ServerMessage>(json);
            server_lines += 1;
        }
    }
    let every_request = [
        "hello",
        "register",
        "login",
        "logout",
        "say",
        "create_room",
        "join_room",
        "leave_room",
        "list_rooms",
        "delete_room",
        "list_users",
        "list_members",
        "private",
        "time",
        "offer_file",
        "upload_chunk",
        "cancel_upload",
        "download_chunk",
        "history",
        "private_history",
        "resume",
        "change_password",
        "set_role",
        "kick",
        "ban",
        "unban",
        "mute",
        "unmute",
        "delete_message",
        "room_settings",
        "exam",
        "reset_password",
        "audit",
        "export_room",
        "edit_message",
        "react",
        "search",
    ];
    assert_eq!(
        client_types,
        every_request.iter().map(|s| s.to_string()).collect(),
        "every request has an example"
    );
    assert!(server_lines > 30, "only {server_lines} server examples");
}

#[test]
fn every_error_code_is_documented() {
    use ErrorCode::*;
    let codes = [
        Malformed,
        LineTooLong,
        UnsupportedVersion,
        HandshakeRequired,
        AlreadyGreeted,
        NotAuthenticated,
        AlreadyAuthenticated,
        InvalidField,
        LoginTaken,
        BadCredentials,
        AlreadyConnected,
        RoomExists,
        RoomNotFound,
        NotRoomOwner,
        CannotDeleteDefaultRoom,
        AlreadyInRoom,
        UserNotFound,
        UserOffline,
        ServerFull,
        TooManyConnections,
        RateLimited,
        TooManyRooms,
        TooManyAttempts,
        Busy,
        InvalidToken,
        TokenExpired,
        TokenRevoked,
        Forbidden,
        LastAdmin,
        Banned,
        Muted,
        ReadOnly,
        ChatClosed,
        MessageNotFound,
        PasswordChangeRequired,
        LoginTimeout,
        IdleTimeout,
        TooSlow,
        Internal,
        TlsRequired,
        FileTooLarge,
        NoSuchFile,
        NoSuchUpload,
        WrongOffset,
        HashMismatch,
    ];
    // Adding a variant breaks this match until it is listed above.
    for code in codes {
        match code {
            Malformed
            | LineTooLong
            | UnsupportedVersion
            | HandshakeRequired
            | AlreadyGreeted
            | NotAuthenticated
            | AlreadyAuthenticated
            | InvalidField
            | LoginTaken
            | BadCredentials
            | AlreadyConnected
            | RoomExists
            | RoomNotFound
            | NotRoomOwner
            | CannotDeleteDefaultRoom
            | AlreadyInRoom
            | UserNotFound
            | UserOffline
            | ServerFull
            | TooManyConnections
            | RateLimited
            | TooManyRooms
            | TooManyAttempts
            | Busy
            | InvalidToken
            | TokenExpired
            | TokenRevoked
            | Forbidden
            | LastAdmin
            | Banned
            | Muted
            | ReadOnly
            | ChatClosed
            | MessageNotFound
            | PasswordChangeRequired
            | LoginTimeout
            | IdleTimeout
            | TooSlow
            | Internal
            | TlsRequired
            | FileTooLarge
            | NoSuchFile
            | NoSuchUpload
            | WrongOffset
            | HashMismatch => {}
        }
    }
    let doc = doc();
    for code in codes {
        let name = serde_json::to_value(code).expect("serialize");
        let row = format!("| `{}` |", name.as_str().unwrap_or_default());
        assert!(doc.contains(&row), "{row} is missing from the error table");
    }
}
