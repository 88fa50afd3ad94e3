//! The accept loop: connection limit, accept-error backoff, graceful shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tertulia_shared::{ErrorBody, ErrorCode, ServerMessage};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::accounts::Accounts;
use crate::config::Config;
use crate::connection::Connection;
use crate::rooms::Hub;
use crate::session;

/// What every connection task shares: cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Shared {
    pub hub: Hub,
    pub accounts: Accounts,
    pub config: Arc<Config>,
}

/// Accepts and serves clients until `shutdown` completes, then tells every
/// client, lets them flush (up to `config.shutdown_grace`) and returns.
pub async fn run(
    listener: TcpListener,
    config: Config,
    accounts: Accounts,
    shutdown: impl Future<Output = ()>,
) {
    let shared = Shared {
        hub: Hub::new(&config.default_room),
        accounts,
        config: Arc::new(config),
    };
    let stop = CancellationToken::new();
    let tracker = TaskTracker::new();
    let slots = Arc::new(Semaphore::new(shared.config.max_connections));
    tokio::pin!(shutdown);

    let mut backoff = Duration::ZERO;
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => {
                backoff = Duration::ZERO;
                pair
            }
            Err(e) => {
                // EMFILE, ENFILE, ENOBUFS… pass once connections close; never
                // a reason to stop serving everyone else.
                backoff = (backoff * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
                tracing::warn!(
                    "accept failed: {}; retrying in {backoff:?}",
                    crate::describe_io_error(&e)
                );
                tokio::select! {
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(backoff) => continue,
                }
            }
        };
        let conn = Connection::new(stream, peer);
        match slots.clone().try_acquire_owned() {
            Ok(slot) => {
                tracing::debug!(%peer, "connection accepted");
                let shared = shared.clone();
                let stop = stop.clone();
                tracker.spawn(async move {
                    session::serve(conn, shared, stop).await;
                    drop(slot);
                });
            }
            Err(_) => {
                tracing::warn!(
                    %peer,
                    "refused: server full ({} connections)",
                    shared.config.max_connections
                );
                tracker.spawn(refuse_full(conn, shared.config.max_connections));
            }
        }
    }

    tracing::info!(
        "shutting down: notifying {} logged-in clients",
        shared.hub.online_count()
    );
    shared.hub.begin_shutdown();
    stop.cancel();
    tracker.close();
    let grace = shared.config.shutdown_grace + Duration::from_secs(1);
    if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
        tracing::warn!("some connections did not close within {grace:?}; dropping them");
    }
}

async fn refuse_full(mut conn: Connection, max: usize) {
    let refusal = ServerMessage::Error {
        id: None,
        error: ErrorBody::new(
            ErrorCode::ServerFull,
            format!("The server is full ({max} connections); try again later."),
        ),
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        conn.send(&refusal).await?;
        conn.close().await
    })
    .await;
}
