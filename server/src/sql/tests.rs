use super::*;
use crate::scratch_postgres::{ScratchPostgres, required};

/// Where a storage test runs: a fresh SQLite file, and a fresh database on
/// the scratch PostgreSQL where there is one (always in CI).
#[derive(Debug, Clone)]
pub(crate) enum Backend {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

/// Both engines for one test; `dir` holds the SQLite file.
pub(crate) fn backends(dir: &tempfile::TempDir) -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite(dir.path().join("test.db"))];
    match ScratchPostgres::shared().and_then(|pg| pg.fresh_database()) {
        Ok(address) => all.push(Backend::Postgres(address)),
        Err(why) if required() => panic!("PostgreSQL is required in CI: {why}"),
        Err(why) => eprintln!("testing SQLite only: {why}"),
    }
    all
}

impl Backend {
    /// A connection with the schema up to date. Blocking.
    pub(crate) fn connect(&self) -> Box<dyn Sql> {
        match self {
            Backend::Sqlite(path) => Box::new(crate::db::connect(path).unwrap()),
            Backend::Postgres(address) => Box::new(connect_postgres(address).unwrap()),
        }
    }
}

#[test]
fn values_go_in_and_come_back_alike_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let mut db = backend.connect();
        db.execute(
            "INSERT INTO audit (time_ms, actor, action, target, reason, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            sql_params![
                1_700_000_000_000_i64,
                "Ana",
                "kick",
                Some("luis"),
                None::<String>,
                "ñandú 🎉"
            ],
        )
        .unwrap();
        let row = db
            .query_opt(
                "SELECT id, time_ms, actor, target, reason, detail FROM audit WHERE actor = ?1",
                sql_params!["Ana"],
            )
            .unwrap()
            .unwrap();
        assert!(row.get::<i64>(0).unwrap() > 0, "{backend:?}");
        assert_eq!(row.get::<i64>(1).unwrap(), 1_700_000_000_000);
        assert_eq!(
            row.get::<Option<String>>(3).unwrap().as_deref(),
            Some("luis")
        );
        assert_eq!(row.get::<Option<String>>(4).unwrap(), None);
        assert_eq!(row.get::<String>(5).unwrap(), "ñandú 🎉");
        assert!(matches!(row.get::<i64>(2), Err(SqlError::Type { .. })));
        assert!(matches!(row.get::<i64>(9), Err(SqlError::NoColumn(9))));
    }
}

#[test]
fn logins_are_unique_regardless_of_case_and_a_failed_transaction_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let mut db = backend.connect();
        let insert = |db: &mut dyn Sql, login: &str| {
            db.execute(
                "INSERT INTO accounts
                   (login, first_names, last_names, password_hash, age, gender, created_at_ms)
                 VALUES (?1, 'A', 'B', 'x', 20, 'other', 0)",
                sql_params![login],
            )
        };
        insert(db.as_mut(), "Ana").unwrap();
        let twice = insert(db.as_mut(), "ANA").unwrap_err();
        assert!(twice.is_unique_violation(), "{backend:?}: {twice}");
        let failed: Result<(), SqlError> =
            write_transaction(db.as_mut(), WriteLock::Accounts, |tx| {
                insert(tx, "luis")?;
                insert(tx, "LUIS")?;
                Ok(())
            });
        assert!(failed.unwrap_err().is_unique_violation());
        let found = db
            .query_opt(
                "SELECT login FROM accounts WHERE login = ?1",
                sql_params!["luis"],
            )
            .unwrap();
        assert_eq!(found, None, "{backend:?}: rolled back");
        let ana = db
            .query_opt(
                "SELECT login, must_change_password FROM accounts WHERE login = ?1",
                sql_params!["aNa"],
            )
            .unwrap()
            .unwrap();
        assert_eq!(ana.get::<String>(0).unwrap(), "Ana");
        assert!(!ana.get::<bool>(1).unwrap());
    }
}

#[test]
fn a_connection_postgresql_closed_is_made_again_and_a_cut_transaction_fails() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let Backend::Postgres(address) = &backend else {
            continue;
        };
        let mut db = connect_postgres(address).unwrap();
        let mut admin = connect_postgres(address).unwrap();
        // What a PostgreSQL restart does to the node's connections.
        let mut cut = || {
            admin
                .query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid()",
                    &[],
                )
                .unwrap();
            // The server closes it a moment after it is told to.
            std::thread::sleep(std::time::Duration::from_millis(200));
        };
        let count = |db: &mut dyn Sql| -> i64 {
            db.query_opt("SELECT COUNT(*) FROM audit", &[])
                .unwrap()
                .unwrap()
                .get(0)
                .unwrap()
        };
        assert_eq!(count(&mut db), 0);
        cut();
        assert_eq!(count(&mut db), 0, "made again, statements prepared again");

        let insert = "INSERT INTO audit (time_ms, actor, action) VALUES (1, 'ana', 'kick')";
        let lost: Result<(), SqlError> = write_transaction(&mut db, WriteLock::Accounts, |tx| {
            tx.execute(insert, &[])?;
            cut();
            tx.execute(insert, &[])?;
            Ok(())
        });
        assert!(lost.is_err(), "a transaction cut half way fails");
        assert_eq!(count(&mut db), 0, "and leaves nothing");
        write_transaction(&mut db, WriteLock::Accounts, |tx| tx.execute(insert, &[])).unwrap();
        assert_eq!(count(&mut db), 1);
    }
}
