use super::*;
use crate::sql::tests::{Backend, backends};
use tertulia_shared::Gender;
use tertulia_shared::{Password, SessionToken};

fn form(login: &str) -> Registration {
    Registration {
        first_names: "Ana María".into(),
        last_names: "Pérez".into(),
        login: login.into(),
        password: Password("correct horse".into()),
        age: 21,
        gender: Gender::PreferNotToSay,
    }
}

/// `backend`'s accounts at bcrypt `cost`, opened on a blocking thread (as
/// a server does: the PostgreSQL client blocks).
async fn open(backend: &Backend, cost: u32) -> Accounts {
    let backend = backend.clone();
    tokio::task::spawn_blocking(move || match backend {
        Backend::Sqlite(path) => Accounts::open(&path, cost),
        Backend::Postgres(address) => Accounts::open_postgres(&address, cost),
    })
    .await
    .unwrap()
    .unwrap()
}

/// The text in the first row of `sql`, read straight from the database.
async fn stored(backend: &Backend, sql: &'static str) -> String {
    let backend = backend.clone();
    tokio::task::spawn_blocking(move || {
        let row = backend.connect().query_opt(sql, &[]).unwrap().unwrap();
        row.get(0).unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn register_verify_and_case_insensitive_uniqueness() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let accounts = open(&backend, 4).await;
        accounts.register(form("Ana")).await.unwrap();
        assert!(
            matches!(
                accounts.register(form("ANA")).await,
                Err(AccountError::LoginTaken)
            ),
            "{backend:?}"
        );
        assert_eq!(
            accounts
                .verify("ana".into(), "correct horse".into())
                .await
                .unwrap(),
            "Ana"
        );
        assert!(matches!(
            accounts.verify("ana".into(), "wrong".into()).await,
            Err(AccountError::BadCredentials)
        ));
        assert!(matches!(
            accounts.verify("nobody".into(), "x".into()).await,
            Err(AccountError::BadCredentials)
        ));
        assert_eq!(
            accounts.find("ANA".into()).await.unwrap(),
            Some(("Ana".to_owned(), tertulia_shared::Role::Admin)),
            "{backend:?}: the first account is admin"
        );
    }
}

#[tokio::test]
async fn an_older_cost_is_upgraded_at_the_next_login() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        open(&backend, 4).await.register(form("ana")).await.unwrap();
        let hash = "SELECT password_hash FROM accounts";
        assert_eq!(hash_cost(&stored(&backend, hash).await), Some(4));
        let accounts = open(&backend, 5).await;
        assert!(accounts.verify("ana".into(), "wrong".into()).await.is_err());
        assert_eq!(
            hash_cost(&stored(&backend, hash).await),
            Some(4),
            "{backend:?}: not on a failure"
        );
        accounts
            .verify("ana".into(), "correct horse".into())
            .await
            .unwrap();
        assert_eq!(hash_cost(&stored(&backend, hash).await), Some(5));
        accounts
            .verify("ana".into(), "correct horse".into())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn pages_follow_each_other_in_login_order() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let accounts = open(&backend, 4).await;
        for login in ["Carla", "ana", "beto", "Dani", "eva"] {
            accounts.register(form(login)).await.unwrap();
        }
        let logins = |page: Vec<AccountSummary>| -> Vec<String> {
            page.into_iter().map(|a| a.login).collect()
        };
        let first = logins(accounts.list_page(None, 2).await.unwrap());
        assert_eq!(first, ["ana", "beto"], "{backend:?}");
        let second = logins(accounts.list_page(Some("BETO".into()), 2).await.unwrap());
        assert_eq!(second, ["Carla", "Dani"], "{backend:?}");
        let last = logins(accounts.list_page(Some("dani".into()), 2).await.unwrap());
        assert_eq!(last, ["eva"], "{backend:?}");
    }
}

#[tokio::test]
async fn only_a_bcrypt_hash_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let accounts = open(&backend, 4).await;
        accounts.register(form("ana")).await.unwrap();
        drop(accounts);
        let hash = stored(&backend, "SELECT password_hash FROM accounts").await;
        let gender = stored(&backend, "SELECT gender FROM accounts").await;
        assert_eq!(gender, "prefer_not_to_say");
        assert!(hash.starts_with("$2"), "{hash}");
        assert!(!hash.contains("correct horse"));
        if let Backend::Sqlite(path) = &backend {
            let raw = std::fs::read(path).unwrap();
            assert!(!raw.windows(13).any(|w| w == b"correct horse"));
        }
    }
}

#[tokio::test]
async fn revoking_every_token_of_an_account_stops_them_all_and_only_them() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let accounts = open(&backend, 4).await;
        accounts.register(form("ana")).await.unwrap();
        accounts.register(form("luis")).await.unwrap();
        let day = std::time::Duration::from_secs(86_400);
        let (laptop, _) = accounts.issue_token("ana".into(), day).await.unwrap();
        let (lab, _) = accounts.issue_token("ana".into(), day).await.unwrap();
        let (other, _) = accounts.issue_token("luis".into(), day).await.unwrap();
        let revoked = accounts
            .revoke_all_tokens("ANA".into(), Revocation::Banned)
            .await
            .unwrap();
        assert_eq!(revoked, 2, "{backend:?}: logins match regardless of case");
        for token in [&laptop, &lab] {
            let refused = accounts.exchange_token(token, day).await.unwrap();
            assert_eq!(refused.map(|(login, ..)| login), Err(TokenRefusal::Revoked));
        }
        let kept = accounts.exchange_token(&other, day).await.unwrap();
        let Ok((login, fresh, _)) = kept else {
            panic!("{backend:?}: luis's token was refused");
        };
        assert_eq!(login, "luis");
        let spent = accounts.exchange_token(&other, day).await.unwrap();
        assert_eq!(spent.map(|(login, ..)| login), Err(TokenRefusal::Revoked));
        let again = accounts.exchange_token(&fresh, day).await.unwrap();
        assert_eq!(again.map(|(login, ..)| login), Ok("luis".to_owned()));
        let forged = SessionToken("0".repeat(64));
        let unknown = accounts.exchange_token(&forged, day).await.unwrap();
        assert_eq!(unknown.map(|(login, ..)| login), Err(TokenRefusal::Unknown));
        let (short, _) = accounts
            .issue_token("luis".into(), std::time::Duration::ZERO)
            .await
            .unwrap();
        let expired = accounts.exchange_token(&short, day).await.unwrap();
        assert_eq!(expired.map(|(login, ..)| login), Err(TokenRefusal::Expired));
    }
}

#[tokio::test]
async fn roles_bans_mutes_resets_settings_and_the_audit_record_alike_on_both_engines() {
    use tertulia_shared::Role;
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let accounts = open(&backend, 4).await;
        for login in ["profe", "ana", "luis"] {
            accounts.register(form(login)).await.unwrap();
        }
        let admin = ("profe".to_owned(), Role::Admin);
        assert!(matches!(
            accounts
                .set_role("profe".into(), "PROFE".into(), Role::Student)
                .await,
            Err(RoleError::LastAdmin)
        ));
        let given = accounts
            .set_role("profe".into(), "ANA".into(), Role::Teacher)
            .await
            .unwrap();
        assert_eq!(given, "ana", "{backend:?}: the login as registered");
        assert!(matches!(
            accounts
                .set_role("profe".into(), "nadie".into(), Role::Teacher)
                .await,
            Err(RoleError::NoAccount)
        ));
        let teacher = ("ana".to_owned(), Role::Teacher);
        let day = std::time::Duration::from_secs(86_400);
        let (token, _) = accounts.issue_token("luis".into(), day).await.unwrap();
        accounts
            .set_ban(teacher.clone(), "luis".into(), Some("spam".into()))
            .await
            .unwrap();
        assert_eq!(
            accounts
                .standing("luis".into())
                .await
                .unwrap()
                .banned
                .as_deref(),
            Some("spam")
        );
        let refused = accounts.exchange_token(&token, day).await.unwrap();
        assert_eq!(refused.map(|(login, ..)| login), Err(TokenRefusal::Revoked));
        assert!(matches!(
            accounts
                .set_ban(teacher.clone(), "profe".into(), None)
                .await,
            Err(RoleError::Outranked)
        ));
        accounts
            .set_ban(teacher.clone(), "luis".into(), None)
            .await
            .unwrap();
        let (_, mute) = accounts
            .set_mute(teacher.clone(), "luis".into(), Some((10, "ruido".into())))
            .await
            .unwrap();
        let standing = accounts.standing("luis".into()).await.unwrap();
        assert_eq!(standing.muted, mute, "{backend:?}");
        assert_eq!(standing.role, Role::Student);
        let (_, password) = accounts
            .reset_password(admin.clone(), "luis".into())
            .await
            .unwrap();
        assert!(
            accounts
                .standing("luis".into())
                .await
                .unwrap()
                .must_change_password
        );
        accounts
            .verify("luis".into(), password.expose().to_owned())
            .await
            .unwrap();
        accounts
            .change_password("luis".into(), None, "a new one".into())
            .await
            .unwrap();
        assert!(
            !accounts
                .standing("luis".into())
                .await
                .unwrap()
                .must_change_password
        );
        accounts
            .set_setting(EXAM_SETTING, "on".into())
            .await
            .unwrap();
        accounts
            .set_setting(EXAM_SETTING, "off".into())
            .await
            .unwrap();
        let this = accounts.clone();
        let exam = tokio::task::spawn_blocking(move || this.setting_blocking(EXAM_SETTING))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(exam.as_deref(), Some("off"), "{backend:?}");
        accounts
            .record_action("profe".into(), "exam", None, Some("off".into()))
            .await
            .unwrap();
        let (page, more) = accounts.audit_page(None, 60_000).await.unwrap();
        let actions: Vec<&str> = page.iter().map(|entry| entry.action.as_str()).collect();
        assert_eq!(
            actions,
            ["exam", "reset_password", "mute", "unban", "ban", "set_role"],
            "{backend:?}: newest first"
        );
        assert!(!more);
        let (older, _) = accounts.audit_page(Some(page[2].id), 60_000).await.unwrap();
        assert_eq!(older.len(), 3);
        assert_eq!(older[0].action, "unban");
    }
}
