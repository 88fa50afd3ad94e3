use super::*;
use serde_json::json;

#[test]
fn request_is_flat_with_optional_id() {
    let line = r#"{"id":7,"type":"create_room","room":"games"}"#;
    let parsed: ClientRequest = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        parsed,
        ClientRequest::new(
            7,
            Request::CreateRoom {
                room: "games".into()
            }
        )
    );
    let no_id: ClientRequest =
        serde_json::from_str(r#"{"type":"list_rooms"}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(no_id.id, None);
    assert_eq!(no_id.request, Request::ListRooms { after: None });
}

#[test]
fn replies_errors_and_events_are_told_apart_by_type() {
    let reply = ServerMessage::Reply {
        id: Some(1),
        result: Reply::Time { server_time_ms: 5 },
    };
    assert_eq!(
        serde_json::to_value(&reply).unwrap_or_default(),
        json!({"type":"reply","id":1,"result":{"type":"time","server_time_ms":5}})
    );
    let error = ServerMessage::Error {
        id: Some(2),
        error: ErrorBody::invalid_field(Field::Login, "too short"),
    };
    assert_eq!(
        serde_json::to_value(&error).unwrap_or_default(),
        json!({"type":"error","id":2,"code":"invalid_field","message":"too short","field":"login"})
    );
    let event = ServerMessage::Event {
        event: Event::Members {
            room: "lobby".into(),
            joined: vec!["ana".into()],
            left: Vec::new(),
        },
    };
    assert_eq!(
        serde_json::to_value(&event).unwrap_or_default(),
        json!({"type":"event","event":{"type":"members","room":"lobby","joined":["ana"]}})
    );
}

#[test]
fn every_server_message_round_trips() {
    let messages = vec![
        ServerMessage::Event {
            event: Event::Message(ChatMessage {
                edited: false,
                reactions: Vec::new(),
                reply_to: None,
                deleted: false,
                id: 41,
                room: "lobby".into(),
                from: "ana".into(),
                text: "¿qué tal? ñandú".into(),
                time_ms: 1_700_000_000_000,
                file: None,
            }),
        },
        ServerMessage::Error {
            id: None,
            error: ErrorBody::new(ErrorCode::Malformed, "not JSON"),
        },
        ServerMessage::Reply {
            id: Some(3),
            result: Reply::RoomList {
                rooms: vec![RoomInfo {
                    announce: false,
                    name: "lobby".into(),
                    members: 2,
                    creator: None,
                    is_default: true,
                }],
                next: None,
            },
        },
        ServerMessage::Reply {
            id: Some(4),
            result: Reply::PrivateHistory {
                messages: vec![PrivateMessage {
                    edited: false,
                    reactions: Vec::new(),
                    reply_to: None,
                    deleted: false,
                    id: 42,
                    from: "ana".into(),
                    to: "luis".into(),
                    text: "¿vienes?".into(),
                    time_ms: 1_700_000_000_001,
                    file: None,
                }],
                more: false,
            },
        },
    ];
    for message in messages {
        let text = serde_json::to_string(&message).unwrap_or_default();
        let back: ServerMessage =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(back, message);
    }
}

#[test]
fn debug_output_never_shows_a_password() {
    let registration = Registration {
        first_names: "Ana".into(),
        last_names: "Pérez".into(),
        login: "ana".into(),
        password: Password("s3cret-password".into()),
        age: 20,
        gender: Gender::Female,
    };
    let login = Request::Login {
        login: "ana".into(),
        password: Password("s3cret-password".into()),
    };
    let shown = format!("{:?} {login:?}", Request::Register(registration));
    assert!(!shown.contains("s3cret"), "{shown}");
    let wire = serde_json::to_string(&login).unwrap_or_default();
    assert!(wire.contains(r#""password":"s3cret-password""#), "{wire}");
}

#[test]
fn print_sizes_tmp() {
    eprintln!(
        "SIZES reply={} request={} error={} mute={}",
        std::mem::size_of::<Reply>(),
        std::mem::size_of::<Request>(),
        std::mem::size_of::<ErrorBody>(),
        std::mem::size_of::<Option<Mute>>()
    );
}
