use super::*;
use tertulia_shared::Gender;
use tertulia_shared::Password;

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

#[tokio::test]
async fn register_verify_and_case_insensitive_uniqueness() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = Accounts::open(&dir.path().join("a.db"), 4).unwrap();
    accounts.register(form("Ana")).await.unwrap();
    assert!(matches!(
        accounts.register(form("ANA")).await,
        Err(AccountError::LoginTaken)
    ));
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
}

#[tokio::test]
async fn an_older_cost_is_upgraded_at_the_next_login() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    Accounts::open(&path, 4)
        .unwrap()
        .register(form("ana"))
        .await
        .unwrap();
    let stored = |path: &Path| -> String {
        Connection::open(path)
            .unwrap()
            .query_row("SELECT password_hash FROM accounts", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(hash_cost(&stored(&path)), Some(4));
    let accounts = Accounts::open(&path, 5).unwrap();
    assert!(accounts.verify("ana".into(), "wrong".into()).await.is_err());
    assert_eq!(hash_cost(&stored(&path)), Some(4), "not on a failure");
    accounts
        .verify("ana".into(), "correct horse".into())
        .await
        .unwrap();
    assert_eq!(hash_cost(&stored(&path)), Some(5));
    accounts
        .verify("ana".into(), "correct horse".into())
        .await
        .unwrap();
}

#[tokio::test]
async fn pages_follow_each_other_in_login_order() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = Accounts::open(&dir.path().join("a.db"), 4).unwrap();
    for login in ["Carla", "ana", "beto", "Dani", "eva"] {
        accounts.register(form(login)).await.unwrap();
    }
    let logins =
        |page: Vec<AccountSummary>| -> Vec<String> { page.into_iter().map(|a| a.login).collect() };
    let first = logins(accounts.list_page(None, 2).await.unwrap());
    assert_eq!(first, ["ana", "beto"]);
    let second = logins(accounts.list_page(Some("BETO".into()), 2).await.unwrap());
    assert_eq!(second, ["Carla", "Dani"]);
    let last = logins(accounts.list_page(Some("dani".into()), 2).await.unwrap());
    assert_eq!(last, ["eva"]);
}

#[tokio::test]
async fn only_a_bcrypt_hash_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let accounts = Accounts::open(&path, 4).unwrap();
    accounts.register(form("ana")).await.unwrap();
    drop(accounts);
    let db = Connection::open(&path).unwrap();
    let hash: String = db
        .query_row("SELECT password_hash FROM accounts", [], |r| r.get(0))
        .unwrap();
    let gender: String = db
        .query_row("SELECT gender FROM accounts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(gender, "prefer_not_to_say");
    assert!(hash.starts_with("$2"), "{hash}");
    assert!(!hash.contains("correct horse"));
    let raw = std::fs::read(&path).unwrap();
    assert!(!raw.windows(13).any(|w| w == b"correct horse"));
}

#[tokio::test]
async fn revoking_every_token_of_an_account_stops_them_all_and_only_them() {
    // What a ban will do (issue 28), as a password change does now.
    let dir = tempfile::tempdir().unwrap();
    let accounts = Accounts::open(&dir.path().join("a.db"), 4).unwrap();
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
    assert_eq!(revoked, 2, "logins match regardless of case");
    for token in [&laptop, &lab] {
        let refused = accounts.exchange_token(token, day).await.unwrap();
        assert_eq!(refused.map(|(login, ..)| login), Err(TokenRefusal::Revoked));
    }
    let kept = accounts.exchange_token(&other, day).await.unwrap();
    assert_eq!(kept.map(|(login, ..)| login), Ok("luis".to_owned()));
}
