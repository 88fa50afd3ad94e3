use super::*;

fn open() -> (MessageLog, Resume, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (log, resume) = MessageLog::open(&dir.path().join("log.db"), || {}).unwrap();
    (log, resume, dir)
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
    let (log, resume, _dir) = open();
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
}

#[tokio::test]
async fn pages_go_back_and_forward_in_id_order_and_say_when_more_remain() {
    let (log, _, _dir) = open();
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
}

#[tokio::test]
async fn a_page_of_long_messages_fits_the_line() {
    let (log, _, _dir) = open();
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
}

#[tokio::test]
async fn queued_privates_are_read_once_delivered_is_recorded() {
    let (log, _, _dir) = open();
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
}

#[tokio::test]
async fn forgotten_rooms_and_pruned_messages_are_gone_and_ids_never_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    {
        let (log, _) = MessageLog::open(&path, || {}).unwrap();
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
    }
    let (_, resume) = MessageLog::open(&path, || {}).unwrap();
    assert!(resume.next_id > 2, "{}", resume.next_id);
    assert_eq!(resume.last_stamp_ms, 0, "nothing left to resume from");
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
    let (log, _, _dir) = open();
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
}
