//! Roles over real sockets: who becomes admin, who may give roles, the
//! server never left without an admin, and the audit record.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestClient, TestServer, code, test_config};
use tertulia_shared::{ErrorCode, Reply, Request, Role};

/// The role `logged_in` gave.
async fn signed_up(server: &TestServer, login: &str) -> (TestClient, Role) {
    let mut client = server.greeted().await;
    client.register(login).await.expect("register");
    match client.login(login).await.expect("login") {
        Reply::LoggedIn { role, .. } => (client, role),
        other => panic!("logged_in: {other:?}"),
    }
}

/// Each user's login and role, as `list_users` gives them.
async fn people(client: &mut TestClient) -> Vec<(String, Role)> {
    match client.request(Request::ListUsers { after: None }).await {
        Ok(Reply::UserList { users, .. }) => users.into_iter().map(|u| (u.login, u.role)).collect(),
        other => panic!("user_list: {other:?}"),
    }
}

fn set_role(login: &str, role: Role) -> Request {
    Request::SetRole {
        login: login.into(),
        role,
    }
}

#[tokio::test]
async fn the_first_account_of_a_fresh_server_is_its_admin_and_gives_roles() {
    let (server, _dir) = TestServer::start().await;
    let (mut ana, role) = signed_up(&server, "ana").await;
    assert_eq!(role, Role::Admin, "the one who hosts signs up first");
    let (mut luis, role) = signed_up(&server, "luis").await;
    assert_eq!(role, Role::Student);
    let (_eva, _) = signed_up(&server, "eva").await;

    // A student may not give roles, not even to themselves.
    for request in [
        set_role("luis", Role::Admin),
        set_role("eva", Role::Teacher),
    ] {
        assert_eq!(code(luis.request(request).await), ErrorCode::Forbidden);
    }
    // The admin makes Luis a teacher: his next login says so.
    let given = ana.request(set_role("LUIS", Role::Teacher)).await;
    assert_eq!(
        given,
        Ok(Reply::RoleSet {
            login: "luis".into(),
            role: Role::Teacher
        })
    );
    let (_, role) = {
        let mut again = server.greeted().await;
        match again.login("luis").await.unwrap() {
            Reply::LoggedIn { role, .. } => (again, role),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(role, Role::Teacher);
    // Everyone's people list shows who is staff.
    let listed = people(&mut ana).await;
    assert_eq!(
        listed,
        [
            ("ana".to_owned(), Role::Admin),
            ("eva".to_owned(), Role::Student),
            ("luis".to_owned(), Role::Teacher)
        ]
    );
    // A teacher cannot give roles either.
    let mut teacher = server.greeted().await;
    teacher.login("luis").await.unwrap();
    assert_eq!(
        code(teacher.request(set_role("eva", Role::Teacher)).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(ana.request(set_role("nadie", Role::Teacher)).await),
        ErrorCode::UserNotFound
    );

    // Never without an admin: the only one cannot step down…
    assert_eq!(
        code(ana.request(set_role("ana", Role::Student)).await),
        ErrorCode::LastAdmin
    );
    // …until there is another.
    ana.request(set_role("eva", Role::Admin)).await.unwrap();
    ana.request(set_role("ana", Role::Student)).await.unwrap();

    // Every change is on the record, with who did it.
    let accounts = common::engine::open_accounts(&server.db_path, 4);
    let audit = audit_record(&accounts).await;
    let detail: Vec<_> = audit
        .iter()
        .map(|(actor, action, target, role)| {
            format!(
                "{actor} {action} {} {}",
                target.as_deref().unwrap_or("-"),
                role.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        detail,
        [
            "ana set_role luis teacher",
            "ana set_role eva admin",
            "ana set_role ana student"
        ]
    );
    server.stop().await;
}

#[tokio::test]
async fn admins_named_at_start_are_admins_and_the_first_account_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.db");
    let mut storage = common::engine::open_storage(&path, 4);
    let accounts = storage.accounts.clone();
    storage.accounts = std::thread::scope(|s| {
        s.spawn(move || accounts.with_admins(&["Profe".to_owned()]))
            .join()
            .unwrap()
    })
    .unwrap();
    let server = TestServer::start_with_storage(path.clone(), storage, test_config()).await;
    let (_first, role) = signed_up(&server, "alumno").await;
    assert_eq!(
        role,
        Role::Student,
        "with --admin, the first account is not admin"
    );
    let (_profe, role) = signed_up(&server, "profe").await;
    assert_eq!(role, Role::Admin, "named, in any case");
    server.stop().await;

    // Named later, on a database where the account exists: promoted at start.
    let accounts = common::engine::open_accounts(&path, 4);
    let accounts = std::thread::scope(|s| {
        s.spawn(move || accounts.with_admins(&["alumno".to_owned()]))
            .join()
            .unwrap()
    })
    .unwrap();
    assert_eq!(accounts.role("alumno".into()).await.unwrap(), Role::Admin);
}

#[tokio::test]
async fn a_ban_closes_the_session_revokes_its_tokens_and_refuses_logins() {
    let (server, _dir) = TestServer::start().await;
    let (mut admin, _) = signed_up(&server, "profe").await;
    admin.request(set_role("profe", Role::Admin)).await.unwrap();
    let (mut teacher, _) = signed_up(&server, "tutora").await;
    admin
        .request(set_role("tutora", Role::Teacher))
        .await
        .unwrap();
    let mut luis = server.greeted().await;
    luis.register("luis").await.unwrap();
    let token = match luis.login("luis").await.unwrap() {
        Reply::LoggedIn { token, .. } => token,
        other => panic!("{other:?}"),
    };
    let (mut eva, _) = signed_up(&server, "eva").await;

    // A student cannot ban; a teacher cannot ban a teacher or an admin.
    let ban = |login: &str| Request::Ban {
        login: login.into(),
        reason: "insultos".into(),
    };
    assert_eq!(code(eva.request(ban("luis")).await), ErrorCode::Forbidden);
    assert_eq!(
        code(teacher.request(ban("profe")).await),
        ErrorCode::Forbidden
    );
    assert_eq!(
        code(teacher.request(ban("tutora")).await),
        ErrorCode::Forbidden
    );

    // The teacher bans Luis: he is told who and why, then disconnected.
    let done = teacher.request(ban("luis")).await;
    assert_eq!(
        done,
        Ok(Reply::BanSet {
            login: "luis".into(),
            banned: true
        })
    );
    let last = luis.until_closed().await;
    assert!(
        last.iter()
            .any(|m| matches!(m, tertulia_shared::ServerMessage::Event {
            event: tertulia_shared::Event::Kicked { by, reason, banned: true }
        } if by == "tutora" && reason == "insultos")),
        "{last:?}"
    );
    // Neither his password nor his token lets him back.
    let mut again = server.greeted().await;
    let refused = again.login("luis").await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::Banned);
    assert_eq!(refused.reason.as_deref(), Some("insultos"));
    let resumed = again.request(Request::Resume { token }).await;
    assert_eq!(code(resumed), ErrorCode::TokenRevoked);

    // Lifted: he logs in again.
    let lifted = teacher
        .request(Request::Unban {
            login: "luis".into(),
        })
        .await;
    assert_eq!(
        lifted,
        Ok(Reply::BanSet {
            login: "luis".into(),
            banned: false
        })
    );
    assert!(again.login("luis").await.is_ok());
    let accounts = common::engine::open_accounts(&server.db_path, 4);
    let actions: Vec<_> = audit_record(&accounts)
        .await
        .into_iter()
        .map(|(actor, action, target, _)| {
            format!("{actor} {action} {}", target.unwrap_or_default())
        })
        .collect();
    assert!(
        actions.ends_with(&["tutora ban luis".to_owned(), "tutora unban luis".to_owned()]),
        "{actions:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_kick_closes_the_session_and_the_person_may_come_back() {
    let (server, _dir) = TestServer::start().await;
    let (mut admin, _) = signed_up(&server, "profe").await;
    let (mut luis, _) = signed_up(&server, "luis").await;
    let (mut eva, _) = signed_up(&server, "eva").await;
    let kick = |login: &str| Request::Kick {
        login: login.into(),
        reason: "mayúsculas".into(),
    };
    assert_eq!(code(eva.request(kick("luis")).await), ErrorCode::Forbidden);
    assert_eq!(
        code(luis.request(kick("profe")).await),
        ErrorCode::Forbidden
    );
    let too_long = Request::Kick {
        login: "luis".into(),
        reason: "x".repeat(301),
    };
    assert_eq!(code(admin.request(too_long).await), ErrorCode::InvalidField);

    let done = admin.request(kick("LUIS")).await;
    assert_eq!(
        done,
        Ok(Reply::Kicked {
            login: "luis".into()
        })
    );
    let last = luis.until_closed().await;
    assert!(
        last.iter()
            .any(|m| matches!(m, tertulia_shared::ServerMessage::Event {
            event: tertulia_shared::Event::Kicked { by, banned: false, .. }
        } if by == "profe")),
        "{last:?}"
    );
    // Not banned: he may log in again at once. Gone offline: nothing to kick.
    let mut back = server.greeted().await;
    assert!(back.login("luis").await.is_ok());
    drop(back);
    // (Kicking him while the server has not yet seen that close would
    // close him again: ask until he is seen offline.)
    let mut offline = false;
    for _ in 0..50 {
        if admin
            .request(kick("luis"))
            .await
            .is_err_and(|e| e.code == ErrorCode::UserOffline)
        {
            offline = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(offline, "a kick of someone offline is user_offline");
    server.stop().await;
}

/// The whole audit record, oldest first: actor, action, target, detail.
async fn audit_record(
    accounts: &tertulia_server::Accounts,
) -> Vec<(String, String, Option<String>, Option<String>)> {
    let (entries, _) = accounts.audit_page(None, usize::MAX).await.unwrap();
    entries
        .into_iter()
        .rev()
        .map(|e| (e.actor, e.action, e.target, e.detail))
        .collect()
}
