//! Teachers' controls over real sockets: what a student may not do, mutes,
//! deleted messages, announcement rooms, exam mode across a restart,
//! `--privates staff`, `--rooms-by teachers`, one-time passwords, roles
//! reaching online clients live, exports, and the audit record.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestClient, TestServer, code, test_config};
use tertulia_shared::{ErrorCode, Event, ExportFormat, Password, Reply, Request, Role, UserPlace};

/// A server whose admin is `ana` (the first account) with `profe` as a
/// teacher and `luis` and `eva` as students, all logged in.
struct Class {
    server: TestServer,
    ana: TestClient,
    profe: TestClient,
    luis: TestClient,
    eva: TestClient,
}

async fn class(config: tertulia_server::config::Config) -> (Class, tempfile::TempDir) {
    let (server, dir) = TestServer::start_with(config).await;
    let mut ana = server.user("ana").await;
    let profe = server.user("profe").await;
    ana.request(Request::SetRole {
        login: "profe".into(),
        role: Role::Teacher,
    })
    .await
    .unwrap();
    let luis = server.user("luis").await;
    let eva = server.user("eva").await;
    let class = Class {
        server,
        ana,
        profe,
        luis,
        eva,
    };
    (class, dir)
}

fn private(to: &str, text: &str) -> Request {
    Request::Private {
        reply_to: None,
        to: to.into(),
        text: text.into(),
    }
}

fn say(text: &str) -> Request {
    Request::Say {
        text: text.into(),
        reply_to: None,
    }
}

/// The audit record, oldest first, as `actor action target`.
async fn audit(client: &mut TestClient) -> Vec<String> {
    let mut lines = Vec::new();
    let mut before_id = None;
    loop {
        let Ok(Reply::Audit { entries, more }) = client.request(Request::Audit { before_id }).await
        else {
            panic!("audit");
        };
        before_id = entries.last().map(|e| e.id);
        for e in entries {
            lines.push(format!(
                "{} {} {}",
                e.actor,
                e.action,
                e.target.unwrap_or_default()
            ));
        }
        if !more {
            break;
        }
    }
    lines.reverse();
    lines
}

#[tokio::test]
async fn a_student_is_forbidden_every_moderation_request() {
    let (mut c, _dir) = class(test_config()).await;
    let Reply::Sent { message: evas } = c.eva.say("hola").await else {
        panic!("sent");
    };
    let requests = [
        Request::Kick {
            login: "eva".into(),
            reason: String::new(),
        },
        Request::Mute {
            login: "eva".into(),
            minutes: 5,
            reason: String::new(),
        },
        Request::Unmute {
            login: "eva".into(),
        },
        Request::Ban {
            login: "eva".into(),
            reason: String::new(),
        },
        Request::Unban {
            login: "eva".into(),
        },
        Request::DeleteMessage { message: evas.id },
        Request::RoomSettings {
            room: "lobby".into(),
            announce: true,
        },
        Request::Exam { on: true },
        Request::ResetPassword {
            login: "eva".into(),
        },
        Request::Audit { before_id: None },
        Request::ExportRoom {
            room: "lobby".into(),
            from_ms: 0,
            to_ms: i64::MAX,
            format: ExportFormat::Csv,
        },
        Request::SetRole {
            login: "luis".into(),
            role: Role::Admin,
        },
    ];
    for request in requests {
        let refused = c.luis.request(request.clone()).await;
        assert_eq!(code(refused), ErrorCode::Forbidden, "{request:?}");
    }
    // A teacher may not act on an admin either.
    let kick_admin = Request::Kick {
        login: "ana".into(),
        reason: String::new(),
    };
    assert_eq!(
        code(c.profe.request(kick_admin).await),
        ErrorCode::Forbidden
    );
    c.server.stop().await;
}

#[tokio::test]
async fn a_mute_refuses_messages_privates_and_files_until_lifted() {
    let (mut c, _dir) = class(test_config()).await;
    let muted = c
        .profe
        .request(Request::Mute {
            login: "luis".into(),
            minutes: 10,
            reason: "spam".into(),
        })
        .await;
    let Ok(Reply::MuteSet {
        until_ms: Some(until_ms),
        ..
    }) = muted
    else {
        panic!("{muted:?}");
    };
    let told = c
        .luis
        .event_matching(|e| matches!(e, Event::Muted { .. }))
        .await;
    assert_eq!(
        told,
        Event::Muted {
            by: "profe".into(),
            until_ms,
            reason: "spam".into()
        }
    );
    for request in [
        say("hola"),
        private("eva", "hola"),
        Request::OfferFile {
            name: "a.txt".into(),
            size: 1,
            sha256: tertulia_shared::files::sha256_hex(b"a"),
            to: None,
        },
    ] {
        let refused = c.luis.request(request).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::Muted);
        assert_eq!(refused.reason.as_deref(), Some("spam"));
        let left = refused.retry_after_ms.expect("when it ends");
        assert!((9 * 60_000..=10 * 60_000).contains(&left), "{left}");
    }
    // It outlasts a new login, which says so.
    let mut again = c.server.greeted().await;
    match again.login("luis").await.unwrap() {
        Reply::LoggedIn { muted, .. } => assert_eq!(muted.map(|m| m.until_ms), Some(until_ms)),
        other => panic!("{other:?}"),
    }
    assert_eq!(code(again.request(say("hola")).await), ErrorCode::Muted);
    // Lifted: he writes again, and hears that he may.
    c.profe
        .request(Request::Unmute {
            login: "luis".into(),
        })
        .await
        .unwrap();
    again
        .event_matching(|e| matches!(e, Event::Unmuted { by } if by == "profe"))
        .await;
    assert!(again.request(say("perdón")).await.is_ok());
    let record = audit(&mut c.profe).await;
    assert!(
        record.ends_with(&["profe mute luis".into(), "profe unmute luis".into()]),
        "{record:?}"
    );
    c.server.stop().await;
}

#[tokio::test]
async fn a_deleted_message_is_gone_for_everyone_but_the_audit_record() {
    let (mut c, _dir) = class(test_config()).await;
    let Reply::Sent { message } = c.luis.say("texto ofensivo").await else {
        panic!("sent");
    };
    let id = message.id;
    // A student may not delete, a teacher not an admin's message.
    let Reply::Sent { message: admins } = c.ana.say("aviso").await else {
        panic!("sent");
    };
    let delete = |message| Request::DeleteMessage { message };
    assert_eq!(
        code(c.profe.request(delete(admins.id)).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(c.profe.request(delete(9_999)).await),
        ErrorCode::MessageNotFound
    );
    assert_eq!(
        c.profe.request(delete(id)).await,
        Ok(Reply::MessageDeleted { message: id })
    );
    for client in [&mut c.eva, &mut c.luis, &mut c.ana] {
        let event = client
            .event_matching(|e| matches!(e, Event::MessageDeleted { .. }))
            .await;
        assert_eq!(
            event,
            Event::MessageDeleted {
                message: id,
                room: Some("lobby".into()),
                by: "profe".into()
            }
        );
    }
    // History and a new arrival see it deleted, without its text.
    let history = c.eva.whole_history("lobby").await;
    let stored = history.iter().find(|m| m.id == id).expect("kept");
    assert!(stored.deleted && stored.text.is_empty(), "{stored:?}");
    let mut late = c.server.greeted().await;
    late.register("zoe").await.unwrap();
    match late.login("zoe").await.unwrap() {
        Reply::LoggedIn { history, .. } => {
            let shown = history.iter().find(|m| m.id == id).expect("shown");
            assert!(shown.deleted && shown.text.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // Only the audit record keeps the text.
    let Ok(Reply::Audit { entries, .. }) = c.ana.request(Request::Audit { before_id: None }).await
    else {
        panic!("audit");
    };
    let entry = entries
        .iter()
        .find(|e| e.action == "delete_message")
        .unwrap();
    assert_eq!(entry.target.as_deref(), Some("luis"));
    assert!(entry.detail.as_deref().unwrap().ends_with("texto ofensivo"));
    c.server.stop().await;
}

#[tokio::test]
async fn exam_mode_lets_students_write_only_to_staff_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.db");
    let server = TestServer::start_on(path.clone(), test_config()).await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    let _eva = server.user("eva").await;
    ana.request(Request::Exam { on: true }).await.unwrap();
    luis.event_matching(|e| matches!(e, Event::Exam { on: true, by } if by == "ana"))
        .await;
    assert_eq!(
        code(luis.request(say("¿la 3?")).await),
        ErrorCode::ChatClosed
    );
    assert_eq!(
        code(luis.request(private("eva", "¿la 3?")).await),
        ErrorCode::ChatClosed
    );
    assert!(
        luis.request(private("ana", "¿puedo ir al baño?"))
            .await
            .is_ok()
    );
    assert!(ana.request(say("quedan 10 minutos")).await.is_ok());
    server.stop().await;

    // Still on after a restart: the login says so, and it still holds.
    let server = TestServer::start_on(path, test_config()).await;
    let mut luis = server.greeted().await;
    match luis.login("luis").await.unwrap() {
        Reply::LoggedIn { exam, .. } => assert!(exam),
        other => panic!("{other:?}"),
    }
    assert_eq!(code(luis.request(say("¿ya?")).await), ErrorCode::ChatClosed);
    let mut ana = server.greeted().await;
    ana.login("ana").await.unwrap();
    ana.request(Request::Exam { on: false }).await.unwrap();
    luis.event_matching(|e| matches!(e, Event::Exam { on: false, .. }))
        .await;
    assert!(luis.request(say("¡por fin!")).await.is_ok());
    let record = audit(&mut ana).await;
    assert!(
        record.ends_with(&["ana exam ".into(), "ana exam ".into()]),
        "{record:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn an_announcement_room_takes_only_staff_messages() {
    let (mut c, _dir) = class(test_config()).await;
    let set = c
        .profe
        .request(Request::RoomSettings {
            room: "LOBBY".into(),
            announce: true,
        })
        .await;
    assert_eq!(
        set,
        Ok(Reply::RoomSettings {
            room: "lobby".into(),
            announce: true
        })
    );
    c.eva
        .event_matching(|e| matches!(e, Event::RoomSettings { announce: true, .. }))
        .await;
    assert_eq!(code(c.eva.request(say("hola")).await), ErrorCode::ReadOnly);
    assert!(c.profe.request(say("Examen el lunes")).await.is_ok());
    // Students still write in other rooms, and privately.
    assert!(c.eva.request(private("luis", "¿viste?")).await.is_ok());
    match c.eva.create("dudas").await {
        Ok(Reply::Joined { announce, .. }) => assert!(!announce),
        other => panic!("{other:?}"),
    }
    assert!(c.eva.request(say("¿qué entra?")).await.is_ok());
    match c.eva.request(Request::LeaveRoom).await {
        Ok(Reply::Left { announce, .. }) => assert!(announce, "back in the lobby"),
        other => panic!("{other:?}"),
    }
    c.server.stop().await;
}

#[tokio::test]
async fn privates_staff_and_rooms_by_teachers_keep_students_to_their_place() {
    let config = tertulia_server::config::Config {
        privates_staff: true,
        rooms_by_staff: true,
        ..test_config()
    };
    let (mut c, _dir) = class(config).await;
    assert_eq!(
        code(c.luis.request(private("eva", "hola")).await),
        ErrorCode::Forbidden
    );
    assert!(c.luis.request(private("profe", "una duda")).await.is_ok());
    assert!(c.profe.request(private("luis", "dime")).await.is_ok());
    assert_eq!(code(c.luis.create("juegos").await), ErrorCode::Forbidden);
    assert!(c.profe.create("tutoría").await.is_ok());
    c.server.stop().await;
}

#[tokio::test]
async fn a_reset_password_works_once_and_must_be_replaced() {
    let (mut c, _dir) = class(test_config()).await;
    let reset = Request::ResetPassword {
        login: "luis".into(),
    };
    let Ok(Reply::PasswordReset { login, password }) = c.profe.request(reset).await else {
        panic!("password_reset");
    };
    assert_eq!(login, "luis");
    assert_eq!(password.expose().len(), 10);
    // Teachers do not reset an admin's password.
    let admins = Request::ResetPassword {
        login: "ana".into(),
    };
    assert_eq!(code(c.profe.request(admins).await), ErrorCode::Forbidden);

    let mut luis = c.server.greeted().await;
    assert_eq!(code(luis.login("luis").await), ErrorCode::BadCredentials);
    let logged = luis
        .request(Request::Login {
            login: "luis".into(),
            password: password.clone(),
        })
        .await;
    match logged {
        Ok(Reply::LoggedIn {
            must_change_password,
            ..
        }) => assert!(must_change_password),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        code(luis.request(say("hola")).await),
        ErrorCode::PasswordChangeRequired
    );
    assert!(luis.request(Request::Time).await.is_ok());
    let changed = luis
        .request(Request::ChangePassword {
            old: None,
            new: Password("una nueva de verdad".into()),
        })
        .await;
    assert!(matches!(changed, Ok(Reply::PasswordChanged { .. })));
    assert!(luis.request(say("hola")).await.is_ok());
    // Without a reset, the old password is needed.
    let no_old = c
        .eva
        .request(Request::ChangePassword {
            old: None,
            new: Password("otra cualquiera".into()),
        })
        .await;
    assert_eq!(code(no_old), ErrorCode::InvalidField);
    // The one-time password is spent.
    let mut again = c.server.greeted().await;
    let spent = again
        .request(Request::Login {
            login: "luis".into(),
            password,
        })
        .await;
    assert_eq!(code(spent), ErrorCode::BadCredentials);
    c.server.stop().await;
}

#[tokio::test]
async fn a_role_change_reaches_online_clients_at_once() {
    let (mut c, _dir) = class(test_config()).await;
    // Eva keeps a user list: she hears presence.
    c.eva
        .request(Request::ListUsers { after: None })
        .await
        .unwrap();
    // Everyone's arrival is told first (changes within one moment are
    // told together, as where each one ends up).
    c.eva
        .event_matching(|e| matches!(e, Event::Presence { online, .. } if online.iter().any(|p| p.login == "eva")))
        .await;
    c.ana
        .request(Request::SetRole {
            login: "luis".into(),
            role: Role::Teacher,
        })
        .await
        .unwrap();
    let moved = c
        .eva
        .event_matching(|e| matches!(e, Event::Presence { moved, .. } if !moved.is_empty()))
        .await;
    let Event::Presence { moved, .. } = moved else {
        unreachable!()
    };
    assert_eq!(
        moved,
        [UserPlace {
            login: "luis".into(),
            room: "lobby".into(),
            role: Role::Teacher
        }]
    );
    // Without logging in again, Luis may act as a teacher, and the room's
    // member list shows him as one.
    let kick = Request::Kick {
        login: "eva".into(),
        reason: "prueba".into(),
    };
    assert!(c.luis.request(kick).await.is_ok());
    match c
        .ana
        .request(Request::ListMembers {
            room: "lobby".into(),
            after: None,
        })
        .await
    {
        Ok(Reply::MemberList { staff, .. }) => {
            assert_eq!(staff.get("luis"), Some(&Role::Teacher));
            assert_eq!(staff.get("ana"), Some(&Role::Admin));
        }
        other => panic!("{other:?}"),
    }
    c.server.stop().await;
}

#[tokio::test]
async fn an_export_is_a_private_file_with_the_span_and_deletions_marked() {
    let (mut c, _dir) = class(test_config()).await;
    c.luis.say("primera, con \"comillas\", y coma").await;
    let Reply::Sent { message } = c.luis.say("para borrar").await else {
        panic!("sent");
    };
    c.profe
        .request(Request::DeleteMessage {
            message: message.id,
        })
        .await
        .unwrap();
    let now = tertulia_server::now_ms();
    for format in [ExportFormat::Csv, ExportFormat::Html] {
        let exported = c
            .profe
            .request(Request::ExportRoom {
                room: "Lobby".into(),
                from_ms: now - 60_000,
                to_ms: now + 60_000,
                format,
            })
            .await;
        let Ok(Reply::Exported {
            room,
            messages,
            file,
        }) = exported
        else {
            panic!("{exported:?}");
        };
        assert_eq!((room.as_str(), messages), ("lobby", 2));
        // It is in the teacher's notes to self, and downloads.
        c.profe
            .event_matching(|e| matches!(e, Event::Private(m) if m.file.as_ref() == Some(&file)))
            .await;
        let chunk = c
            .profe
            .request(Request::DownloadChunk {
                file: file.id,
                offset: 0,
            })
            .await;
        let Ok(Reply::FileChunk {
            data, eof: true, ..
        }) = chunk
        else {
            panic!("{chunk:?}");
        };
        let bytes = tertulia_shared::files::decode_chunk(&data).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("[deleted by a moderator]"), "{text}");
        assert!(!text.contains("para borrar"), "{text}");
        match format {
            ExportFormat::Csv => {
                assert!(file.name.ends_with(".csv"));
                assert!(text.contains("\"primera, con \"\"comillas\"\", y coma\""));
            }
            ExportFormat::Html => {
                assert!(file.name.ends_with(".html"));
                assert!(text.contains("primera, con &quot;comillas&quot;, y coma"));
            }
        }
        // Nobody else may read it.
        let other = c
            .luis
            .request(Request::DownloadChunk {
                file: file.id,
                offset: 0,
            })
            .await;
        assert_eq!(code(other), ErrorCode::NoSuchFile);
    }
    let record = audit(&mut c.ana).await;
    let exports = record
        .iter()
        .filter(|l| *l == "profe export_room lobby")
        .count();
    assert_eq!(exports, 2, "{record:?}");
    c.server.stop().await;
}

#[tokio::test]
async fn every_moderation_is_on_the_record_with_who_and_whom() {
    let (mut c, _dir) = class(test_config()).await;
    let Reply::Sent { message } = c.luis.say("borrable").await else {
        panic!("sent");
    };
    let luis = || "luis".to_owned();
    let actions = [
        Request::Mute {
            login: luis(),
            minutes: 5,
            reason: "ruido".into(),
        },
        Request::Unmute { login: luis() },
        Request::DeleteMessage {
            message: message.id,
        },
        Request::RoomSettings {
            room: "lobby".into(),
            announce: true,
        },
        Request::Exam { on: true },
        Request::ResetPassword { login: luis() },
        Request::ExportRoom {
            room: "lobby".into(),
            from_ms: 0,
            to_ms: i64::MAX,
            format: ExportFormat::Html,
        },
        Request::Ban {
            login: "eva".into(),
            reason: "insultos".into(),
        },
        Request::Unban {
            login: "eva".into(),
        },
        Request::Kick {
            login: luis(),
            reason: "fuera".into(),
        },
    ];
    for action in actions {
        assert!(c.profe.request(action.clone()).await.is_ok(), "{action:?}");
    }
    let record = audit(&mut c.ana).await;
    assert_eq!(
        record,
        [
            "ana set_role profe",
            "profe mute luis",
            "profe unmute luis",
            "profe delete_message luis",
            "profe room_settings lobby",
            "profe exam ",
            "profe reset_password luis",
            "profe export_room lobby",
            "profe ban eva",
            "profe unban eva",
            "profe kick luis",
        ]
    );
    c.server.stop().await;
}
