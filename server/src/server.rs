//! The accept loop: admission control, accept-error backoff, graceful shutdown.

use std::future::Future;
use std::sync::{Arc, Mutex};

use std::time::Duration;

use tertulia_shared::{ErrorBody, ServerMessage};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::accounts::{Accounts, EXAM_SETTING, LOBBY_ANNOUNCE_SETTING};
use crate::admission::{Admission, Caps};
use crate::config::Config;
use crate::connection::{Connection, Setup};
use crate::history::{Entry, MessageLog};
use crate::rooms::{ClassRules, Hub, Start, room_key};
use crate::services::Services;
use crate::session::serve::{self, Serving};
use crate::storage::Storage;
use crate::throttle::LoginThrottle;

/// Descriptors kept free for everything that is not a client: the
/// listener, the database and its journal, the runtime, and the refusals
/// below, so that a full server can still say so.
const RESERVED_FDS: u64 = 64;

/// Refusals (`server_full`…) that may linger at once to make sure the
/// client reads them; past this a refusal is written without waiting and
/// the connection closed at once.
const REFUSALS_IN_FLIGHT: usize = 32;

/// The connection limit the open-file limit allows: raises the soft limit
/// to the hard one first, then keeps [`RESERVED_FDS`] aside.
fn connection_limit(wanted: usize) -> usize {
    #[cfg(unix)]
    {
        let soft = rlimit::increase_nofile_limit(u64::MAX)
            .or_else(|_| rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft));
        if let Ok(soft) = soft {
            let allowed =
                usize::try_from(soft.saturating_sub(RESERVED_FDS).max(1)).unwrap_or(usize::MAX);
            if allowed < wanted {
                tracing::warn!(
                    "the open-file limit ({soft}) allows {allowed} connections, not {wanted}; \
                     raise it with `ulimit -n` for more"
                );
                return allowed;
            }
        }
    }
    wanted
}

/// How often messages past the retention period are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// The hub, starting from what the log holds.
async fn hub(
    config: &Config,
    accounts: &Accounts,
    log: MessageLog,
    resume: crate::history::Resume,
    cluster: Option<Arc<crate::cluster::Cluster>>,
) -> Hub {
    let (key, name) = (room_key(&config.default_room), config.default_room.clone());
    // In a cluster the default room delivers in order from its last stored id.
    let cluster_cursor = match cluster {
        Some(cluster) => {
            let key = key.clone();
            let read = tokio::task::spawn_blocking(move || cluster.last_id_blocking(&key)).await;
            Some(match read {
                Ok(Ok(last)) => last,
                Ok(Err(e)) => {
                    tracing::error!("could not read where the default room stands: {e}");
                    0
                }
                Err(e) => {
                    tracing::error!("could not read where the default room stands: {e}");
                    0
                }
            })
        }
        None => None,
    };
    let count = config.history;
    let reader = log.clone();
    let recent = tokio::task::spawn_blocking(move || reader.recent_blocking(&key, &name, count))
        .await
        .map_err(|e| e.to_string())
        .and_then(|read| read.map_err(|e| e.to_string()))
        .unwrap_or_else(|e| {
            tracing::error!("could not read the default room's history: {e}");
            (Vec::new(), true)
        });
    Hub::new(
        &config.default_room,
        Start {
            log,
            resume,
            history_len: config.history,
            recent,
            rules: class_rules(config, accounts).await,
            cluster_cursor,
        },
    )
}

/// The class-wide rules: exam mode and the default room's announcement
/// flag as the server kept them, `--privates` as given.
async fn class_rules(config: &Config, accounts: &Accounts) -> ClassRules {
    let accounts = accounts.clone();
    let kept = tokio::task::spawn_blocking(move || {
        let flag = |key| {
            accounts
                .setting_blocking(key)
                .map(|v| v.as_deref() == Some("on"))
        };
        Ok::<_, crate::accounts::AccountError>((flag(EXAM_SETTING)?, flag(LOBBY_ANNOUNCE_SETTING)?))
    })
    .await
    .map_err(crate::accounts::AccountError::from)
    .and_then(|read| read);
    let (exam, lobby_announce) = kept.unwrap_or_else(|e| {
        tracing::error!("could not read the exam and announcement settings: {e}");
        (false, false)
    });
    ClassRules {
        exam,
        privates_staff: config.privates_staff,
        lobby_announce,
    }
}

/// Deletes messages past the retention period now and every [`PRUNE_EVERY`].
async fn prune(log: MessageLog, keep: Duration) {
    let keep_ms = i64::try_from(keep.as_millis()).unwrap_or(i64::MAX);
    let mut every = tokio::time::interval(PRUNE_EVERY);
    loop {
        every.tick().await;
        let _ = log.append(Entry::Prune {
            before_ms: crate::now_ms().saturating_sub(keep_ms),
        });
    }
}

/// Keeps the LAN announcement and the reported count of people online
/// current, every second.
async fn report_online(
    hub: Hub,
    config: Arc<Config>,
    port: u16,
    cluster: Option<crate::announce::ClusterFacts>,
) {
    let mut announcement = config.announce.clone().and_then(|announce| {
        let facts = crate::announce::Facts {
            port,
            default_room: config.default_room.clone(),
            cluster,
        };
        crate::announce::Announcement::start(announce, facts)
            .inspect_err(|e| tracing::warn!("cannot announce the server on the LAN: {e}"))
            .ok()
    });
    let mut every = tokio::time::interval(Duration::from_secs(1));
    loop {
        every.tick().await;
        let online = hub.online_count();
        if let Some(counter) = &config.online {
            counter.store(online, std::sync::atomic::Ordering::Relaxed);
        }
        if let Some(announcement) = &mut announcement {
            announcement.set_online(online);
        }
    }
}

/// Accepts and serves clients until `shutdown` completes, then tells every
/// client, lets them flush (up to `config.shutdown_grace`), stores every
/// message still queued and returns.
pub async fn run(
    listener: TcpListener,
    config: Config,
    storage: Storage,
    shutdown: impl Future<Output = ()>,
) {
    let Storage {
        accounts,
        log,
        resume,
        files,
        claim,
        cluster,
    } = storage;
    // This node's claim on a PostgreSQL database lasts as long as it serves.
    let _claim = claim;
    let hub = hub(&config, &accounts, log.clone(), resume, cluster.clone()).await;
    let receiving = cluster
        .clone()
        .map(|cluster| crate::cluster::spawn_receiver(cluster, hub.clone(), log.clone()));
    let pruning = tokio::spawn(prune(log.clone(), config.keep));
    let batching = tokio::spawn(tell_changes(hub.clone(), cluster.clone()));
    let admission = Admission::new(Caps {
        total: connection_limit(config.max_connections),
        per_address: config.max_per_address,
        anonymous: config.max_anonymous,
        anonymous_per_address: config.max_anonymous_per_address,
    });
    let shared = Arc::new(Services {
        hub,
        accounts,
        log: log.clone(),
        files,
        cluster,
        logins: Arc::new(Mutex::new(LoginThrottle::new(
            config.account_backoff,
            config.address_backoff,
        ))),
        config: Arc::new(config),
    });
    let setup = Setup {
        send_buffer: shared.config.send_buffer_bytes,
        keepalive: shared.config.keepalive,
        tls: shared.config.tls.clone(),
        handshake_timeout: shared.config.hello_timeout,
    };
    let port = listener.local_addr().map_or(0, |a| a.port());
    // Dropping the task withdraws the announcement (a goodbye on the LAN).
    let reporting = tokio::spawn(report_online(
        shared.hub.clone(),
        shared.config.clone(),
        port,
        shared
            .cluster
            .as_ref()
            .map(|cluster| crate::announce::ClusterFacts {
                chat: cluster.chat().to_owned(),
                node: cluster.node().to_owned(),
            }),
    ));
    let stop = CancellationToken::new();
    let tracker = TaskTracker::new();
    let refusals = Arc::new(Semaphore::new(REFUSALS_IN_FLIGHT));
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
        match admission.admit(peer.ip()) {
            Ok(ticket) => {
                tracing::debug!(%peer, "connection accepted");
                tracker.spawn(serve::serve(Serving {
                    stream,
                    peer,
                    shared: shared.clone(),
                    ticket,
                    shutdown: stop.clone(),
                    setup: setup.clone(),
                }));
            }
            Err(refusal) => {
                tracing::warn!(%peer, code = ?refusal.code, "refused: {}", refusal.message);
                match refusals.clone().try_acquire_owned() {
                    Ok(slot) => {
                        let setup = Setup {
                            handshake_timeout: REFUSAL_TIME,
                            ..setup.clone()
                        };
                        tracker.spawn(async move {
                            if let Ok(conn) = Connection::start(stream, peer, &setup).await {
                                refuse(conn, refusal).await;
                            }
                            drop(slot);
                        });
                    }
                    // No time for a TLS handshake: a plain-text client is
                    // told at once, a TLS one just closed.
                    Err(_) if setup.tls.is_none() => {
                        Connection::plain(stream, peer, 0).try_send_now(&ServerMessage::Error {
                            id: None,
                            error: refusal,
                        });
                    }
                    Err(_) => drop(stream),
                }
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
    pruning.abort();
    batching.abort();
    if let (Some(receiving), Some(cluster)) = (receiving, &shared.cluster) {
        receiving.abort();
        // NATS or PostgreSQL may be gone already: the goodbye is bounded,
        // and the other nodes notice a silence anyway.
        if tokio::time::timeout(GOODBYE_TIME, cluster.leave())
            .await
            .is_err()
        {
            tracing::warn!(
                "could not tell the other nodes that this one stops; they will see it is silent"
            );
        }
    }
    reporting.abort();
    let _ = reporting.await;
    if tokio::time::timeout(LAST_WRITES_TIME, log.flush())
        .await
        .is_err()
    {
        tracing::error!("the last messages could not be stored before stopping");
    }
}

/// How long a stopping node of a cluster tries to tell the others.
const GOODBYE_TIME: Duration = Duration::from_secs(3);

/// How long a stopping server waits for its last messages to be stored
/// (a full queue takes well under a second on SQLite; a database that is
/// gone would keep it forever).
const LAST_WRITES_TIME: Duration = Duration::from_secs(10);

/// How long a refused connection may take (TLS handshake included) to
/// be told why.
const REFUSAL_TIME: Duration = Duration::from_millis(500);

/// Tells a refused connection why, then closes it (bounded in time).
async fn refuse(mut conn: Connection, error: ErrorBody) {
    let refusal = ServerMessage::Error { id: None, error };
    let _ = tokio::time::timeout(REFUSAL_TIME, async {
        conn.send(&refusal).await?;
        conn.close().await?;
        conn.discard_input().await;
        Ok::<(), std::io::Error>(())
    })
    .await;
}

/// Tells the arrivals, departures and moves gathered by the hub, every
/// [`BATCH_EVERY`](crate::rooms::BATCH_EVERY), or less often while a crowd
/// arrives ([`next_window`](crate::rooms::next_window)).
/// In a cluster the other nodes hear this node's changes after each moment.
async fn tell_changes(hub: Hub, cluster: Option<Arc<crate::cluster::Cluster>>) {
    let mut window = crate::rooms::BATCH_EVERY;
    loop {
        tokio::time::sleep(window).await;
        let told = hub.flush_changes();
        if let Some(cluster) = &cluster {
            cluster.tell_places(&hub).await;
        }
        window = crate::rooms::next_window(window, told);
    }
}
