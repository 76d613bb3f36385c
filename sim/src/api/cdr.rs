//! The call history (v3 only; 2024.1 has none in its REST API): state section `cdr`, a list
//! of rows in the server's record shape (`Lib/Cdr/DataStructure.php`: every column a string
//! but `id`, `duration` and `billsec`). Without the section the simulator writes
//! [`GENERATED_ROWS`] deterministic rows, one every two hours back from the start of the PBX
//! clock's hour (the `system` section's `clock`, else now), so that they fall in the server's
//! default 30-day window. `GET v3/cdr` filters, sorts, groups and pages them as `Lib/Cdr/GetListAction.php`
//! does (docs/server-notes.md, "Call history").

use axum::http::Method;
use chrono::{DateTime, Duration as Days, NaiveDateTime};
use serde_json::{Map, Value, json};

use super::{Answer, LegacyCall, Resource, V3Call, V3Method, php_bool};
use crate::Shared;

pub const RESOURCE: Resource = Resource { legacy, v3_methods, v3 };

/// The state section of this resource.
const SECTION: &str = "cdr";
/// Rows written when the state has no `cdr` section.
pub const GENERATED_ROWS: u64 = 300;
const PROCESSOR: &str = "Cdr\\GetListAction::main";
const SORTABLE: &[&str] =
    &["id", "start", "linkedid", "src_num", "dst_num", "did", "disposition", "duration", "billsec"];

fn legacy(_: &Shared, _: &LegacyCall<'_>) -> Option<Answer> {
    None
}

fn v3_methods() -> Vec<V3Method> {
    vec![V3Method { resource: "cdr", method: "getList", verb: Method::GET, needs_id: false }]
}

fn v3(shared: &Shared, call: &V3Call<'_>) -> Option<Answer> {
    match (call.resource, call.method) {
        ("cdr", "getList") => Some(match list(shared, call.data) {
            Ok(data) => Answer::data("getList", PROCESSOR, data),
            Err(message) => Answer::refused("getList", PROCESSOR, message),
        }),
        _ => None,
    }
}

/// The rows of the state, or the generated ones.
fn rows(shared: &Shared) -> Vec<Map<String, Value>> {
    let pbx = shared.pbx();
    match pbx.sections.get(SECTION) {
        Some(Value::Array(rows)) => rows.iter().filter_map(|row| row.as_object().cloned()).collect(),
        _ => {
            drop(pbx);
            // From the start of the clock's hour, so that the rows stay the same for an hour.
            let clock = super::system::clock(shared);
            generated(clock - clock % 3600)
        }
    }
}

/// Deterministic rows: calls between extensions and outside numbers, a quarter of them with
/// a second leg (a transfer), dispositions in a fixed cycle.
fn generated(clock: u64) -> Vec<Map<String, Value>> {
    let extensions = ["201", "202", "203", "240", "241"];
    let dispositions = ["ANSWERED", "ANSWERED", "NO ANSWER", "ANSWERED", "BUSY", "ANSWERED", "FAILED"];
    let now = i64::try_from(clock).unwrap_or(0);
    let mut rows = Vec::new();
    let mut id = 0;
    for call in 0..GENERATED_ROWS * 4 / 5 {
        let start = now - i64::try_from((GENERATED_ROWS - call) * 7200).unwrap_or(0);
        let linkedid = format!("{start}.{call}");
        let caller = extensions[(call % 5) as usize];
        let inbound = call % 3 == 0;
        let (src, dst, did) = if inbound {
            (format!("7495{:07}", 1_000_000 + call * 37), caller.to_owned(), "74951234567")
        } else {
            (caller.to_owned(), extensions[((call + 2) % 5) as usize].to_owned(), "")
        };
        let legs = if call % 4 == 0 && rows.len() + 1 < GENERATED_ROWS as usize { 2 } else { 1 };
        for leg in 0..legs {
            if rows.len() >= GENERATED_ROWS as usize {
                break;
            }
            id += 1;
            let disposition = dispositions[((call + leg) % 7) as usize];
            let answered = disposition == "ANSWERED";
            let leg_start = start + i64::try_from(leg * 20).unwrap_or(0);
            let duration = 20 + (call * 13 + leg * 7) % 300;
            let billsec = if answered { duration - 10 } else { 0 };
            let dst = if leg == 1 { extensions[((call + 4) % 5) as usize].to_owned() } else { dst.clone() };
            rows.push(row(id, &linkedid, leg_start, duration, billsec, &src, &dst, did, disposition));
        }
    }
    rows
}

#[allow(clippy::too_many_arguments)]
fn row(
    id: u64,
    linkedid: &str,
    start: i64,
    duration: u64,
    billsec: u64,
    src: &str,
    dst: &str,
    did: &str,
    disposition: &str,
) -> Map<String, Value> {
    let time = |at: i64| {
        DateTime::from_timestamp(at, 0).map(|t| t.format("%Y-%m-%d %H:%M:%S.000").to_string()).unwrap_or_default()
    };
    let length = i64::try_from(duration).unwrap_or(0);
    let answer = if billsec > 0 { time(start + length - i64::try_from(billsec).unwrap_or(0)) } else { String::new() };
    let channel = |number: &str| if number.len() <= 4 { format!("PJSIP/{number}-{id:08x}") } else { String::new() };
    let value = json!({
        "id": id, "start": time(start), "endtime": time(start + length), "answer": answer,
        "src_chan": channel(src), "src_num": src, "src_name": "", "dst_chan": channel(dst), "dst_num": dst,
        "dst_name": "", "UNIQUEID": format!("{start}.{id}"), "linkedid": linkedid, "did": did,
        "disposition": disposition, "recordingfile": "", "from_account": "", "to_account": "",
        "dialstatus": if disposition == "ANSWERED" { "ANSWER" } else { disposition }, "appname": "",
        "transfer": "0", "is_app": "0", "duration": duration, "billsec": billsec, "work_completed": "1",
        "src_call_id": "", "dst_call_id": "", "verbose_call_id": "", "rec_src_channel": "", "dtmf_digits": "",
        "playback_url": "", "download_url": "",
    });
    value.as_object().cloned().unwrap_or_default()
}

/// A text parameter as PHP's `is_string` filter sees it.
fn text<'a>(data: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    data.get(key).and_then(Value::as_str)
}

/// PHP's `intval`: leading digits of a string, else 0.
fn intval(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            let digits = s.strip_prefix('-').unwrap_or(s);
            let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
            let number: i64 = digits[..end].parse().unwrap_or(0);
            Some(if s.starts_with('-') { -number } else { number })
        }
        _ => Some(0),
    }
}

fn column(row: &Map<String, Value>, key: &str) -> String {
    match row.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// `GetListAction::handleRestRequest`.
fn list(shared: &Shared, data: &Map<String, Value>) -> Result<Value, String> {
    let limit = intval(data.get("limit")).unwrap_or(50).clamp(1, 1000);
    let offset = intval(data.get("offset")).unwrap_or(0);
    if offset < 0 {
        return Err(format!("Invalid offset value: {offset}. Offset must be non-negative."));
    }
    let id_from = data.contains_key("idFrom").then(|| intval(data.get("idFrom")).unwrap_or(0));
    let mut date_from = text(data, "dateFrom").map(str::to_owned);
    let mut date_to = text(data, "dateTo").map(str::to_owned);
    if let Some(from) = date_from.as_mut().filter(|d| d.len() == 10) {
        from.push_str(" 00:00:00");
    }
    if let Some(to) = date_to.as_mut().filter(|d| d.len() == 10) {
        to.push_str(" 23:59:59");
    }
    if let (Some(from), Some(to)) = (&date_from, &date_to) {
        let parse = |d: &str| NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M:%S").ok();
        match (parse(from), parse(to)) {
            (Some(a), Some(b)) if (b - a).num_days().abs() > 365 => {
                return Err("Date range exceeds maximum allowed (365 days). Please narrow your search criteria.".into());
            }
            (Some(_), Some(_)) => {}
            _ => return Err("Invalid date format. Expected: YYYY-MM-DD or YYYY-MM-DD HH:MM:SS".into()),
        }
    }
    let filters = ["linkedid", "src_num", "dst_num", "search", "did"];
    if date_from.is_none() && date_to.is_none() && filters.iter().all(|key| text(data, key).is_none()) {
        let now =
            DateTime::from_timestamp(i64::try_from(super::system::clock(shared)).unwrap_or(0), 0).unwrap_or_default();
        date_to = Some(now.format("%Y-%m-%d 23:59:59").to_string());
        date_from = Some((now - Days::days(30)).format("%Y-%m-%d 00:00:00").to_string());
    }
    let requested = data.get("sort").and_then(Value::as_str).unwrap_or("id");
    let sort = if SORTABLE.contains(&requested) { requested } else { "id" };
    let descending = !data.get("order").and_then(Value::as_str).is_some_and(|o| o.eq_ignore_ascii_case("ASC"));
    let grouped = !data.contains_key("grouped") || php_bool(data.get("grouped"));
    let like = |row: &Map<String, Value>, key: &str| text(data, key).is_none_or(|n| column(row, key).contains(n));
    let mut matching: Vec<Map<String, Value>> = rows(shared)
        .into_iter()
        .filter(|row| text(data, "linkedid").is_none_or(|l| column(row, "linkedid") == l))
        .filter(|row| id_from.is_none_or(|from| intval(row.get("id")).unwrap_or(0) > from))
        .filter(|row| date_from.as_ref().is_none_or(|from| column(row, "start").as_str() >= from.as_str()))
        .filter(|row| date_to.as_ref().is_none_or(|to| column(row, "start").as_str() <= to.as_str()))
        .filter(|row| like(row, "src_num") && like(row, "dst_num") && like(row, "did"))
        .filter(|row| text(data, "disposition").is_none_or(|d| column(row, "disposition") == d))
        .collect();
    let key = |row: &Map<String, Value>| match row.get(sort) {
        Some(Value::Number(n)) => (n.as_i64().unwrap_or(0), String::new()),
        _ => (0, column(row, sort)),
    };
    matching.sort_by(|a, b| if descending { key(b).cmp(&key(a)) } else { key(a).cmp(&key(b)) });
    let (skip, take) = (usize::try_from(offset).unwrap_or(usize::MAX), usize::try_from(limit).unwrap_or(1000));
    let (records, total, last_id) = if grouped {
        // Groups ordered by their rows' best sort value, records by start.
        let mut order: Vec<String> = Vec::new();
        for row in &matching {
            let linkedid = column(row, "linkedid");
            if !order.contains(&linkedid) {
                order.push(linkedid);
            }
        }
        let total = order.len();
        let page: Vec<Value> = order.iter().skip(skip).take(take).map(|linkedid| group(&matching, linkedid)).collect();
        let last_id = page.last().and_then(|g| g["records"].as_array()?.last()?.get("id").cloned());
        (page, total, last_id)
    } else {
        let total = matching.len();
        let page: Vec<Value> = matching.into_iter().skip(skip).take(take).map(Value::Object).collect();
        let last_id = page.last().and_then(|row| row.get("id").cloned());
        (page, total, last_id)
    };
    let has_more = offset.saturating_add(limit) < i64::try_from(total).unwrap_or(i64::MAX);
    Ok(json!({"records": records, "pagination": {"total": total, "limit": limit, "offset": offset,
              "hasMore": has_more, "lastId": last_id}}))
}

/// `GetListAction::groupByLinkedId`: one call's legs, with the earliest start and caller, the
/// DID as the called number when a leg has one, summed durations, `ANSWERED` when any leg was.
fn group(rows: &[Map<String, Value>], linkedid: &str) -> Value {
    let mut legs: Vec<&Map<String, Value>> = rows.iter().filter(|row| column(row, "linkedid") == linkedid).collect();
    legs.sort_by_key(|row| column(row, "start"));
    let first = legs[0];
    let did = legs.iter().map(|row| column(row, "did")).find(|did| !did.is_empty());
    let number = |row: &Map<String, Value>, key: &str| intval(row.get(key)).unwrap_or(0);
    json!({
        "linkedid": linkedid, "start": column(first, "start"), "src_num": column(first, "src_num"),
        "src_name": column(first, "src_name"), "dst_num": did.clone().unwrap_or_else(|| column(first, "dst_num")),
        "dst_name": column(first, "dst_name"), "did": did.unwrap_or_else(|| column(first, "did")),
        "disposition": if legs.iter().any(|row| column(row, "disposition") == "ANSWERED") { "ANSWERED".to_owned() }
                       else { column(first, "disposition") },
        "totalDuration": legs.iter().map(|row| number(row, "duration")).sum::<i64>(),
        "totalBillsec": legs.iter().map(|row| number(row, "billsec")).sum::<i64>(),
        "records": legs.iter().map(|row| Value::Object((*row).clone())).collect::<Vec<_>>(),
    })
}
