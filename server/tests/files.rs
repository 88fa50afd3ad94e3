//! Sharing files over real sockets: offers, chunked uploads and downloads,
//! the same content stored once, limits, unsafe names, private files,
//! resuming after a lost connection, and a deleted room's files.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::transfer::{download, share, shared_file, upload_from};
use common::{TestServer, code, test_config};
use tertulia_server::Config;
use tertulia_server::files::FileLimits;
use tertulia_shared::files::{CHUNK_BYTES, encode_chunk, sha256_hex};
use tertulia_shared::{ErrorCode, Event, Reply, Request};

/// Bytes that are not all alike, so a misplaced chunk shows.
fn content(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// The SHA-256 of every content kept: files beside the SQLite database, or
/// rows of PostgreSQL.
fn stored_content(dir: &tempfile::TempDir) -> Vec<String> {
    if common::engine::on_postgres() {
        return common::engine::with_database(&dir.path().join("accounts.db"), |db| {
            db.query("SELECT sha256 FROM file_contents ORDER BY sha256", &[])
                .unwrap()
                .iter()
                .map(|row| row.get(0).unwrap())
                .collect()
        });
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("files"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn files_of_every_size_go_round_and_everyone_in_the_room_sees_them() {
    let (server, dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    for size in [0, 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES - 5] {
        let bytes = content(size);
        let reply = share(&mut ana, &format!("f{size}.bin"), &bytes, None)
            .await
            .unwrap();
        let file = shared_file(&reply);
        assert_eq!(
            (file.size, file.sha256.clone()),
            (size as u64, sha256_hex(&bytes))
        );
        assert_eq!(file.mime, "application/octet-stream");
        let Event::Message(message) = luis
            .event_matching(|e| matches!(e, Event::Message(_)))
            .await
        else {
            unreachable!()
        };
        assert_eq!(message.file.as_ref(), Some(&file), "luis sees the file");
        assert_eq!(message.text, format!("f{size}.bin"));
        assert_eq!(
            download(&mut luis, file.id).await.unwrap(),
            bytes,
            "{size} bytes"
        );
    }
    // History keeps the files.
    let history = luis.whole_history("lobby").await;
    assert_eq!(history.iter().filter(|m| m.file.is_some()).count(), 5);
    assert_eq!(stored_content(&dir).len(), 5);
    server.stop().await;
}

#[tokio::test]
async fn fifty_megabytes_arrive_intact() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    let bytes = content(50 * 1024 * 1024);
    let file = shared_file(&share(&mut ana, "dataset.csv", &bytes, None).await.unwrap());
    assert_eq!(file.mime, "text/csv");
    let got = download(&mut luis, file.id).await.unwrap();
    assert_eq!(got.len(), bytes.len());
    assert_eq!(sha256_hex(&got), sha256_hex(&bytes), "hash checked");
    server.stop().await;
}

#[tokio::test]
async fn the_same_content_is_stored_once_and_needs_no_second_upload() {
    let (server, dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    let bytes = content(2 * CHUNK_BYTES);
    let first = shared_file(&share(&mut ana, "notas.pdf", &bytes, None).await.unwrap());
    // Luis shares the same notes under another name: no bytes to send.
    let reply = luis
        .request(Request::OfferFile {
            name: "copia.pdf".into(),
            size: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
            to: None,
        })
        .await
        .unwrap();
    let second = shared_file(&reply);
    assert_ne!(first.id, second.id);
    assert_eq!(second.name, "copia.pdf");
    assert_eq!(stored_content(&dir), [sha256_hex(&bytes)]);
    assert_eq!(download(&mut ana, second.id).await.unwrap(), bytes);
    // Past the end: refused in a download's own words, not an upload's.
    let past = ana
        .request(Request::DownloadChunk {
            file: second.id,
            offset: bytes.len() as u64 + 1,
        })
        .await
        .unwrap_err();
    assert_eq!(past.code, ErrorCode::WrongOffset);
    assert!(past.message.contains("nothing to read past"), "{past:?}");
    server.stop().await;
}

#[tokio::test]
async fn limits_and_lies_are_refused() {
    let config = Config {
        files: FileLimits {
            max_file_bytes: 100_000,
            quota_bytes: 1 << 30,
        },
        ..test_config()
    };
    let (server, dir) = TestServer::start_with(config).await;
    let mut ana = server.user("ana").await;
    let too_big = ana
        .request(Request::OfferFile {
            name: "big.iso".into(),
            size: 100_001,
            sha256: sha256_hex(b"x"),
            to: None,
        })
        .await;
    assert_eq!(code(too_big), ErrorCode::FileTooLarge);

    // Bytes that do not match the offered hash: refused, nothing kept.
    let bytes = content(1000);
    let Reply::Upload { upload, .. } = ana
        .request(Request::OfferFile {
            name: "a.txt".into(),
            size: 1000,
            sha256: sha256_hex(b"something else"),
            to: None,
        })
        .await
        .unwrap()
    else {
        panic!()
    };
    let lie = ana
        .request(Request::UploadChunk {
            upload,
            offset: 0,
            data: encode_chunk(&bytes),
        })
        .await;
    assert_eq!(code(lie), ErrorCode::HashMismatch);
    assert!(stored_content(&dir).is_empty());

    // Chunks out of place, too long, not base64, for someone else's upload.
    let Reply::Upload { upload, .. } = ana
        .request(Request::OfferFile {
            name: "b.txt".into(),
            size: 10,
            sha256: sha256_hex(&content(10)),
            to: None,
        })
        .await
        .unwrap()
    else {
        panic!()
    };
    let chunk = |offset, data: &[u8]| Request::UploadChunk {
        upload,
        offset,
        data: encode_chunk(data),
    };
    assert_eq!(
        code(ana.request(chunk(5, b"abc")).await),
        ErrorCode::WrongOffset
    );
    assert_eq!(
        code(ana.request(chunk(0, &[0; 11])).await),
        ErrorCode::WrongOffset
    );
    let not_base64 = Request::UploadChunk {
        upload,
        offset: 0,
        data: "¿qué?".into(),
    };
    assert_eq!(code(ana.request(not_base64).await), ErrorCode::Malformed);
    let mut eva = server.user("eva").await;
    assert_eq!(
        code(eva.request(chunk(0, b"abc")).await),
        ErrorCode::NoSuchUpload
    );
    let cancelled = ana.request(Request::CancelUpload { upload }).await;
    assert_eq!(cancelled, Ok(Reply::UploadCancelled { upload }));
    assert_eq!(
        code(ana.request(chunk(0, b"abc")).await),
        ErrorCode::NoSuchUpload
    );

    // Not logged in.
    let mut anonymous = server.greeted().await;
    let offer = anonymous
        .request(Request::DownloadChunk { file: 1, offset: 0 })
        .await;
    assert_eq!(code(offer), ErrorCode::NotAuthenticated);
    server.stop().await;
}

#[tokio::test]
async fn names_that_try_to_escape_are_stored_safely() {
    let (server, dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut shown = Vec::new();
    for (n, name) in [
        "../../etc/passwd",
        "/etc/shadow",
        "..\\..\\boot.ini",
        "a\0b.txt",
        "CON",
        "nul.txt",
        "..",
        "",
    ]
    .into_iter()
    .enumerate()
    {
        let file = shared_file(&share(&mut ana, name, &content(n + 1), None).await.unwrap());
        shown.push(file.name);
    }
    assert_eq!(
        shown,
        [
            "passwd", "shadow", "boot.ini", "ab.txt", "_CON", "_nul.txt", "file", "file"
        ]
    );
    // Nothing but content named by its hash, inside files/.
    for name in stored_content(&dir) {
        assert!(tertulia_shared::files::is_sha256_hex(&name), "{name}");
    }
    assert!(!dir.path().join("etc").exists() && !dir.path().join("passwd").exists());
    server.stop().await;
}

#[tokio::test]
async fn a_private_file_is_for_its_two_people_only() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    let mut eva = server.user("eva").await;
    let bytes = content(5000);
    let reply = share(&mut ana, "secreto.txt", &bytes, Some("Luis"))
        .await
        .unwrap();
    let Reply::PrivateSent {
        ref message,
        queued,
    } = reply
    else {
        panic!("{reply:?}")
    };
    assert!(!queued);
    assert_eq!(message.to, "luis");
    let file = shared_file(&reply);
    let Event::Private(received) = luis
        .event_matching(|e| matches!(e, Event::Private(_)))
        .await
    else {
        unreachable!()
    };
    assert_eq!(received.file.as_ref(), Some(&file));
    assert_eq!(download(&mut luis, file.id).await.unwrap(), bytes);
    assert_eq!(download(&mut ana, file.id).await.unwrap(), bytes);
    assert_eq!(
        code(download(&mut eva, file.id).await.map(|_| Reply::Bye)),
        ErrorCode::NoSuchFile
    );
    // To nobody.
    let nobody = share(&mut ana, "x.txt", b"x", Some("nadie")).await;
    assert_eq!(code(nobody), ErrorCode::UserNotFound);
    server.stop().await;
}

#[tokio::test]
async fn an_upload_cut_by_a_lost_connection_resumes_where_it_stopped() {
    let (server, _dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let bytes = content(5 * CHUNK_BYTES + 100);
    let offer = Request::OfferFile {
        name: "tesis.pdf".into(),
        size: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
        to: None,
    };
    let Reply::Upload { upload, .. } = ana.request(offer.clone()).await.unwrap() else {
        panic!()
    };
    for n in 0..2 {
        let start = n * CHUNK_BYTES;
        ana.request(Request::UploadChunk {
            upload,
            offset: start as u64,
            data: encode_chunk(&bytes[start..start + CHUNK_BYTES]),
        })
        .await
        .unwrap();
    }
    drop(ana);

    let mut ana = server.client().await;
    ana.hello().await;
    ana.login("ana").await.unwrap();
    let reply = ana.request(offer).await.unwrap();
    assert_eq!(
        reply,
        Reply::Upload {
            upload,
            received: 2 * CHUNK_BYTES as u64,
            chunk_bytes: CHUNK_BYTES
        },
        "the same upload, from where it stopped"
    );
    let file = shared_file(&upload_from(&mut ana, reply, &bytes).await.unwrap());
    assert_eq!(download(&mut ana, file.id).await.unwrap(), bytes);
    server.stop().await;
}

#[tokio::test]
async fn a_deleted_room_takes_its_files_with_it() {
    let (server, dir) = TestServer::start().await;
    let mut ana = server.user("ana").await;
    let mut luis = server.user("luis").await;
    ana.create("química").await.unwrap();
    luis.join("química").await.unwrap();
    let bytes = content(3000);
    let file = shared_file(&share(&mut ana, "tabla.png", &bytes, None).await.unwrap());
    assert_eq!(file.mime, "image/png");
    assert_eq!(download(&mut luis, file.id).await.unwrap(), bytes);
    ana.request(Request::DeleteRoom {
        room: "química".into(),
    })
    .await
    .unwrap();
    // The log's writer deletes the rows, then the content goes.
    let deadline = std::time::Instant::now() + common::PATIENCE;
    while !stored_content(&dir).is_empty() {
        assert!(std::time::Instant::now() < deadline, "content still there");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        code(download(&mut luis, file.id).await.map(|_| Reply::Bye)),
        ErrorCode::NoSuchFile
    );
    server.stop().await;
}

#[tokio::test]
async fn past_the_quota_the_oldest_files_go() {
    let config = Config {
        files: FileLimits {
            max_file_bytes: 10_000,
            quota_bytes: 25_000,
        },
        ..test_config()
    };
    let (server, dir) = TestServer::start_with(config).await;
    let mut ana = server.user("ana").await;
    let mut ids = Vec::new();
    for n in 0..4u8 {
        let bytes = vec![n; 10_000];
        ids.push(shared_file(&share(&mut ana, "f.bin", &bytes, None).await.unwrap()).id);
    }
    assert_eq!(
        stored_content(&dir).len(),
        2,
        "25 kB hold two files of 10 kB"
    );
    assert_eq!(
        code(download(&mut ana, ids[0]).await.map(|_| Reply::Bye)),
        ErrorCode::NoSuchFile
    );
    assert_eq!(
        code(download(&mut ana, ids[1]).await.map(|_| Reply::Bye)),
        ErrorCode::NoSuchFile
    );
    assert_eq!(download(&mut ana, ids[3]).await.unwrap(), vec![3; 10_000]);
    server.stop().await;
}
