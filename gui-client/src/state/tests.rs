use super::*;
use tertulia_shared::{PrivateMessage, Reply};

fn room(name: &str, members: usize, creator: Option<&str>) -> RoomInfo {
    RoomInfo {
        announce: false,
        name: name.into(),
        members,
        creator: creator.map(Into::into),
        is_default: creator.is_none(),
    }
}

fn state() -> ChatState {
    ChatState::new(
        "ana",
        "lobby",
        &["ana".into(), "luis".into()],
        2,
        "lobby",
        (Vec::new(), false),
    )
}

fn chat(id: MessageId, room: &str, from: &str, text: &str) -> ChatMessage {
    ChatMessage {
        edited: false,
        reactions: Vec::new(),
        reply_to: None,
        deleted: false,
        id,
        room: room.into(),
        from: from.into(),
        text: text.into(),
        time_ms: 5,
        file: None,
    }
}

fn message(room: &str, from: &str, text: &str) -> Event {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    Event::Message(ChatMessage {
        edited: false,
        reactions: Vec::new(),
        reply_to: None,
        deleted: false,
        id: NEXT.fetch_add(1, Ordering::Relaxed),
        room: room.into(),
        from: from.into(),
        text: text.into(),
        time_ms: 5,
        file: None,
    })
}

#[test]
fn messages_go_to_their_own_room_log() {
    let mut s = state();
    s.apply_event(message("lobby", "luis", "hola"));
    s.apply_event(message("Física", "eva", "elsewhere"));
    s.apply_event(message("lobby", "ANA", "mine"));
    let chats: Vec<_> = s
        .log()
        .iter()
        .filter_map(|l| match l {
            Line::Chat { text, mine, .. } => Some((text.as_str(), *mine)),
            _ => None,
        })
        .collect();
    assert_eq!(chats, [("hola", false), ("mine", true)]);
    assert_eq!(s.log_of("física").len(), 1);
}

#[test]
fn joining_leaving_and_being_moved_change_the_current_room() {
    let mut s = state();
    s.lists_stale = false;
    s.apply_reply(
        Reply::Joined {
            announce: false,
            staff: Default::default(),
            room: "Física".into(),
            members: vec!["ana".into()],
            member_count: 1,
            members_next: None,
            history: Vec::new(),
            history_more: false,
        },
        false,
    );
    assert_eq!(s.room, "Física");
    assert!(
        !s.lists_stale,
        "moving reads no list: presence keeps them current"
    );
    assert!(matches!(s.log().last(), Some(Line::Notice(n)) if n.contains("nobody else")));
    s.apply_event(Event::MovedToDefault {
        room: "lobby".into(),
        from_room: "Física".into(),
        reason: MoveReason::CreatorLeft,
    });
    assert_eq!(s.room, "lobby");
    assert!(matches!(s.log().last(), Some(Line::Notice(n)) if n.contains("creator left")));
    s.apply_reply(
        Reply::Left {
            announce: false,
            room: "lobby".into(),
            changed: false,
            history: Vec::new(),
            history_more: false,
        },
        true,
    );
    assert!(matches!(s.log().last(), Some(Line::Notice(n)) if n.contains("already")));
}

#[test]
fn a_big_room_is_described_by_its_count() {
    let s = ChatState::new(
        "ana",
        "lobby",
        &["ana".into(), "beto".into()],
        480,
        "lobby",
        (Vec::new(), false),
    );
    assert!(
        matches!(s.log().last(), Some(Line::Notice(n)) if n.contains("479 others")),
        "{:?}",
        s.log()
    );
}

#[test]
fn the_room_list_follows_creation_and_deletion() {
    let mut s = state();
    s.apply_reply(
        Reply::RoomList {
            rooms: vec![room("lobby", 2, None)],
            next: None,
        },
        false,
    );
    assert!(
        s.log().iter().all(|l| !matches!(l, Line::Info(_))),
        "not typed: not shown"
    );
    s.apply_event(Event::RoomCreated {
        room: "juegos".into(),
        creator: "luis".into(),
    });
    assert_eq!(s.rooms.len(), 2);
    assert!(!s.owns(&s.rooms[1]));
    s.apply_event(Event::RoomCreated {
        room: "mía".into(),
        creator: "Ana".into(),
    });
    assert!(s.owns(&s.rooms[2]));
    s.apply_event(Event::RoomDeleted {
        room: "JUEGOS".into(),
        reason: MoveReason::RoomDeleted,
    });
    let names: Vec<_> = s.rooms.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["lobby", "mía"]);
}

#[test]
fn typed_list_commands_print_their_results() {
    let mut s = state();
    s.apply_reply(
        Reply::RoomList {
            rooms: vec![room("lobby", 1, None), room("física", 3, Some("eva"))],
            next: None,
        },
        true,
    );
    let Some(Line::Info(text)) = s.log().last() else {
        panic!("{:?}", s.log())
    };
    assert!(text.contains("lobby — 1 person (default room)"), "{text}");
    assert!(text.contains("física — 3 people (by eva)"), "{text}");
}

#[test]
fn private_messages_open_their_window_and_count_as_unread_until_seen() {
    let mut s = state();
    for (id, text) in [(1, "hola"), (2, "¿estás?")] {
        s.apply_event(Event::Private(PrivateMessage {
            edited: false,
            reactions: Vec::new(),
            reply_to: None,
            deleted: false,
            id,
            from: "Luis".into(),
            to: "ana".into(),
            text: text.into(),
            time_ms: 1,
            file: None,
        }));
    }
    assert_eq!(s.unread_from("luis"), 2);
    assert_eq!(s.total_unread(), 2);
    assert!(s.conversations["luis"].open);
    s.mark_read("LUIS");
    assert_eq!(s.total_unread(), 0);
    s.apply_reply(
        Reply::PrivateSent {
            queued: false,
            message: Box::new(PrivateMessage {
                edited: false,
                reactions: Vec::new(),
                reply_to: None,
                deleted: false,
                id: 3,
                from: "ana".into(),
                to: "Luis".into(),
                text: "sí".into(),
                time_ms: 2,
                file: None,
            }),
        },
        false,
    );
    assert_eq!(s.conversations["luis"].lines.len(), 3);
    assert_eq!(s.unread_from("luis"), 0, "my own messages are never unread");
}

fn chat_ids(s: &ChatState, room: &str) -> Vec<MessageId> {
    s.log_of(room)
        .iter()
        .filter_map(|l| match l {
            Line::Chat { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

#[test]
fn history_on_entering_then_older_pages_then_catch_up_show_each_message_once_in_order() {
    let mut s = state();
    let latest: Vec<_> = (8..=10).map(|id| chat(id, "Física", "luis", "x")).collect();
    s.apply_reply(
        Reply::Joined {
            announce: false,
            staff: Default::default(),
            room: "Física".into(),
            members: vec!["ana".into()],
            member_count: 1,
            members_next: None,
            history: latest,
            history_more: true,
        },
        false,
    );
    assert_eq!(chat_ids(&s, "física"), [8, 9, 10]);
    assert_eq!(s.older_before("Física"), Some(8));
    // Scrolling up: an older page goes on top, and the last one says so.
    s.apply_reply(
        Reply::History {
            room: "Física".into(),
            messages: (5..=7).map(|id| chat(id, "Física", "eva", "y")).collect(),
            more: false,
        },
        false,
    );
    assert_eq!(chat_ids(&s, "física"), [5, 6, 7, 8, 9, 10]);
    assert_eq!(s.prepended("física"), 3);
    assert_eq!(s.older_before("Física"), None);
    // Live and caught-up messages overlap: each shows once.
    s.apply_event(Event::Message(chat(11, "Física", "luis", "live")));
    s.add_history(
        "Física",
        (9..=12).map(|id| chat(id, "Física", "luis", "z")).collect(),
        false,
        Direction::Newer,
    );
    assert_eq!(chat_ids(&s, "física"), [5, 6, 7, 8, 9, 10, 11, 12]);
    assert_eq!(s.last_seen, 12);
}

#[test]
fn private_messages_caught_up_late_are_filed_in_order_once_and_unread() {
    let mut s = state();
    let private = |id, from: &str, to: &str| PrivateMessage {
        edited: false,
        reactions: Vec::new(),
        reply_to: None,
        deleted: false,
        id,
        from: from.into(),
        to: to.into(),
        text: format!("p{id}"),
        time_ms: 1,
        file: None,
    };
    s.add_private(private(3, "luis", "ana"));
    s.add_private(private(1, "luis", "ana"));
    s.add_private(private(2, "ana", "luis"));
    s.add_private(private(3, "luis", "ana"));
    let ids: Vec<_> = s.conversations["luis"]
        .lines
        .iter()
        .filter_map(|l| match l {
            PrivateLine::Message { id, .. } => Some(*id),
            PrivateLine::Error(_) => None,
        })
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(s.unread_from("luis"), 2, "mine are never unread");
    assert!(s.conversations["luis"].open);
}

/// The notices in the current room's log, in order.
fn notices(s: &ChatState) -> Vec<&str> {
    s.log()
        .iter()
        .filter_map(|l| match l {
            Line::Notice(n) => Some(n.as_str()),
            _ => None,
        })
        .collect()
}

/// Ana deletes "mía" from inside it, as the server tells it: the room's
/// deletion, her move to the lobby, then the reply.
fn delete_the_room_i_am_in(s: &mut ChatState) {
    s.apply_reply(
        Reply::RoomList {
            rooms: vec![room("lobby", 2, None), room("mía", 1, Some("ana"))],
            next: None,
        },
        false,
    );
    s.room = "mía".into();
    s.apply_event(Event::RoomDeleted {
        room: "mía".into(),
        reason: MoveReason::RoomDeleted,
    });
    s.apply_event(Event::MovedToDefault {
        room: "lobby".into(),
        from_room: "mía".into(),
        reason: MoveReason::RoomDeleted,
    });
    let reply = Reply::RoomDeleted {
        room: "mía".into()
    };
    s.apply_reply(reply, true);
}

#[test]
fn deleting_the_room_one_is_in_is_told_once_in_either_language() {
    for lang in [crate::i18n::Lang::Es, crate::i18n::Lang::En] {
        crate::i18n::set(lang);
        let mut s = state();
        delete_the_room_i_am_in(&mut s);
        let told = s
            .log()
            .iter()
            .filter(|l| matches!(l, Line::Notice(n) if n.contains("mía")))
            .count();
        assert_eq!(told, 1, "{lang:?}: {:?}", s.log());
    }
    crate::i18n::set(crate::i18n::Lang::En);
}

#[test]
fn the_creator_of_a_deleted_room_is_told_they_deleted_it_not_its_creator() {
    let mut s = state();
    delete_the_room_i_am_in(&mut s);
    let notices = notices(&s);
    assert_eq!(
        notices.last(),
        Some(&"You deleted the room mía; you are back in lobby.")
    );
    assert!(
        !notices.iter().any(|n| n.contains("by its creator")),
        "{notices:?}"
    );
    // Someone else's room: told as before.
    s.apply_event(Event::RoomCreated {
        room: "juegos".into(),
        creator: "luis".into(),
    });
    s.room = "juegos".into();
    s.apply_event(Event::RoomDeleted {
        room: "juegos".into(),
        reason: MoveReason::RoomDeleted,
    });
    s.apply_event(Event::MovedToDefault {
        room: "lobby".into(),
        from_room: "juegos".into(),
        reason: MoveReason::RoomDeleted,
    });
    assert!(
        matches!(s.log().last(), Some(Line::Notice(n)) if n.contains("deleted by its creator"))
    );
}

#[test]
fn presence_events_keep_the_people_list_and_room_counts_current() {
    let mut s = state();
    // The app read both lists after logging in.
    s.lists_stale = false;
    let user = |login: &str, room: Option<&str>| UserInfo {
        login: login.into(),
        first_names: "X".into(),
        last_names: "Y".into(),
        online: room.is_some(),
        room: room.map(Into::into),
        role: Default::default(),
    };
    s.apply_reply(
        Reply::RoomList {
            rooms: vec![room("lobby", 2, None), room("juegos", 0, Some("luis"))],
            next: None,
        },
        false,
    );
    s.apply_reply(
        Reply::UserList {
            users: vec![
                user("ana", Some("lobby")),
                user("luis", Some("lobby")),
                user("eva", None),
            ],
            next: None,
        },
        false,
    );
    let counts = |s: &ChatState| -> Vec<usize> { s.rooms.iter().map(|r| r.members).collect() };
    assert_eq!(counts(&s), [2, 0]);
    let place = |login: &str, room: &str| tertulia_shared::UserPlace {
        role: Default::default(),
        login: login.into(),
        room: room.into(),
    };
    s.apply_event(Event::Presence {
        online: vec![place("eva", "lobby")],
        moved: vec![place("luis", "juegos")],
        offline: Vec::new(),
    });
    assert_eq!(counts(&s), [2, 1]);
    // Someone who signed up after the list was read appears too; the
    // user's own login in a batch changes nothing.
    s.apply_event(Event::Presence {
        online: vec![place("zoe", "lobby"), place("ana", "juegos")],
        moved: Vec::new(),
        offline: Vec::new(),
    });
    assert_eq!(counts(&s), [3, 1]);
    assert!(s.users.iter().any(|u| u.login == "zoe" && u.online));
    s.apply_event(Event::Presence {
        online: Vec::new(),
        moved: Vec::new(),
        offline: vec!["EVA".into()],
    });
    assert_eq!(counts(&s), [2, 1]);
    // A deleted room's members are in the default room.
    s.apply_event(Event::RoomDeleted {
        room: "juegos".into(),
        reason: MoveReason::CreatorLeft,
    });
    assert_eq!(counts(&s), [3]);
    assert!(!s.lists_stale, "no list was read again");
}

#[test]
fn the_server_stopping_or_a_login_elsewhere_is_told_in_our_words() {
    crate::i18n::set(crate::i18n::Lang::Es);
    let mut s = state();
    s.apply_event(Event::Shutdown {
        message: "The server is shutting down.".into(),
    });
    s.apply_event(Event::SessionReplaced {
        message: "You logged in somewhere else.".into(),
    });
    crate::i18n::set(crate::i18n::Lang::En);
    let notices = notices(&s);
    assert!(
        notices.contains(&"El servidor se está apagando."),
        "{notices:?}"
    );
    assert!(
        !notices
            .iter()
            .any(|n| n.contains("server") || n.contains("somewhere"))
    );
}

#[test]
fn a_ban_is_told_in_our_words_with_who_and_why() {
    crate::i18n::set(crate::i18n::Lang::Es);
    let mut s = state();
    s.apply_event(Event::Kicked {
        by: "profe".into(),
        reason: "insultos".into(),
        banned: true,
    });
    let banned = crate::i18n::error_message(
        &tertulia_shared::ErrorBody::new(
            tertulia_shared::ErrorCode::Banned,
            "This account is banned: insultos",
        )
        .with_reason("insultos"),
    );
    crate::i18n::set(crate::i18n::Lang::En);
    let errors: Vec<&str> = s
        .log()
        .iter()
        .filter_map(|l| match l {
            Line::Error(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        errors,
        [
            "profe ha bloqueado esta cuenta (insultos): no podrás entrar hasta que un docente la desbloquee."
        ]
    );
    assert_eq!(banned, "Esta cuenta está bloqueada. Motivo: insultos");
}

#[test]
fn a_message_shown_again_after_a_reconnection_takes_its_edit() {
    let mut s = state();
    s.add_history(
        "lobby",
        vec![
            chat(1, "lobby", "luis", "juebes"),
            chat(2, "lobby", "luis", "b"),
        ],
        false,
        Direction::Newer,
    );
    let mut edited = chat(1, "lobby", "luis", "jueves");
    edited.edited = true;
    s.add_history(
        "lobby",
        vec![edited, chat(2, "lobby", "luis", "b")],
        false,
        Direction::Newer,
    );
    let texts: Vec<_> = s
        .log()
        .iter()
        .filter_map(|l| match l {
            Line::Chat { text, edited, .. } => Some((text.as_str(), *edited)),
            _ => None,
        })
        .collect();
    assert_eq!(texts, [("jueves", true), ("b", false)]);
}
