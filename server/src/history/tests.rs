use super::*;
use crate::sql::tests::{Backend, backends};

/// `backend`'s log, opened on a blocking thread (the PostgreSQL client
/// blocks).
async fn open(backend: &Backend) -> (MessageLog, Resume) {
    let backend = backend.clone();
    tokio::task::spawn_blocking(move || match backend {
        Backend::Sqlite(path) => MessageLog::open(&path, || {}),
        Backend::Postgres(address) => MessageLog::open_postgres(&address, || {}),
    })
    .await
    .unwrap()
    .unwrap()
}

/// Runs `test` on a fresh log of each engine.
async fn on_both<F: std::future::Future<Output = ()>>(test: impl Fn(MessageLog, Resume) -> F) {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let (log, resume) = open(&backend).await;
        test(log, resume).await;
    }
}

fn room_message(id: MessageId, text: &str) -> Entry {
    Entry::Room {
        room_key: "lobby".into(),
        message: Arc::new(ChatMessage {
            edited: false,
            reactions: Vec::new(),
            reply_to: None,
            deleted: false,
            id,
            room: "Lobby".into(),
            from: "ana".into(),
            text: text.into(),
            time_ms: 1_000 + i64::try_from(id).unwrap(),
            file: None,
        }),
    }
}

fn private(id: MessageId, from: &str, to: &str, pending: bool) -> Entry {
    Entry::Private {
        message: Box::new(PrivateMessage {
            edited: false,
            reactions: Vec::new(),
            reply_to: None,
            deleted: false,
            id,
            from: from.into(),
            to: to.into(),
            text: format!("p{id}"),
            time_ms: 1_000 + i64::try_from(id).unwrap(),
            file: None,
        }),
        pending,
    }
}

#[tokio::test]
async fn a_message_is_reported_stored_once_committed_and_readable_then() {
    on_both(|log, resume| async move {
        assert_eq!(resume.next_id, 1);
        assert!(log.check(1).is_none(), "nothing queued yet");
        log.append(room_message(1, "hola")).unwrap();
        log.stored(1).await.unwrap();
        assert!(matches!(log.check(1), Some(Ok(()))));
        let (page, more) = log
            .room_page("lobby".into(), "Lobby".into(), Page::Latest, 0)
            .await
            .unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(
            (page[0].id, page[0].text.as_str(), more),
            (1, "hola", false)
        );
    })
    .await;
}

#[tokio::test]
async fn pages_go_back_and_forward_in_id_order_and_say_when_more_remain() {
    on_both(|log, _| async move {
        for id in 1..=450 {
            log.append(room_message(id, "x")).unwrap();
        }
        log.flush().await;
        let page = |p| log.room_page("lobby".into(), "Lobby".into(), p, 0);
        let (latest, more) = page(Page::Latest).await.unwrap();
        assert!(more);
        assert_eq!(latest.last().unwrap().id, 450);
        assert!(latest.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
        let (older, _) = page(Page::Before(latest[0].id)).await.unwrap();
        assert_eq!(older.last().unwrap().id, latest[0].id - 1);
        let (after, more) = page(Page::After(440)).await.unwrap();
        assert_eq!(
            after.iter().map(|m| m.id).collect::<Vec<_>>(),
            (441..=450).collect::<Vec<_>>()
        );
        assert!(!more);
        // A room created after id 445 does not see what an older room of the
        // same name said.
        let (fresh, _) = log
            .room_page("lobby".into(), "Lobby".into(), Page::Latest, 446)
            .await
            .unwrap();
        assert_eq!(fresh.first().unwrap().id, 446);
    })
    .await;
}

#[tokio::test]
async fn a_page_of_long_messages_fits_the_line() {
    on_both(|log, _| async move {
        let long = "ñ".repeat(tertulia_shared::limits::MESSAGE_MAX_CHARS);
        for id in 1..=20 {
            log.append(room_message(id, &long)).unwrap();
        }
        log.flush().await;
        let (page, more) = log
            .room_page("lobby".into(), "Lobby".into(), Page::Latest, 0)
            .await
            .unwrap();
        assert!(more);
        let line = tertulia_shared::codec::encode(&tertulia_shared::ServerMessage::Reply {
            id: Some(u64::MAX),
            result: tertulia_shared::Reply::History {
                room: "Lobby".into(),
                messages: page,
                more,
            },
        });
        assert!(
            line.len() <= tertulia_shared::limits::MAX_LINE_BYTES,
            "{}",
            line.len()
        );
    })
    .await;
}

#[tokio::test]
async fn queued_privates_are_read_once_delivered_is_recorded() {
    on_both(|log, _| async move {
        log.append(private(1, "ana", "Luis", true)).unwrap();
        log.append(private(2, "eva", "luis", true)).unwrap();
        log.append(private(3, "luis", "ana", false)).unwrap();
        log.flush().await;
        let queued = log.queued_privates("luis".into(), 3).await.unwrap();
        assert_eq!(queued.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 2]);
        log.append(Entry::Delivered {
            login: "Luis".into(),
            up_to: 2,
        })
        .unwrap();
        log.flush().await;
        assert!(
            log.queued_privates("luis".into(), 3)
                .await
                .unwrap()
                .is_empty()
        );
        // Sent and received both show in the conversation history.
        let (ana, _) = log
            .private_page("ana".into(), Page::After(0))
            .await
            .unwrap();
        assert_eq!(ana.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 3]);
    })
    .await;
}

#[tokio::test]
async fn forgotten_rooms_and_pruned_messages_are_gone_and_ids_never_come_back() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let (log, _) = open(&backend).await;
        log.append(room_message(1, "old")).unwrap();
        log.append(Entry::Room {
            room_key: "química".into(),
            message: Arc::new(ChatMessage {
                edited: false,
                reactions: Vec::new(),
                reply_to: None,
                deleted: false,
                id: 2,
                room: "química".into(),
                from: "ana".into(),
                text: "fórmula".into(),
                time_ms: 5_000,
                file: None,
            }),
        })
        .unwrap();
        log.append(Entry::ForgetRoom {
            room_key: "química".into(),
        })
        .unwrap();
        log.append(Entry::Prune { before_ms: 1_002 }).unwrap();
        log.flush().await;
        let page = |room: &str| log.room_page(room.into(), room.into(), Page::Latest, 0);
        assert!(page("lobby").await.unwrap().0.is_empty(), "pruned");
        assert!(page("química").await.unwrap().0.is_empty(), "forgotten");
        let (_, resume) = open(&backend).await;
        assert!(resume.next_id > 2, "{backend:?}: {}", resume.next_id);
        assert_eq!(resume.last_stamp_ms, 0, "nothing left to resume from");
    }
}

#[test]
fn a_queued_entry_stays_small() {
    // The writer's queue is allocated whole at start: QUEUE_CAPACITY
    // entries, each the size of the largest variant.
    assert!(
        std::mem::size_of::<Entry>() <= 48,
        "Entry is {} bytes",
        std::mem::size_of::<Entry>()
    );
}

#[tokio::test]
async fn after_a_burst_a_lone_message_is_stored_without_waiting_for_company() {
    on_both(|log, _| async move {
        // A burst: the writer sees a busy batch and spaces its commits out.
        for id in 1..=1000 {
            log.append(room_message(id, "x")).unwrap();
        }
        log.stored(1000).await.unwrap();
        // Then someone who waits for each `sent`: were every commit held back
        // by the interval, this would take at least 50 of them.
        let lone = 50;
        let started = std::time::Instant::now();
        for id in 1001..=1000 + lone {
            log.append(room_message(id, "y")).unwrap();
            log.stored(id).await.unwrap();
        }
        assert!(
            started.elapsed() < writer::COMMIT_INTERVAL * lone as u32,
            "{lone} lone messages took {:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn search_reactions_edits_and_deletions_alike_on_both_engines() {
    on_both(|log, _| async move {
        for (id, text) in [(1, "La Física cuántica"), (2, "fisiología"), (3, "química")] {
            log.append(room_message(id, text)).unwrap();
        }
        log.append(private(4, "ana", "luis", false)).unwrap();
        log.stored(4).await.unwrap();
        log.indexed(4).await;
        let everywhere = Scope::Everywhere {
            login_key: "ana".into(),
        };
        let ids = |hits: search::Hits| -> Vec<MessageId> {
            hits.0.iter().map(|(_, hit)| hit.id).collect()
        };
        let find =
            |words: &str, scope: Scope| log.search(match_query(words).unwrap(), scope, None, 10);
        assert_eq!(ids(find("FISI", everywhere.clone()).await.unwrap()), [2, 1]);
        assert_eq!(
            ids(find("fisica cuan", everywhere.clone()).await.unwrap()),
            [1]
        );
        assert_eq!(ids(find("p4", everywhere.clone()).await.unwrap()), [4]);
        let luis_only = Scope::Everywhere {
            login_key: "eva".into(),
        };
        assert!(
            ids(find("p4", luis_only).await.unwrap()).is_empty(),
            "not eva's"
        );
        let room = Scope::Room {
            room_key: "lobby".into(),
            first_id: 2,
        };
        assert_eq!(
            ids(find("fisi", room).await.unwrap()),
            [2],
            "from its first id"
        );

        let reactions = log
            .toggle_reaction(1, "ana".into(), "👍".into())
            .await
            .unwrap();
        assert_eq!(reactions.len(), 1);
        let reactions = log
            .toggle_reaction(1, "luis".into(), "👍".into())
            .await
            .unwrap();
        assert_eq!(reactions[0].by, ["ana", "luis"], "in the order of arrival");
        let reactions = log
            .toggle_reaction(1, "ana".into(), "👍".into())
            .await
            .unwrap();
        assert_eq!(reactions[0].by, ["luis"], "toggled off");

        log.append(Entry::Edit {
            id: 3,
            text: "química orgánica".into(),
        })
        .unwrap();
        log.append(Entry::Delete {
            id: 1,
            by: "profe".into(),
        })
        .unwrap();
        log.flush().await;
        log.indexed(4).await;
        assert!(
            ids(find("cuantica", everywhere.clone()).await.unwrap()).is_empty(),
            "deleted"
        );
        assert_eq!(
            ids(find("organica", everywhere.clone()).await.unwrap()),
            [3],
            "edited"
        );
        let (page, _) = log
            .room_page("lobby".into(), "Lobby".into(), Page::Latest, 0)
            .await
            .unwrap();
        assert!(page[0].deleted && page[0].text.is_empty() && page[0].reactions.is_empty());
        assert!(page[2].edited);
        let found = log.find(3).await.unwrap().unwrap();
        assert_eq!(
            (found.text.as_str(), found.deleted),
            ("química orgánica", false)
        );
        assert!(log.find(99).await.unwrap().is_none());
    })
    .await;
}
