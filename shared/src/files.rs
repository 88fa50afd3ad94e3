//! Files shared in a room or a private conversation: the chunk size both
//! sides use, how a name offered by someone else becomes a safe one, the
//! type guessed from it, and the hash that identifies the content.

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::limits::MAX_LINE_BYTES;

/// Bytes of file content per `upload_chunk` / `file_chunk` line. Base64 makes
/// them 10,924 characters: with the JSON around them, a chunk line stays well
/// inside [`MAX_LINE_BYTES`].
pub const CHUNK_BYTES: usize = 8 * 1024;
const _: () = assert!(CHUNK_BYTES.div_ceil(3) * 4 + 512 < MAX_LINE_BYTES);

/// Longest file name kept, in bytes (what file systems allow).
pub const FILE_NAME_MAX_BYTES: usize = 255;

/// The default `--max-file-mb`.
pub const MAX_FILE_MB: u64 = 50;

/// Encodes chunk bytes for the wire.
pub fn encode_chunk(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes a chunk from the wire; `None` if it is not base64.
pub fn decode_chunk(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The SHA-256 of `bytes` in lowercase hex, as `offer_file` carries it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The length and SHA-256 (lowercase hex) of everything `reader` yields,
/// read in large blocks: how both sides check a file on disk.
pub fn sha256_of(mut reader: impl std::io::Read) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut block = vec![0; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut block)?;
        if n == 0 {
            return Ok((size, hex(&hasher.finalize())));
        }
        size += n as u64;
        hasher.update(&block[..n]);
    }
}

/// Lowercase hex of a digest.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// True for 64 lowercase hex digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Names Windows reserves whatever the extension (`nul.txt` too).
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A name offered by someone else, made safe to show and to save as: only
/// its last path component, no control, invisible or text-direction
/// characters, none of `/ \ : * ? " < > |`, no leading dots or trailing dots
/// and spaces, not a reserved device name, at most
/// [`FILE_NAME_MAX_BYTES`] bytes (the extension kept). Never empty.
pub fn safe_file_name(offered: &str) -> String {
    let last = offered
        .rsplit(['/', '\\'])
        .find(|part| !part.trim().is_empty())
        .unwrap_or("");
    let mut name: String = last
        .chars()
        .filter(|&c| {
            !c.is_control()
                && !crate::validate::is_invisible(c)
                && !crate::validate::is_layout_control(c)
        })
        .map(|c| match c {
            ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c => c,
        })
        .collect();
    name = name.trim_start_matches(['.', ' ']).to_owned();
    name = name.trim_end_matches(['.', ' ']).to_owned();
    if name.is_empty() {
        return "file".to_owned();
    }
    let stem = name.split('.').next().unwrap_or("").to_ascii_lowercase();
    if RESERVED.contains(&stem.trim_end()) {
        name.insert(0, '_');
    }
    if name.len() > FILE_NAME_MAX_BYTES {
        let extension = name
            .rfind('.')
            .map(|dot| name[dot..].to_owned())
            .filter(|e| e.len() <= 16)
            .unwrap_or_default();
        let mut keep = FILE_NAME_MAX_BYTES - extension.len();
        while !name.is_char_boundary(keep) {
            keep -= 1;
        }
        name.truncate(keep);
        name.push_str(&extension);
    }
    name
}

/// The MIME type a name suggests (the content is never sniffed).
pub fn mime_from_name(name: &str) -> &'static str {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" | "tgz" => "application/gzip",
        "tar" => "application/x-tar",
        "7z" => "application/x-7z-compressed",
        "json" => "application/json",
        "xml" => "application/xml",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "csv" => "text/csv",
        "md" => "text/markdown",
        "txt" | "log" | "rs" | "py" | "c" | "h" | "cpp" | "hpp" | "java" | "js" | "ts" | "go"
        | "sh" | "toml" | "yaml" | "yml" | "sql" | "tex" => "text/plain",
        _ => "application/octet-stream",
    }
}

/// True for the image types a client can show as a thumbnail.
pub fn is_image(mime: &str) -> bool {
    matches!(
        mime,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/bmp"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offered_names_become_safe_ones() {
        for (offered, safe) in [
            ("notas.pdf", "notas.pdf"),
            ("../../etc/passwd", "passwd"),
            ("/etc/shadow", "shadow"),
            ("C:\\Windows\\system32\\cmd.exe", "cmd.exe"),
            ("dir/", "dir"),
            ("a\0b.txt", "ab.txt"),
            ("..", "file"),
            ("", "file"),
            ("   ", "file"),
            (".bashrc", "bashrc"),
            ("informe. ", "informe"),
            ("CON", "_CON"),
            ("nul.txt", "_nul.txt"),
            ("lpt1", "_lpt1"),
            ("what?.txt", "what_.txt"),
            ("evil\u{202E}gpj.exe", "evilgpj.exe"),
            ("práctica ñ.rs", "práctica ñ.rs"),
        ] {
            assert_eq!(safe_file_name(offered), safe, "{offered:?}");
        }
        let long = format!("{}.pdf", "é".repeat(300));
        let safe = safe_file_name(&long);
        assert!(
            safe.len() <= FILE_NAME_MAX_BYTES && safe.ends_with(".pdf"),
            "{safe}"
        );
    }

    #[test]
    fn chunks_round_trip_and_hashes_are_hex() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(decode_chunk(&encode_chunk(&bytes)), Some(bytes.clone()));
        assert_eq!(decode_chunk("not base64!"), None);
        assert_eq!(sha256_of(&bytes[..]).unwrap(), (256, sha256_hex(&bytes)));
        let hash = sha256_hex(b"");
        assert_eq!(
            hash,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(is_sha256_hex(&hash));
        assert!(!is_sha256_hex(&hash.to_uppercase()));
    }

    #[test]
    fn types_come_from_the_extension() {
        assert_eq!(mime_from_name("Foto.JPG"), "image/jpeg");
        assert_eq!(mime_from_name("main.rs"), "text/plain");
        assert_eq!(mime_from_name("sin extensión"), "application/octet-stream");
        assert!(is_image(mime_from_name("a.png")));
    }
}
