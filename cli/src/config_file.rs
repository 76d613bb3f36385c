//! PBXes described in a TOML file (the exporter's targets): URL, TLS trust, and credentials
//! that stay out of command lines, URLs and logs. A secret comes from the environment
//! (`password_env`), a file only its owner can read (`password_file`), the output of a
//! command (`password_command`, e.g. `pass show pbx/office`), or the config file itself
//! (`password`) when that file is only its owner's; the same four ways for `api_key`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mikopbx::{Options, TlsTrust, WatchOptions};
use serde::Deserialize;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub exporter: ExporterSection,
    /// The PBXes by name, `[pbx.office]`.
    #[serde(default)]
    pub pbx: BTreeMap<String, PbxEntry>,
}

/// `[exporter]`: settings of `mikopbx exporter`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExporterSection {
    /// Seconds a snapshot of a PBX is served before it is read again (default 30: the server
    /// refreshes extension statuses every 30 s, so reading it more often shows nothing new).
    pub cache_seconds: Option<f64>,
}

/// `[pbx.NAME]`: one PBX.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PbxEntry {
    pub url: String,
    pub login: Option<String>,
    password: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
    password_command: Option<String>,
    api_key: Option<String>,
    api_key_env: Option<String>,
    api_key_file: Option<PathBuf>,
    api_key_command: Option<String>,
    /// `auto` (default), `legacy` or `v3`.
    api_version: Option<String>,
    #[serde(default)]
    insecure: bool,
    /// A PEM file of CA certificates to trust besides the system roots.
    ca_cert: Option<PathBuf>,
    /// The server certificate's SHA-256 fingerprint.
    pin_sha256: Option<String>,
    /// Seconds one snapshot may take in all.
    timeout: Option<f64>,
    requests_per_minute: Option<u32>,
    /// Only ids matching these comma-separated patterns.
    pub include: Option<String>,
    /// Leave out ids matching these patterns.
    pub exclude: Option<String>,
    /// This PBX's `cache_seconds`, instead of `[exporter]`'s.
    cache_seconds: Option<f64>,
}

/// Never shows a secret, only where it comes from.
impl std::fmt::Debug for PbxEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PbxEntry").field("url", &self.url).field("login", &self.login).finish_non_exhaustive()
    }
}

/// A PBX ready to be read: its client options and how often and what to read.
#[derive(Debug)]
pub struct Pbx {
    pub options: Options,
    pub polling: WatchOptions,
}

impl ConfigFile {
    /// Reads and checks the file. Errors name the file and the entry, never a secret.
    pub fn read(path: &Path) -> Result<ConfigFile, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        // The line number and the message only: toml's own rendering quotes the line, which
        // may hold a secret.
        let file: ConfigFile = toml::from_str(&text).map_err(|e| {
            let line =
                e.span().and_then(|span| text.get(..span.start)).map_or(1, |before| before.matches('\n').count() + 1);
            format!("{}:{line}: {}", path.display(), e.message())
        })?;
        let inline = file.pbx.iter().find(|(_, entry)| entry.password.is_some() || entry.api_key.is_some());
        if let Some((name, _)) = inline {
            private(path).map_err(|e| format!("[pbx.{name}] holds a secret in the file itself, but {e}"))?;
        }
        Ok(file)
    }

    /// The PBX `name` with its secrets read (none of the others'), or `None` when the file has
    /// no such entry.
    pub fn pbx(&self, name: &str) -> Result<Option<Pbx>, String> {
        let Some(entry) = self.pbx.get(name) else { return Ok(None) };
        let cache = entry.cache_seconds.or(self.exporter.cache_seconds);
        entry.resolve(cache).map(Some).map_err(|e| format!("[pbx.{name}]: {e}"))
    }

    /// Every PBX with its secrets read, in name order.
    pub fn pbxes(&self) -> Result<Vec<(String, Pbx)>, String> {
        self.pbx
            .iter()
            .map(|(name, entry)| {
                let cache = entry.cache_seconds.or(self.exporter.cache_seconds);
                entry.resolve(cache).map(|pbx| (name.clone(), pbx)).map_err(|e| format!("[pbx.{name}]: {e}"))
            })
            .collect()
    }
}

impl PbxEntry {
    fn resolve(&self, cache_seconds: Option<f64>) -> Result<Pbx, String> {
        let password =
            secret("password", &self.password, &self.password_env, &self.password_file, &self.password_command)?;
        let api_key = secret("api_key", &self.api_key, &self.api_key_env, &self.api_key_file, &self.api_key_command)?;
        let api_version = self.api_version.as_deref().map(str::parse).transpose().map_err(text)?;
        let timeout = self.timeout.map(|seconds| mikopbx::seconds("timeout", seconds)).transpose().map_err(text)?;
        let options = Options {
            url: self.url.clone(),
            login: self.login.clone(),
            password,
            api_key,
            api_version,
            insecure: self.insecure,
            ca_pem: self.ca_cert.as_deref().map(TlsTrust::read_pem_file).transpose().map_err(text)?,
            pin_sha256: self.pin_sha256.clone(),
            timeout,
            connect_timeout: timeout.map(|t| t.min(mikopbx::DEFAULT_CONNECT_TIMEOUT)),
            requests_per_minute: self.requests_per_minute,
            ..Options::default()
        };
        Ok(Pbx { options, polling: polling(cache_seconds, self.include.clone(), self.exclude.clone())? })
    }
}

/// How often and what the exporter reads: a snapshot at most every `cache_seconds` (default
/// 30, at least 1), of the ids the patterns select.
pub fn polling(
    cache_seconds: Option<f64>,
    include: Option<String>,
    exclude: Option<String>,
) -> Result<WatchOptions, String> {
    let polling = WatchOptions::new(cache_seconds, include, exclude).map_err(text)?;
    if polling.interval < Duration::from_secs(1) {
        return Err("cache_seconds must be at least 1".to_owned());
    }
    Ok(polling)
}

fn text(error: mikopbx::Error) -> String {
    error.to_string()
}

/// At most one of the four sources of one secret, read.
fn secret(
    name: &str,
    inline: &Option<String>,
    env: &Option<String>,
    file: &Option<PathBuf>,
    command: &Option<String>,
) -> Result<Option<String>, String> {
    let given = [inline.is_some(), env.is_some(), file.is_some(), command.is_some()];
    if given.iter().filter(|set| **set).count() > 1 {
        return Err(format!("give one of {name}, {name}_env, {name}_file and {name}_command"));
    }
    if let Some(value) = inline {
        return Ok(Some(value.clone()));
    }
    if let Some(variable) = env {
        return std::env::var(variable)
            .map(Some)
            .map_err(|_| format!("{name}_env names {variable:?}, which is not set (or not UTF-8)"));
    }
    if let Some(path) = file {
        private(path)?;
        let value = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return Ok(Some(first_line(&value)));
    }
    if let Some(command) = command {
        let output = std::process::Command::new("sh")
            .args(["-c", command])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run {name}_command: {e}"))?;
        if !output.status.success() {
            return Err(format!("{name}_command failed ({})", output.status));
        }
        let value = String::from_utf8(output.stdout).map_err(|_| format!("{name}_command printed no UTF-8 text"))?;
        return Ok(Some(first_line(&value)));
    }
    Ok(None)
}

/// A per-user directory of the XDG base-directory rules: `$variable`, else `~/fallback`.
pub fn user_dir(variable: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(variable)
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|home| PathBuf::from(home).join(fallback)))
}

/// A secret file's first line without its line ending (as `echo secret > file` writes it).
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// Refuses a file that others than its owner may read, as ssh does for keys.
fn private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(format!("{} can be read by others (mode {:o}): chmod 600 it", path.display(), mode & 0o777));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mikopbx-config-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn secrets_come_from_a_file_a_command_or_a_private_config() {
        let dir = dir("sources");
        let secret_file = write(&dir, "office.password", "from-file\n", 0o600);
        let text = format!(
            "[exporter]\ncache_seconds = 5\n\
             [pbx.office]\nurl = \"http://10.0.0.5\"\nlogin = \"admin\"\npassword_file = {secret_file:?}\n\
             [pbx.vps]\nurl = \"https://pbx.example\"\napi_key_command = \"echo from-command\"\ncache_seconds = 60\n\
             [pbx.lab]\nurl = \"http://10.0.0.6\"\nlogin = \"admin\"\npassword = \"inline\"\ninclude = \"2*\"\n"
        );
        let config = write(&dir, "exporter.toml", &text, 0o600);
        let pbxes = ConfigFile::read(&config).unwrap().pbxes().unwrap();
        let names: Vec<&str> = pbxes.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["lab", "office", "vps"]);
        let (lab, office, vps) = (&pbxes[0].1, &pbxes[1].1, &pbxes[2].1);
        assert_eq!(office.options.password.as_deref(), Some("from-file"));
        assert_eq!(vps.options.api_key.as_deref(), Some("from-command"));
        assert_eq!(lab.options.password.as_deref(), Some("inline"));
        assert_eq!(lab.polling.include.as_deref(), Some("2*"));
        assert_eq!((office.polling.interval.as_secs(), vps.polling.interval.as_secs()), (5, 60));
    }

    #[test]
    fn secrets_readable_by_others_are_refused_without_showing_them() {
        let dir = dir("refused");
        let open = write(
            &dir,
            "open.toml",
            "[pbx.a]\nurl = \"http://pbx\"\nlogin = \"admin\"\npassword = \"s3cret\"\n",
            0o644,
        );
        let error = ConfigFile::read(&open).unwrap_err();
        assert!(error.contains("chmod 600") && !error.contains("s3cret"), "{error}");
        let secret_file = write(&dir, "open.password", "s3cret", 0o640);
        let text = format!("[pbx.a]\nurl = \"http://pbx\"\nlogin = \"admin\"\npassword_file = {secret_file:?}\n");
        let config = write(&dir, "file.toml", &text, 0o644);
        let error = ConfigFile::read(&config).unwrap().pbxes().unwrap_err();
        assert!(error.starts_with("[pbx.a]: ") && error.contains("chmod 600") && !error.contains("s3cret"), "{error}");
        let two =
            write(&dir, "two.toml", "[pbx.a]\nurl = \"http://pbx\"\npassword = \"x\"\npassword_env = \"X\"\n", 0o600);
        assert!(ConfigFile::read(&two).unwrap().pbxes().unwrap_err().contains("give one of password"));
        let unset = write(
            &dir,
            "unset.toml",
            "[pbx.a]\nurl = \"http://pbx\"\nlogin = \"a\"\npassword_env = \"MIKOPBX_TEST_UNSET\"\n",
            0o600,
        );
        assert!(ConfigFile::read(&unset).unwrap().pbxes().unwrap_err().contains("MIKOPBX_TEST_UNSET"));
        let typo = write(&dir, "typo.toml", "[pbx.a]\nurl = \"http://pbx\"\npasword = \"x\"\n", 0o600);
        assert!(ConfigFile::read(&typo).unwrap_err().contains("pasword"));
        let fast = write(&dir, "fast.toml", "[exporter]\ncache_seconds = 0.5\n[pbx.a]\nurl = \"http://pbx\"\n", 0o600);
        assert!(ConfigFile::read(&fast).unwrap().pbxes().unwrap_err().contains("at least 1"));
    }
}
