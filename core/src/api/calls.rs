//! Calls in progress: the PBX's temporary CDR table, on both generations.
//!
//! Shapes (docs/server-notes.md, "Active calls and channels"): legacy
//! `cdr/getActiveCalls` double-encodes its rows (`data` is a list holding one JSON text);
//! legacy `cdr/getActiveChannels` and both v3 `pbx-status:` calls send plain lists; every
//! value is a string, `""` when unset; legacy rows have no names. Times are the PBX's local
//! wall-clock text ([`LocalTime`](crate::LocalTime)). The table keeps a leg for
//! a few seconds after it ends (`endtime` set), and one call has a row per leg (`linkedid`).

use serde_json::{Map, Value};

use crate::client::Inner;
use crate::error::{Error, Result, excerpt};
use crate::generation::ApiGeneration;
use crate::model::{define_models, list_of, local_time_field, string_field};

const LEGACY_CALLS: &str = "pbxcore/api/cdr/getActiveCalls";
const LEGACY_CHANNELS: &str = "pbxcore/api/cdr/getActiveChannels";
const V3_CALLS: &str = "pbxcore/api/v3/pbx-status:getActiveCalls";
const V3_CHANNELS: &str = "pbxcore/api/v3/pbx-status:getActiveChannels";

/// The models of calls, declared once (see `__peer_models!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __call_models {
    ($callback:ident) => {
        $callback! {
            enums {}
            models {
                /// One leg of a call in progress (a row of the PBX's temporary CDR table).
                struct ActiveCall {
                    /// The call this leg belongs to; every leg of a call has the same.
                    linkedid: String,
                    /// When the leg began, the PBX's local time (`2026-01-15T10:30:45.123`).
                    start: Option<$crate::LocalTime>,
                    /// When it was answered (absent while ringing).
                    answer: Option<$crate::LocalTime>,
                    /// When it ended (the table keeps a leg for a few seconds after that).
                    endtime: Option<$crate::LocalTime>,
                    /// The caller's number.
                    src_num: String,
                    /// The caller's name (v3 only).
                    src_name: Option<String>,
                    /// The called number.
                    dst_num: String,
                    /// The callee's name (v3 only).
                    dst_name: Option<String>,
                    /// The number dialled from outside, when the call came in on a DID.
                    did: Option<String>,
                    /// The row as sent.
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {}

                /// One leg of a call whose channels are live in Asterisk.
                struct ActiveChannel {
                    /// The call this leg belongs to.
                    linkedid: String,
                    /// When the leg began, the PBX's local time.
                    start: Option<$crate::LocalTime>,
                    /// When it was answered (absent while ringing).
                    answer: Option<$crate::LocalTime>,
                    /// The calling channel (`PJSIP/201-0000002a`).
                    src_chan: Option<String>,
                    /// The called channel.
                    dst_chan: Option<String>,
                    /// The caller's number.
                    src_num: String,
                    /// The caller's name (v3 only).
                    src_name: Option<String>,
                    /// The called number.
                    dst_num: String,
                    /// The callee's name (v3 only).
                    dst_name: Option<String>,
                    /// The number dialled from outside (DID), when the call came in through a
                    /// provider.
                    did: Option<String>,
                    /// The row as sent.
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {}
            }
        }
    };
}

__call_models!(define_models);

/// `active_calls`: every leg in the temporary CDR table.
pub(crate) async fn active_calls(inner: &Inner) -> Result<Vec<ActiveCall>> {
    let (url, rows) = match inner.generation().await? {
        ApiGeneration::Legacy => {
            let (url, data) = inner.get_data(LEGACY_CALLS).await?;
            let rows = double_encoded(&url, data)?;
            (url, rows)
        }
        ApiGeneration::V3 => inner.get_data(V3_CALLS).await?,
    };
    list_of(&url, rows, ActiveCall::from_row)
}

/// `active_channels`: the legs whose channels are live.
pub(crate) async fn active_channels(inner: &Inner) -> Result<Vec<ActiveChannel>> {
    let path = match inner.generation().await? {
        ApiGeneration::Legacy => LEGACY_CHANNELS,
        ApiGeneration::V3 => V3_CHANNELS,
    };
    let (url, rows) = inner.get_data(path).await?;
    list_of(&url, rows, ActiveChannel::from_row)
}

/// 2024.1's `getActiveCalls` sends `["<JSON text of the rows>"]`, or `[]` when its worker
/// did not answer within 2 s (no rows known).
fn double_encoded(url: &str, data: Value) -> Result<Value> {
    match data {
        Value::Array(mut items) if items.len() == 1 && items[0].is_string() => {
            let Value::String(text) = items.remove(0) else { return Ok(Value::Array(Vec::new())) };
            serde_json::from_str(&text).map_err(|e| Error::Decode {
                url: url.to_owned(),
                message: format!("the active calls are not JSON text ({e})"),
                excerpt: excerpt(text.as_bytes()),
            })
        }
        other => Ok(other),
    }
}

/// A text that the server leaves `""` when unset.
fn given(row: &Map<String, Value>, key: &str) -> Option<String> {
    string_field(row, key).filter(|text| !text.is_empty())
}

impl ActiveCall {
    /// A row with a `linkedid`; anything else is handed back.
    fn from_row(row: Value) -> Result<ActiveCall, Value> {
        let Some(fields) = row.as_object() else { return Err(row) };
        let Some(linkedid) = given(fields, "linkedid") else { return Err(row) };
        Ok(ActiveCall {
            linkedid,
            start: local_time_field(fields, "start"),
            answer: local_time_field(fields, "answer"),
            endtime: local_time_field(fields, "endtime"),
            src_num: string_field(fields, "src_num").unwrap_or_default(),
            src_name: given(fields, "src_name"),
            dst_num: string_field(fields, "dst_num").unwrap_or_default(),
            dst_name: given(fields, "dst_name"),
            did: given(fields, "did"),
            raw: row,
        })
    }
}

impl ActiveChannel {
    /// A row with a `linkedid`; anything else is handed back.
    fn from_row(row: Value) -> Result<ActiveChannel, Value> {
        let Some(fields) = row.as_object() else { return Err(row) };
        let Some(linkedid) = given(fields, "linkedid") else { return Err(row) };
        Ok(ActiveChannel {
            linkedid,
            start: local_time_field(fields, "start"),
            answer: local_time_field(fields, "answer"),
            src_chan: given(fields, "src_chan"),
            dst_chan: given(fields, "dst_chan"),
            src_num: string_field(fields, "src_num").unwrap_or_default(),
            src_name: given(fields, "src_name"),
            dst_num: string_field(fields, "dst_num").unwrap_or_default(),
            dst_name: given(fields, "dst_name"),
            did: given(fields, "did"),
            raw: row,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn legacy_rows_are_decoded_twice_and_a_timeout_is_no_rows() {
        let text = json!([{"linkedid": "1.1", "start": "2024-01-15 10:00:00.1", "answer": ""}]).to_string();
        let rows = double_encoded("u", json!([text])).unwrap();
        let calls = list_of("u", rows, ActiveCall::from_row).unwrap();
        assert_eq!((calls[0].linkedid.as_str(), calls[0].answer), ("1.1", None));
        assert_eq!(calls[0].start.map(|t| t.to_iso8601()).as_deref(), Some("2024-01-15T10:00:00.100"));
        assert_eq!(double_encoded("u", json!([])).unwrap(), json!([]));
        assert_eq!(double_encoded("u", json!(["not json"])).unwrap_err().kind(), crate::ErrorKind::Decode);
    }
}
