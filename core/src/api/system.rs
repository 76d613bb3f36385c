//! System: liveness, and the server's report about itself with its clock.
//!
//! Shapes (docs/server-notes.md, "System info"): `sysinfo/getInfo` (2024.1: `{filename,
//! content}`) and `sysinfo:getInfo` (2026.1: `{content}`) send a text report made of sections,
//! each under a heading line of box-drawing dashes around its name (`─── PBXVersion ───`):
//! the version is the `PBXVersion` section, the uptime the output of `uptime`. There is no
//! structured uptime anywhere in the API. `system/getDate` and `system:datetime` send
//! `{timestamp}` in unix seconds.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::client::Inner;
use crate::error::{Error, Result, excerpt};
use crate::generation::ApiGeneration;
use crate::model::{data_error, define_models, string_field, unix_time_field};
use crate::transport::Request;

/// Served by nginx as a static file on both generations, without authentication.
const PING: &str = "pbxcore/api/system/ping";
const LEGACY_INFO: &str = "pbxcore/api/sysinfo/getInfo";
const LEGACY_DATE: &str = "pbxcore/api/system/getDate";
const V3_INFO: &str = "pbxcore/api/v3/sysinfo:getInfo";
const V3_DATE: &str = "pbxcore/api/v3/system:datetime";

/// The models of the system, declared once (see `__peer_models!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __system_models {
    ($callback:ident) => {
        $callback! {
            enums {}
            models {
                /// What the PBX says about itself (`sysinfo:getInfo` and the server's clock).
                struct SystemInfo {
                    /// The MikoPBX version (`2024.1.114`), from the report's `PBXVersion`
                    /// section.
                    version: Option<String>,
                    /// Seconds since the PBX booted, parsed from the report's `uptime` line.
                    uptime_seconds: Option<u64>,
                    /// The `uptime` line as the report has it.
                    uptime: Option<String>,
                    /// The server's clock when asked.
                    server_time: Option<$crate::UnixTime>,
                    /// The whole text report (environment, CPU, memory, storage, network,
                    /// Asterisk…), as sent.
                    report: String,
                    /// Both answers' `data` as sent: `{"info": …, "date": …}`.
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {}
            }
        }
    };
}

__system_models!(define_models);

/// `ping`: the round-trip time of `PONG`.
pub(crate) async fn ping(inner: &Inner) -> Result<Duration> {
    let started = Instant::now();
    let response = inner.transport.send(&Request::get(PING), &[]).await?;
    let elapsed = started.elapsed();
    if response.status == 200 && response.body.trim_ascii() == b"PONG" {
        return Ok(elapsed);
    }
    if response.status != 200 {
        return Err(response.status_error());
    }
    Err(Error::Decode {
        url: response.url,
        message: "ping did not answer PONG".to_owned(),
        excerpt: excerpt(&response.body),
    })
}

/// `system_info`: the report, then the clock.
pub(crate) async fn system_info(inner: &Inner) -> Result<SystemInfo> {
    let (info_path, date_path) = match inner.generation().await? {
        ApiGeneration::Legacy => (LEGACY_INFO, LEGACY_DATE),
        ApiGeneration::V3 => (V3_INFO, V3_DATE),
    };
    let (url, info) = inner.get_data(info_path).await?;
    let Some(report) = info.as_object().and_then(|fields| string_field(fields, "content")) else {
        return Err(data_error(&url, "the system information has no \"content\" text", &info));
    };
    let (_, date) = inner.get_data(date_path).await?;
    let server_time = date.as_object().and_then(|fields| unix_time_field(fields, "timestamp"));
    let version = section_of(&report, "PBXVersion").map(str::to_owned).filter(|v| !v.is_empty());
    let uptime = section_of(&report, "Uptime").and_then(|text| text.lines().next()).map(|line| line.trim().to_owned());
    let uptime_seconds = uptime.as_deref().and_then(uptime_seconds);
    Ok(SystemInfo { version, uptime_seconds, uptime, server_time, report, raw: json!({ "info": info, "date": date }) })
}

impl SystemInfo {
    /// One section of the report by its heading (`CPU load`, `MemInfo`, …).
    pub fn section(&self, name: &str) -> Option<&str> {
        section_of(&self.report, name)
    }
}

/// The text of the report's section `name`, trimmed: the lines between its heading and the
/// next heading.
fn section_of<'a>(report: &'a str, name: &str) -> Option<&'a str> {
    let mut start = None;
    let mut offset = 0;
    for line in report.split_inclusive('\n') {
        if let Some(heading) = heading(line) {
            if let Some(begin) = start {
                return Some(report[begin..offset].trim());
            }
            if heading == name {
                start = Some(offset + line.len());
            }
        }
        offset += line.len();
    }
    start.map(|begin| report[begin..].trim())
}

/// The name in a heading line (`───── Date ─────`), if the line is one.
fn heading(line: &str) -> Option<&str> {
    let line = line.trim();
    (line.starts_with('─') && line.ends_with('─')).then(|| line.trim_matches(|c: char| c == '─' || c == ' '))
}

/// Seconds from an `uptime` line: ` 10:30:45 up 3 days,  2:04,  load average: …`, with the
/// forms BusyBox and procps print (`up 5 min`, `up 1 day, 3 min`, `up  2:04`).
fn uptime_seconds(line: &str) -> Option<u64> {
    let (_, rest) = line.split_once(" up ")?;
    let mut seconds: u64 = 0;
    let mut any = false;
    for part in rest.split(',') {
        let part = part.trim();
        if part.contains("user") || part.starts_with("load average") {
            break;
        }
        let (number, unit) = part.split_once(' ').map_or((part, ""), |(n, u)| (n, u.trim()));
        let add = if let Some((hours, minutes)) = number.split_once(':') {
            hours.parse::<u64>().ok()?.checked_mul(3600)?.checked_add(minutes.parse::<u64>().ok()?.checked_mul(60)?)?
        } else {
            let count: u64 = number.parse().ok()?;
            match unit {
                "day" | "days" => count.checked_mul(86_400)?,
                "min" | "mins" => count.checked_mul(60)?,
                "sec" | "secs" => count,
                _ => return None,
            }
        };
        seconds = seconds.checked_add(add)?;
        any = true;
    }
    any.then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report as the server writes it.
    fn report(sections: &[(&str, &str)]) -> String {
        sections.iter().map(|(name, body)| format!("───────── {name} ─────────\n\n{body}\n\n\n")).collect()
    }

    #[test]
    fn sections_are_found_by_their_heading() {
        let text =
            report(&[("PBXVersion", "2024.1.114"), ("Uptime", " 10:30:45 up 3 days,  2:04,  load average: 0.00")]);
        assert_eq!(section_of(&text, "PBXVersion"), Some("2024.1.114"));
        assert_eq!(section_of(&text, "Uptime"), Some("10:30:45 up 3 days,  2:04,  load average: 0.00"));
        assert_eq!(section_of(&text, "Nothing"), None);
    }

    #[test]
    fn uptime_lines_of_busybox_and_procps() {
        assert_eq!(uptime_seconds(" 10:30:45 up 3 days,  2:04,  load average: 0.00, 0.01, 0.05"), Some(266_640));
        assert_eq!(uptime_seconds(" 10:30:45 up 5 min,  load average: 0.00"), Some(300));
        assert_eq!(uptime_seconds(" 10:30:45 up 1 day, 3 min,  2 users,  load average: 0.00"), Some(86_580));
        assert_eq!(uptime_seconds(" 10:30:45 up  2:04,  load average: 0.00"), Some(7_440));
        assert_eq!(uptime_seconds("no uptime here"), None);
        assert_eq!(uptime_seconds(" 10:30:45 up 99999999999999999999 days"), None);
    }
}
