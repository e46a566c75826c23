//! Attachment bytes, addressed by their SHA-256, behind a small interface (a local folder by
//! default; an object store can implement the same two calls).

use crate::error::AppError;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Storage {
    root: PathBuf,
}

impl Storage {
    pub fn local(root: impl Into<PathBuf>) -> Storage {
        Storage { root: root.into() }
    }

    fn path_of(&self, hash: &str) -> Result<PathBuf, AppError> {
        if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(AppError::NotFound);
        }
        Ok(self.root.join(&hash[0..2]).join(&hash[2..4]).join(hash))
    }

    /// Stores the bytes (once per content) and returns their SHA-256 in hex.
    pub fn put(&self, bytes: &[u8]) -> Result<String, AppError> {
        let hash = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&hash)?;
        if path.exists() {
            return Ok(hash);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        // Write then rename, so a reader never sees half a file. The temporary name is unique
        // to this writer: two may store the same bytes at once (the same message arriving by
        // two paths), and the second rename simply replaces identical content.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let tmp = dir.join(format!(
            ".{}.{}.{}",
            hash,
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::write(&tmp, bytes)?;
        if let Err(e) = std::fs::rename(&tmp, &path) {
            let _ = std::fs::remove_file(&tmp);
            if !path.exists() {
                return Err(e.into());
            }
        }
        Ok(hash)
    }

    /// Deletes the bytes (retention); already gone is fine.
    pub fn remove(&self, hash: &str) -> Result<(), AppError> {
        match std::fs::remove_file(self.path_of(hash)?) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    pub fn exists(&self, hash: &str) -> bool {
        self.path_of(hash).is_ok_and(|p| p.exists())
    }

    pub fn get(&self, hash: &str) -> Result<Vec<u8>, AppError> {
        let path = self.path_of(hash)?;
        std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => AppError::NotFound,
            _ => AppError::Internal(e.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_stored_once_by_hash() {
        let dir = tempfile::tempdir().unwrap();
        let s = Storage::local(dir.path());
        let h1 = s.put(b"bonjour").unwrap();
        let h2 = s.put(b"bonjour").unwrap();
        assert_eq!(h1, h2);
        assert_eq!(s.get(&h1).unwrap(), b"bonjour");
        assert!(matches!(s.get("../../etc/passwd"), Err(AppError::NotFound)));
    }

    #[test]
    fn the_same_bytes_stored_at_once_by_many_writers_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let s = Storage::local(dir.path());
        let body = vec![7u8; 200_000];
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8).map(|_| scope.spawn(|| s.put(&body))).collect();
            for h in handles {
                assert!(h.join().unwrap().is_ok());
            }
        });
        let hash = s.put(&body).unwrap();
        assert_eq!(s.get(&hash).unwrap(), body);
    }
}
