//! The session kept between runs, so that `watch -n5 mikopbx peers` logs in once instead of
//! every five seconds (2024.1's throttle counts successful logins and refuses the tenth in
//! five minutes; docs/server-notes.md). One file per server URL and login, readable by the
//! user alone, holding the session cookie or tokens but never the password; `mikopbx logout`
//! ends the session and removes the file.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::PathBuf;

use mikopbx::SavedSession;
use sha2::{Digest, Sha256};

pub struct SessionCache {
    path: PathBuf,
}

impl SessionCache {
    /// The cache file for this server and login: `$XDG_CACHE_HOME/mikopbx/sessions/<hash>.json`
    /// (else `~/.cache/...`). `None` when no cache directory is known.
    pub fn new(url: &str, login: &str) -> Option<SessionCache> {
        let base = crate::config_file::user_dir("XDG_CACHE_HOME", ".cache")?;
        let key = hex::encode(Sha256::digest(format!("{url}\n{login}").as_bytes()));
        Some(SessionCache { path: base.join("mikopbx").join("sessions").join(format!("{key}.json")) })
    }

    /// The saved session, if there is one that only this user can read.
    pub fn load(&self) -> Option<SavedSession> {
        let metadata = fs::metadata(&self.path).ok()?;
        if metadata.mode() & 0o077 != 0 || metadata.uid() != current_uid() {
            eprintln!("mikopbx: ignoring {} (others can read it); remove it", self.path.display());
            return None;
        }
        serde_json::from_slice(&fs::read(&self.path).ok()?).ok()
    }

    /// Writes the session (mode 0600, in a directory of mode 0700), replacing the old file
    /// atomically. A failure only costs a login next time, so it is reported, not fatal.
    pub fn store(&self, session: &SavedSession) {
        if let Err(e) = self.write(session) {
            eprintln!("mikopbx: cannot keep the session in {}: {e}", self.path.display());
        }
    }

    fn write(&self, session: &SavedSession) -> std::io::Result<()> {
        let dir = self.path.parent().ok_or_else(|| std::io::Error::other("no parent directory"))?;
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        let temporary = self.path.with_extension(format!("tmp{}", std::process::id()));
        let mut file = fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temporary)?;
        let text = serde_json::to_vec(session).map_err(std::io::Error::other)?;
        let written = file.write_all(&text).and_then(|()| file.sync_all());
        if let Err(e) = written.and_then(|()| fs::rename(&temporary, &self.path)) {
            let _ = fs::remove_file(&temporary);
            return Err(e);
        }
        Ok(())
    }

    pub fn remove(&self) {
        let _ = fs::remove_file(&self.path);
    }
}

fn current_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}
