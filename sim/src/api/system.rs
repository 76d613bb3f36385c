//! System: the server's clock, liveness, advice, and its diagnostic report. State section
//! `system` (optional): `version` (default: the generation's release, `2024.1.114` or
//! `2026.1.223`), `uptime_seconds` (default 266 640: 3 days, 2:04) and `clock` (unix
//! seconds; default: now), so that a test can fix what the report and the clock say.

use axum::http::Method;
use serde::Deserialize;
use serde_json::json;

use super::{Answer, LegacyCall, Resource, V3Call, V3Method};
use crate::{Shared, php};

pub const RESOURCE: Resource = Resource { legacy, v3_methods, v3 };

/// The state section of this resource.
const SECTION: &str = "system";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct System {
    version: Option<String>,
    uptime_seconds: Option<u64>,
    clock: Option<u64>,
}

fn legacy(shared: &Shared, call: &LegacyCall<'_>) -> Option<Answer> {
    Some(match (call.group, call.action) {
        ("system", "getDate") => {
            Answer::data("getDate", "SystemManagementProcessor::callBack", json!({"timestamp": clock(shared)}))
        }
        ("advice", "getList") => Answer::data("getList", "Advice\\GetAdviceAction::main", json!({"advice": []})),
        // 2024.1 writes the report to a file and its controller adds the file's text.
        ("sysinfo", "getInfo") => {
            let now = clock(shared);
            Answer::data(
                "getInfo",
                "Sysinfo\\GetInfoAction::main",
                json!({"filename": format!("/var/www/cache/getInfo_{now}.txt"),
                       "content": report(shared, "2024.1.114")}),
            )
        }
        _ => return None,
    })
}

fn v3_methods() -> Vec<V3Method> {
    vec![
        V3Method { resource: "system", method: "ping", verb: Method::GET, needs_id: false },
        V3Method { resource: "system", method: "datetime", verb: Method::GET, needs_id: false },
        V3Method { resource: "sysinfo", method: "getInfo", verb: Method::GET, needs_id: false },
    ]
}

fn v3(shared: &Shared, call: &V3Call<'_>) -> Option<Answer> {
    Some(match (call.resource, call.method) {
        ("system", "ping") => Answer::data("ping", "SystemManagementProcessor::handlePing", json!([])),
        // `Lib/System/DateTimeAction.php` (2026.1.223): GET answers the server's unix time.
        ("system", "datetime") => {
            Answer::data("datetime", "System\\DateTimeAction::main", json!({"timestamp": clock(shared)}))
        }
        ("sysinfo", "getInfo") => {
            Answer::data("getInfo", "Sysinfo\\GetInfoAction::main", json!({"content": report(shared, "2026.1.223")}))
        }
        _ => return None,
    })
}

pub(super) fn clock(shared: &Shared) -> u64 {
    shared.pbx().section::<System>(SECTION).clock.unwrap_or_else(php::unix_now)
}

/// `GetInfoAction::prepareSysyinfoContent`: sections under dashed headings, each followed by
/// two blank lines (a shortened report: the real one also lists storage, network, iptables,
/// ping, OpenSSL, Asterisk and changed files).
fn report(shared: &Shared, release: &str) -> String {
    let system = shared.pbx().section::<System>(SECTION);
    let version = system.version.unwrap_or_else(|| release.to_owned());
    let up = system.uptime_seconds.unwrap_or(266_640);
    let (days, hours, minutes) = (up / 86_400, up % 86_400 / 3600, up % 3600 / 60);
    let uptime = match (days, hours) {
        (0, 0) => format!("up {minutes} min"),
        (0, _) => format!("up {hours:2}:{minutes:02}"),
        (1, _) => format!("up 1 day, {hours:2}:{minutes:02}"),
        _ => format!("up {days} days, {hours:2}:{minutes:02}"),
    };
    let now = chrono::DateTime::from_timestamp(i64::try_from(clock(shared)).unwrap_or(0), 0).unwrap_or_default();
    let sections = [
        ("PBXVersion", version),
        ("Environment", "Docker: no".to_owned()),
        ("Date", now.format("%a %b %e %H:%M:%S UTC %Y").to_string()),
        ("Uptime", format!(" {} {uptime},  load average: 0.05, 0.10, 0.08", now.format("%H:%M:%S"))),
        ("CPU load", "3.5".to_owned()),
        ("MemInfo", "inactive = 512000\nfree = 1024000\ntotal = 2048000".to_owned()),
    ];
    let mut text = String::new();
    for (name, body) in sections {
        let dashes = "─".repeat(40);
        text.push_str(&format!("{dashes} {name} {dashes}\n\n{body}\n\n\n"));
    }
    text.push_str("\n\n");
    text
}
