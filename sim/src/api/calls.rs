//! Calls in progress: state section `calls`, the PBX's temporary CDR table, one row per leg
//! with every column as a string (`""` when unset): `start`, `answer`, `endtime`,
//! `src_chan`, `dst_chan`, `src_num`, `src_name`, `dst_num`, `dst_name`, `did`, `linkedid`.
//! Each endpoint answers the columns the server selects (docs/server-notes.md, "Active calls
//! and channels"); the channels are those of rows without `endtime` and with a channel,
//! standing in for the server's check against Asterisk's live channels.

use axum::http::Method;
use serde_json::{Map, Value};

use super::{Answer, LegacyCall, Resource, V3Call, V3Method};
use crate::Shared;

pub const RESOURCE: Resource = Resource { legacy, v3_methods, v3 };

/// The state section of this resource.
const SECTION: &str = "calls";

const LEGACY_CALL_COLUMNS: &[&str] = &["start", "answer", "endtime", "src_num", "dst_num", "did", "linkedid"];
const LEGACY_CHANNEL_COLUMNS: &[&str] =
    &["start", "answer", "src_chan", "dst_chan", "src_num", "dst_num", "did", "linkedid"];
const V3_CALL_COLUMNS: &[&str] =
    &["start", "answer", "endtime", "src_num", "src_name", "dst_num", "dst_name", "did", "linkedid"];
const V3_CHANNEL_COLUMNS: &[&str] =
    &["start", "answer", "src_chan", "dst_chan", "src_num", "src_name", "dst_num", "dst_name", "did", "linkedid"];

fn legacy(shared: &Shared, call: &LegacyCall<'_>) -> Option<Answer> {
    Some(match (call.group, call.action) {
        // The real server double-encodes this one: `data` holds the rows' JSON text.
        ("cdr", "getActiveCalls") => {
            let text = Value::Array(rows(shared, LEGACY_CALL_COLUMNS, false)).to_string();
            Answer::data("getActiveCalls", "CdrDB\\GetActiveCallsAction::main", Value::Array(vec![Value::String(text)]))
        }
        ("cdr", "getActiveChannels") => Answer::data(
            "getActiveChannels",
            "CdrDB\\GetActiveChannelsAction::main",
            Value::Array(rows(shared, LEGACY_CHANNEL_COLUMNS, true)),
        ),
        _ => return None,
    })
}

fn v3_methods() -> Vec<V3Method> {
    vec![
        V3Method { resource: "pbx-status", method: "getActiveCalls", verb: Method::GET, needs_id: false },
        V3Method { resource: "pbx-status", method: "getActiveChannels", verb: Method::GET, needs_id: false },
    ]
}

fn v3(shared: &Shared, call: &V3Call<'_>) -> Option<Answer> {
    Some(match (call.resource, call.method) {
        ("pbx-status", "getActiveCalls") => Answer::data(
            "getActiveCalls",
            "PbxStatus\\GetActiveCallsAction::main",
            Value::Array(rows(shared, V3_CALL_COLUMNS, false)),
        ),
        ("pbx-status", "getActiveChannels") => Answer::data(
            "getActiveChannels",
            "PbxStatus\\GetActiveChannelsAction::main",
            Value::Array(rows(shared, V3_CHANNEL_COLUMNS, true)),
        ),
        _ => return None,
    })
}

/// The table's rows with these columns (missing ones `""`); `live` keeps the legs that have
/// not ended and have a channel.
fn rows(shared: &Shared, columns: &[&str], live: bool) -> Vec<Value> {
    let table: Vec<Map<String, Value>> = shared.pbx().section(SECTION);
    let text = |row: &Map<String, Value>, key: &str| row.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
    table
        .iter()
        .filter(|row| {
            !live
                || (text(row, "endtime").is_empty()
                    && !(text(row, "src_chan").is_empty() && text(row, "dst_chan").is_empty()))
        })
        .map(|row| {
            Value::Object(
                columns.iter().map(|column| ((*column).to_owned(), Value::String(text(row, column)))).collect(),
            )
        })
        .collect()
}
