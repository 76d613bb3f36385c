//! The call history (CDR), page by page with a cursor: v3 only.
//!
//! Shapes (docs/server-notes.md, "Call history"): `GET v3/cdr` answers `{records,
//! pagination: {total, limit, offset, hasMore, lastId}}`; `limit` is clamped to 1–1000
//! (default 50); `idFrom` keeps records with `id > idFrom`; `grouped=false` gives one record
//! per CDR row. The client always asks for rows in ascending id order after the cursor (the
//! last id it has seen), so that walking every page returns every row exactly once even while
//! new calls are written. Without a date or number filter the server itself keeps the last
//! 30 days; a range longer than 365 days is refused (422). 2024.1 has no call history in its
//! REST API (only the admin web pages list it).

use futures_util::{Stream, StreamExt, TryStreamExt, stream};
use serde_json::{Map, Value};

use super::arguments;
use crate::client::Inner;
use crate::error::{Error, Result};
use crate::generation::ApiGeneration;
use crate::model::{data_error, define_models, local_time_field, number_field, string_field};
use crate::transport::Request;

const V3_CDR: &str = "pbxcore/api/v3/cdr";

/// The models of the call history, declared once (see `__peer_models!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __cdr_models {
    ($callback:ident) => {
        $callback! {
            enums {
                /// How a call ended, as Asterisk's CDR writes it.
                enum CdrDisposition {
                    Answered = "ANSWERED",
                    NoAnswer = "NO ANSWER",
                    Busy = "BUSY",
                    Failed = "FAILED",
                }
            }
            models {
                /// One row of the call history: one leg of a call.
                struct CdrRecord {
                    /// The row's id: increases with every row written.
                    id: u64,
                    /// The call this leg belongs to; every leg of a call has the same.
                    linkedid: String,
                    /// When the leg began, the PBX's local time (`2026-01-15T10:30:45.123`).
                    start: Option<$crate::LocalTime>,
                    /// When it was answered (absent when it was not).
                    answer: Option<$crate::LocalTime>,
                    /// When it ended.
                    endtime: Option<$crate::LocalTime>,
                    /// The caller's number.
                    src_num: String,
                    /// The caller's name (caller id), when known.
                    src_name: Option<String>,
                    /// The calling channel (`PJSIP/201-0000002a`).
                    src_chan: Option<String>,
                    /// The called number.
                    dst_num: String,
                    /// The called party's name, when known.
                    dst_name: Option<String>,
                    /// The Asterisk channel of the called side, when it was reached.
                    dst_chan: Option<String>,
                    /// The number dialled from outside, when the call came in on a DID.
                    did: Option<String>,
                    /// How the call ended: `ANSWERED`, `NO ANSWER`, `BUSY` or `FAILED` (another
                    /// word is kept as it came).
                    disposition: $crate::CdrDisposition,
                    /// Seconds from start to end.
                    duration: u64,
                    /// Seconds from answer to end.
                    billsec: u64,
                    /// The recording's file on the PBX, when there is one.
                    recording_file: Option<String>,
                    /// A relative URL that plays the recording (a token in it; no login needed).
                    playback_url: Option<String>,
                    /// A relative URL that downloads the recording.
                    download_url: Option<String>,
                    /// The row as sent.
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {}

                /// One page of the call history.
                struct CdrPage {
                    /// The rows of this page, oldest first.
                    records: Vec<$crate::CdrRecord>,
                    /// The rows that match from this page on (this page included).
                    total: u64,
                    /// Further rows follow: ask again with `next_cursor`.
                    has_more: bool,
                    /// Where this page ended: the `cursor` of the next page (absent on the last).
                    next_cursor: Option<String>,
                    /// The server's `pagination` object as sent.
                    #[serde(skip)]
                    raw: $crate::__private::Value,
                }
                methods {}
            }
        }
    };
}

__cdr_models!(define_models);

/// What to ask the call history for: the filters of the `cdr` operation, for
/// [`Client::cdr_pages`](crate::Client::cdr_pages) and [`Client::cdr_records`](crate::Client::cdr_records).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CdrQuery {
    /// From this day or time on, the PBX's local time: `2026-01-15` or `2026-01-15 10:00:00`.
    pub date_from: Option<String>,
    /// Up to this day (its end) or time.
    pub date_to: Option<String>,
    /// Caller numbers containing this.
    pub src_num: Option<String>,
    /// Called numbers containing this.
    pub dst_num: Option<String>,
    /// Exactly this disposition (`ANSWERED`, `NO ANSWER`, `BUSY`, `FAILED`).
    pub disposition: Option<String>,
    /// Rows per page, 1–1000 (the server's default is 50, and it clamps other values).
    pub limit: Option<u32>,
}

impl CdrQuery {
    /// The query from JSON arguments named as the `cdr` operation's, without `cursor`
    /// (`{"src_num": "201", "limit": 100}`; `null` for none): how the bindings' iterators
    /// take their filters. Unknown names are refused.
    pub fn from_json(arguments: Value) -> Result<CdrQuery> {
        const NAME: &str = "cdr_records";
        let mut map = arguments::object(NAME, arguments)?;
        let query = CdrQuery {
            date_from: arguments::take(NAME, &mut map, "date_from")?,
            date_to: arguments::take(NAME, &mut map, "date_to")?,
            src_num: arguments::take(NAME, &mut map, "src_num")?,
            dst_num: arguments::take(NAME, &mut map, "dst_num")?,
            disposition: arguments::take(NAME, &mut map, "disposition")?,
            limit: arguments::take(NAME, &mut map, "limit")?,
        };
        arguments::no_others(NAME, &map)?;
        Ok(query)
    }

    /// The query string of the page after `cursor`.
    fn params(&self, cursor: Option<&str>) -> Vec<(String, String)> {
        let mut params = vec![
            ("grouped".to_owned(), "false".to_owned()),
            ("sort".to_owned(), "id".to_owned()),
            ("order".to_owned(), "ASC".to_owned()),
        ];
        // The server compares dates with the `start` text (`2026-01-15 10:00:00.123`), so an
        // ISO 8601 `T` would move the bounds: it becomes a space.
        let date = |value: &Option<String>| value.as_ref().map(|d| d.trim().replacen('T', " ", 1));
        let filters = [
            ("dateFrom", date(&self.date_from)),
            ("dateTo", date(&self.date_to)),
            ("src_num", self.src_num.clone()),
            ("dst_num", self.dst_num.clone()),
            ("disposition", self.disposition.clone()),
        ];
        for (name, value) in filters {
            if let Some(value) = value {
                params.push((name.to_owned(), value));
            }
        }
        if let Some(limit) = self.limit {
            params.push(("limit".to_owned(), limit.to_string()));
        }
        if let Some(cursor) = cursor {
            params.push(("idFrom".to_owned(), cursor.to_owned()));
        }
        params
    }
}

/// `cdr`: one page, after `cursor`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn page(
    inner: &Inner,
    date_from: Option<String>,
    date_to: Option<String>,
    src_num: Option<String>,
    dst_num: Option<String>,
    disposition: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
) -> Result<CdrPage> {
    let query = CdrQuery { date_from, date_to, src_num, dst_num, disposition, limit };
    fetch(inner, &query, cursor.as_deref()).await
}

async fn fetch(inner: &Inner, query: &CdrQuery, cursor: Option<&str>) -> Result<CdrPage> {
    if inner.generation().await? == ApiGeneration::Legacy {
        return Err(Error::Unsupported {
            message: "the call history (CDR) is not in the REST API of MikoPBX 2024.1 and earlier (only \
                      the web interface lists it); MikoPBX 2025.1 and later have it"
                .to_owned(),
        });
    }
    if let Some(cursor) = cursor
        && cursor.parse::<u64>().is_err()
    {
        return Err(Error::invalid(format!("{cursor:?} is not a cursor of the call history (a page's next_cursor)")));
    }
    let params = query.params(cursor);
    let request = Request { query: &params, ..Request::get(V3_CDR) };
    let mut document = inner.execute(&request, crate::envelope::BodyExpectation::Envelope).await?;
    let url = inner.url(V3_CDR);
    CdrPage::from_data(&url, crate::envelope::take_data(&mut document))
}

impl CdrPage {
    fn from_data(url: &str, data: Value) -> Result<CdrPage> {
        let Value::Object(mut fields) = data else {
            return Err(data_error(url, "the call history is not an object with records", &data));
        };
        let records = match fields.remove("records") {
            Some(Value::Array(rows)) => rows,
            Some(Value::Object(rows)) => rows.into_iter().map(|(_, row)| row).collect(),
            Some(other) => return Err(data_error(url, "the call history's records are not a list", &other)),
            None => Vec::new(),
        };
        let records = records
            .into_iter()
            .map(|row| CdrRecord::from_row(row).map_err(|row| data_error(url, "a call record has no \"id\"", &row)))
            .collect::<Result<Vec<_>>>()?;
        let pagination = match fields.remove("pagination") {
            Some(Value::Object(pagination)) => pagination,
            _ => Map::new(),
        };
        let total = number_field::<u64>(&pagination, "total").unwrap_or(records.len() as u64);
        let last_id = number_field::<u64>(&pagination, "lastId").or_else(|| records.last().map(|r| r.id));
        let has_more = matches!(pagination.get("hasMore"), Some(Value::Bool(true))) && last_id.is_some();
        let next_cursor = last_id.filter(|_| has_more).map(|id| id.to_string());
        Ok(CdrPage { records, total, has_more, next_cursor, raw: Value::Object(pagination) })
    }
}

impl CdrRecord {
    /// A row with an id; anything else is handed back.
    fn from_row(row: Value) -> Result<CdrRecord, Value> {
        let Some(fields) = row.as_object() else { return Err(row) };
        let Some(id) = number_field::<u64>(fields, "id") else { return Err(row) };
        let given = |key: &str| string_field(fields, key).filter(|text| !text.is_empty());
        let text = |key: &str| string_field(fields, key).unwrap_or_default();
        Ok(CdrRecord {
            id,
            linkedid: text("linkedid"),
            start: local_time_field(fields, "start"),
            answer: local_time_field(fields, "answer"),
            endtime: local_time_field(fields, "endtime"),
            src_num: text("src_num"),
            src_name: given("src_name"),
            src_chan: given("src_chan"),
            dst_num: text("dst_num"),
            dst_name: given("dst_name"),
            dst_chan: given("dst_chan"),
            did: given("did"),
            disposition: CdrDisposition::from_raw(&text("disposition")),
            duration: number_field(fields, "duration").unwrap_or(0),
            billsec: number_field(fields, "billsec").unwrap_or(0),
            recording_file: given("recordingfile"),
            playback_url: given("playback_url"),
            download_url: given("download_url"),
            raw: row,
        })
    }
}

impl crate::Client {
    /// Every page of the call history that matches `query`, first to last (oldest rows
    /// first), one request per page as the stream is read.
    pub fn cdr_pages(&self, query: CdrQuery) -> impl Stream<Item = Result<CdrPage>> + Send + 'static {
        let client = self.clone();
        // (the cursor of the next page, whether one is still to come)
        stream::try_unfold((None::<String>, true), move |(cursor, more)| {
            let (client, query) = (client.clone(), query.clone());
            async move {
                if !more {
                    return Ok(None);
                }
                let page =
                    client.run(move |inner| async move { fetch(&inner, &query, cursor.as_deref()).await }).await?;
                let next = (page.next_cursor.clone(), page.has_more);
                Ok(Some((page, next)))
            }
        })
    }

    /// Every call record that matches `query`, oldest first, each exactly once.
    pub fn cdr_records(&self, query: CdrQuery) -> impl Stream<Item = Result<CdrRecord>> + Send + 'static {
        self.cdr_pages(query).map_ok(|page| stream::iter(page.records.into_iter().map(Ok))).try_flatten().boxed()
    }
}

impl crate::blocking::Client {
    /// [`crate::Client::cdr_records`], waiting for each page as the iteration reaches it; it
    /// ends after the first error.
    pub fn cdr_records(&self, query: CdrQuery) -> impl Iterator<Item = Result<CdrRecord>> + 'static {
        crate::blocking::iterate(self.as_async().cdr_records(query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_page_reads_numbers_sent_as_text_and_stops_without_a_last_id() {
        let data = json!({"records": [{"id": "7", "linkedid": "1.1", "disposition": "NO ANSWER", "duration": "12",
                                       "billsec": 0, "answer": ""}],
                          "pagination": {"total": 3, "limit": 1, "offset": 0, "hasMore": true, "lastId": 7}});
        let page = CdrPage::from_data("u", data).unwrap();
        assert_eq!((page.records[0].id, page.records[0].duration, page.records[0].answer), (7, 12, None));
        assert_eq!(page.records[0].disposition, CdrDisposition::NoAnswer);
        assert_eq!((page.total, page.has_more, page.next_cursor.as_deref()), (3, true, Some("7")));
        let empty =
            CdrPage::from_data("u", json!({"records": [], "pagination": {"total": 0, "hasMore": true}})).unwrap();
        assert!(!empty.has_more && empty.next_cursor.is_none());
        assert_eq!(CdrPage::from_data("u", json!([1])).unwrap_err().kind(), crate::ErrorKind::Decode);
    }

    #[test]
    fn iso_dates_are_sent_as_the_server_compares_them() {
        let query = CdrQuery { date_from: Some("2026-01-15T10:00:00".into()), ..Default::default() };
        assert!(query.params(Some("7")).contains(&("dateFrom".to_owned(), "2026-01-15 10:00:00".to_owned())));
        assert!(query.params(Some("7")).contains(&("idFrom".to_owned(), "7".to_owned())));
    }

    #[test]
    fn iterator_filters_come_as_json_with_the_operations_names() {
        let query = CdrQuery::from_json(json!({"src_num": "201", "limit": 10})).unwrap();
        assert_eq!((query.src_num.as_deref(), query.limit, query.date_from), (Some("201"), Some(10), None));
        assert_eq!(CdrQuery::from_json(Value::Null).unwrap(), CdrQuery::default());
        let typo = CdrQuery::from_json(json!({"src": "201"})).unwrap_err();
        assert!(typo.to_string().contains("unknown argument \"src\""), "{typo}");
        assert!(CdrQuery::from_json(json!({"cursor": "5"})).is_err(), "the iterator keeps the cursor itself");
    }
}
