//! Sharing a file as a client does: offer, upload chunk by chunk, download.

use tertulia_shared::files::{CHUNK_BYTES, decode_chunk, encode_chunk, sha256_hex};
use tertulia_shared::{ErrorBody, FileInfo, Reply, Request};

use super::TestClient;

/// Offers `bytes` as `name` (to the room, or to `to`) and uploads them from
/// where the server says; returns the final reply.
pub async fn share(
    client: &mut TestClient,
    name: &str,
    bytes: &[u8],
    to: Option<&str>,
) -> Result<Reply, ErrorBody> {
    let reply = client
        .request(Request::OfferFile {
            name: name.into(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            to: to.map(Into::into),
        })
        .await?;
    upload_from(client, reply, bytes).await
}

/// Sends chunks while the server asks for them.
pub async fn upload_from(
    client: &mut TestClient,
    mut reply: Reply,
    bytes: &[u8],
) -> Result<Reply, ErrorBody> {
    while let Reply::Upload {
        upload,
        received,
        chunk_bytes,
    } = reply
    {
        let start = usize::try_from(received).unwrap();
        let end = (start + chunk_bytes).min(bytes.len());
        reply = client
            .request(Request::UploadChunk {
                upload,
                offset: received,
                data: encode_chunk(&bytes[start..end]),
            })
            .await?;
    }
    Ok(reply)
}

pub fn shared_file(reply: &Reply) -> FileInfo {
    match reply {
        Reply::Sent { message } => message.file.clone().expect("a file"),
        Reply::PrivateSent { message, .. } => message.file.clone().expect("a file"),
        other => panic!("not shared: {other:?}"),
    }
}

pub async fn download(client: &mut TestClient, file: u64) -> Result<Vec<u8>, ErrorBody> {
    let mut bytes = Vec::new();
    loop {
        let Reply::FileChunk {
            offset, data, eof, ..
        } = client
            .request(Request::DownloadChunk {
                file,
                offset: bytes.len() as u64,
            })
            .await?
        else {
            panic!("not a chunk")
        };
        assert_eq!(offset, bytes.len() as u64);
        let chunk = decode_chunk(&data).unwrap();
        assert!(chunk.len() <= CHUNK_BYTES);
        bytes.extend(chunk);
        if eof {
            return Ok(bytes);
        }
    }
}
