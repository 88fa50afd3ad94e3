//! The files on this computer: where a download is saved (never over an
//! existing file), its `.part` while it arrives, and hashing.

use std::fs::File;
use std::path::{Path, PathBuf};

/// The size and SHA-256 of the file at `path`.
pub(super) fn hash_file(path: &Path) -> Result<(u64, String), String> {
    File::open(path)
        .and_then(tertulia_shared::files::sha256_of)
        .map_err(|e| e.to_string())
}

/// `dir/name`, or `dir/name (1).ext`… — never a file that exists (nor its
/// `.part`).
pub fn free_path(dir: &Path, name: &str) -> PathBuf {
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name, ""),
    };
    (0..)
        .map(|n| match n {
            0 => dir.join(name),
            n => dir.join(format!("{stem} ({n}){extension}")),
        })
        .find(|path| !path.exists() && !part_of(path).exists())
        .unwrap_or_else(|| dir.join(name))
}

pub(super) fn part_of(path: &Path) -> PathBuf {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    PathBuf::from(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_file_never_takes_the_name_of_another() {
        let dir = tempfile::tempdir().unwrap();
        let first = free_path(dir.path(), "notas.pdf");
        assert_eq!(first, dir.path().join("notas.pdf"));
        std::fs::write(&first, "a").unwrap();
        let second = free_path(dir.path(), "notas.pdf");
        assert_eq!(second, dir.path().join("notas (1).pdf"));
        std::fs::write(part_of(&second), "b").unwrap();
        assert_eq!(
            free_path(dir.path(), "notas.pdf"),
            dir.path().join("notas (2).pdf")
        );
        assert_eq!(free_path(dir.path(), ".bashrc"), dir.path().join(".bashrc"));
        assert_eq!(hash_file(&first).unwrap().0, 1);
    }
}
