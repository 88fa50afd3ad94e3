use super::*;
use crate::sql::tests::{Backend, backends};
use tertulia_shared::files::{CHUNK_BYTES, sha256_hex};

/// `backend`'s store; its node folder (uploads in progress) in `dir`.
fn open(backend: &Backend, dir: &Path) -> FileStore {
    match backend {
        Backend::Sqlite(path) => FileStore::open(path).unwrap(),
        Backend::Postgres(address) => FileStore::open_postgres(address, dir).unwrap(),
    }
}

fn offer(bytes: &[u8], target: Target) -> Offer {
    Offer {
        name: "apuntes de física.pdf".into(),
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        target,
    }
}

fn lobby() -> Target {
    Target::Room {
        key: "lobby".into(),
        name: "Lobby".into(),
    }
}

/// Uploads `bytes` chunk by chunk; the file it became.
fn upload(store: &FileStore, owner: &str, bytes: &[u8], target: Target) -> FileInfo {
    let limits = FileLimits::default();
    let mut progress = store.offer(owner, offer(bytes, target), limits).unwrap();
    loop {
        match progress {
            Progress::Complete { file, .. } => return file,
            Progress::Uploading { upload, received } => {
                let from = usize::try_from(received).unwrap();
                let to = (from + CHUNK_BYTES).min(bytes.len());
                progress = store
                    .write_chunk(owner, upload, received, &bytes[from..to], limits)
                    .unwrap();
            }
        }
    }
}

/// Every byte of file `id`, as `login` downloads it.
fn download(store: &FileStore, login: &str, id: u64) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    loop {
        let (chunk, last) = store.read_chunk(login, id, bytes.len() as u64)?;
        bytes.extend_from_slice(&chunk);
        if last {
            return Ok(bytes);
        }
    }
}

/// Runs on a blocking thread: the PostgreSQL client blocks, and so does
/// every store method.
#[test]
fn files_are_stored_once_read_by_whom_they_are_shared_with_and_swept_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    for backend in backends(&dir) {
        let node = tempfile::tempdir().unwrap();
        let store = open(&backend, node.path());
        let content: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let file = upload(&store, "ana", &content, lobby());
        assert_eq!(file.size, 20_000, "{backend:?}");
        assert_eq!(file.sha256, sha256_hex(&content));
        assert_eq!(
            download(&store, "luis", file.id).unwrap(),
            content,
            "{backend:?}"
        );

        // The same content again is shared at once, without an upload.
        let again = store
            .offer("eva", offer(&content, lobby()), FileLimits::default())
            .unwrap();
        let Progress::Complete { file: shared, .. } = again else {
            panic!("{backend:?}: the same content was asked for again");
        };
        assert_ne!(shared.id, file.id);

        let private = upload(
            &store,
            "ana",
            b"solo para luis",
            Target::Private { to: "Luis".into() },
        );
        assert_eq!(
            download(&store, "luis", private.id).unwrap(),
            b"solo para luis"
        );
        assert!(matches!(
            download(&store, "eva", private.id),
            Err(FileError::NoSuchFile)
        ));
        let empty = upload(&store, "ana", b"", lobby());
        assert_eq!(download(&store, "luis", empty.id).unwrap(), b"");
        let made = store
            .keep_made("ana", "sala.csv", b"id,texto\n", FileLimits::default())
            .unwrap();
        assert_eq!(download(&store, "ana", made.id).unwrap(), b"id,texto\n");

        let lying = store.offer(
            "ana",
            Offer {
                sha256: sha256_hex(b"something else"),
                ..offer(b"what is sent", lobby())
            },
            FileLimits::default(),
        );
        let Ok(Progress::Uploading { upload: id, .. }) = lying else {
            panic!("{backend:?}: {lying:?}");
        };
        let refused = store.write_chunk("ana", id, 0, b"what is sent", FileLimits::default());
        assert!(
            matches!(refused, Err(FileError::HashMismatch)),
            "{backend:?}"
        );

        // The room goes (as the log's writer forgets it): its files too.
        backend
            .connect()
            .execute("DELETE FROM files WHERE room = 'lobby'", &[])
            .unwrap();
        store.sweep().unwrap();
        assert!(matches!(
            download(&store, "luis", file.id),
            Err(FileError::NoSuchFile)
        ));
        assert_eq!(
            download(&store, "luis", private.id).unwrap(),
            b"solo para luis"
        );
        let kept = store.offer("eva", offer(&content, lobby()), FileLimits::default());
        assert!(
            matches!(kept, Ok(Progress::Uploading { received: 0, .. })),
            "{backend:?}: the content went with its last file: {kept:?}"
        );
    }
}
