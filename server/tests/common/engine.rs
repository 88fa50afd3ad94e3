//! Which engine the integration tests store on: a SQLite file (the
//! default), or with `TERTULIA_TEST_ENGINE=postgres` (as `.ci/run` does a
//! second time) a database of the scratch PostgreSQL for each file a test
//! names, the same one every time the same file is opened, so a restart
//! finds what was kept.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use tertulia_server::scratch_postgres::ScratchPostgres;
use tertulia_server::{Accounts, Storage};

/// Whether this run stores on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("TERTULIA_TEST_ENGINE").is_ok_and(|engine| engine == "postgres")
}

/// The scratch database standing for the SQLite file `path`.
fn address_for(path: &Path) -> String {
    static ADDRESSES: OnceLock<Mutex<HashMap<PathBuf, String>>> = OnceLock::new();
    let mut addresses = ADDRESSES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    addresses
        .entry(path.to_owned())
        .or_insert_with(|| {
            ScratchPostgres::shared()
                .and_then(ScratchPostgres::fresh_database)
                .unwrap_or_else(|why| panic!("TERTULIA_TEST_ENGINE=postgres: {why}"))
        })
        .clone()
}

/// Runs blocking storage work off the async threads (the PostgreSQL
/// client cannot block inside tokio).
fn blocking<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(work).join().expect("storage work"))
}

/// The storage a server would open for `path`, at bcrypt `cost`.
pub fn open_storage(path: &Path, cost: u32) -> Storage {
    if !on_postgres() {
        return blocking(|| Storage::open(path, cost)).expect("open the database");
    }
    let address = address_for(path);
    let dir = path.parent().expect("a folder").join("files");
    blocking(|| Storage::open_postgres(&address, &dir, cost)).expect("open PostgreSQL")
}

/// Only the accounts of `path`'s database (as a second process would
/// read them while the server runs).
pub fn open_accounts(path: &Path, cost: u32) -> Accounts {
    if !on_postgres() {
        return blocking(|| Accounts::open(path, cost)).expect("open the database");
    }
    let address = address_for(path);
    blocking(|| Accounts::open_postgres(&address, cost)).expect("open PostgreSQL")
}

/// Runs `work` on a connection to `path`'s database, off the async threads.
pub fn with_database<T: Send>(
    path: &Path,
    work: impl FnOnce(&mut dyn tertulia_server::sql::Sql) -> T + Send,
) -> T {
    let address = on_postgres().then(|| address_for(path));
    blocking(move || match address {
        Some(address) => {
            let mut db = tertulia_server::sql::connect_postgres(&address).expect("PostgreSQL");
            work(&mut db)
        }
        None => work(&mut rusqlite::Connection::open(path).expect("SQLite")),
    })
}
