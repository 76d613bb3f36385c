//! Lists read entry by entry from the answer's text, without a JSON tree
//! (docs/performance.md). A list model names the keys it reads ([`ListEntry`]); the reader
//! hands it those keys' values as the text they were sent as, and the entry's own text, which
//! the model keeps as its `raw`: a slice of the answer, not a copy.
//!
//! The answer is read in one pass (`envelope::read_list`): the top level, and of each entry
//! its keys and the values of the keys the model reads, delimited but not parsed. Entries
//! that pass cannot delimit (not an object, an escaped key) send the answer down the two-pass
//! way: the entries delimited first, then each read from its text.

use std::marker::PhantomData;

use bytes::Bytes;
use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{Error, Result, excerpt};
use crate::raw_json::RawJson;

/// The most keys a [`ListEntry`] reads.
pub(crate) const MAX_ENTRY_FIELDS: usize = 8;

/// The values of a [`ListEntry`]'s keys, in the order of its `FIELDS`; `None` for a key the
/// entry lacks.
pub(crate) type EntryFields<'a> = [Option<&'a RawValue>; MAX_ENTRY_FIELDS];

/// A model read from one entry of a list answer.
pub(crate) trait ListEntry: Sized {
    /// The keys it reads, at most [`MAX_ENTRY_FIELDS`].
    const FIELDS: &'static [&'static str];

    /// The model from its keys' values and the entry's text; the text is handed back when the
    /// entry cannot be one (it has no id).
    fn from_fields(fields: &EntryFields<'_>, raw: RawJson) -> std::result::Result<Self, RawJson>;
}

/// The `data` of an answer as a list's entries, each the text it was sent as, borrowed from
/// the answer (the two-pass way).
pub(crate) enum ListData<'a> {
    /// No `data`, or `null`.
    Missing,
    /// The entries of a list, or the values of an object (PHP's sparse list), in order.
    Entries(Vec<&'a RawValue>),
    /// Anything else, as JSON text.
    NotAList(String),
}

/// The entries of a list read in one pass: the models, or the text of the first entry that
/// is none.
pub(crate) type ReadEntries<T> = std::result::Result<Vec<T>, RawJson>;

/// The list of an answer from its read entries: the models, or an error quoting the first
/// entry that is none.
pub(crate) fn list_from<T>(url: &str, entries: ReadEntries<T>) -> Result<Vec<T>> {
    entries.map_err(|raw| no_id(url, raw.as_str()))
}

/// The models of a list read so far, or the text of the first entry that is none (the rest
/// is still read: the answer must be read to its end).
struct Models<T> {
    answer_len: usize,
    read: ReadEntries<T>,
}

impl<T> Models<T> {
    fn new(answer_len: usize) -> Models<T> {
        Models { answer_len, read: Ok(Vec::new()) }
    }

    /// Adds an entry; the first one makes room for as many as the answer likely holds, so a
    /// big list is not copied each time it outgrows its room (a tenth of a big peer list's
    /// time went into those copies: docs/performance.md).
    fn add(&mut self, entry: ReadEntry<T>) {
        match (&mut self.read, entry.model) {
            (Ok(models), Ok(model)) => {
                if models.capacity() == 0 {
                    models.reserve(likely_count::<T>(self.answer_len, entry.len));
                }
                models.push(model);
            }
            (read @ Ok(_), Err(raw)) => *read = Err(raw),
            (Err(_), _) => {}
        }
    }

    fn finish(mut self) -> ReadEntries<T> {
        if let Ok(models) = &mut self.read {
            models.shrink_to_fit();
        }
        self.read
    }
}

/// How many entries a list likely has, from the answer's length and its first entry's, with
/// a quarter more for entries longer than the first; never more than models four times the
/// answer's size hold.
fn likely_count<T>(answer_len: usize, first_len: usize) -> usize {
    // Each entry is followed by a comma.
    let guess = answer_len / first_len.saturating_add(1);
    guess.saturating_add(guess / 4).min(answer_len.saturating_mul(4) / std::mem::size_of::<T>().max(1))
}

/// The list of an answer read the two-pass way: every delimited entry read from its text,
/// which the model may keep as a part of `buffer` (the answer). PHP's shapes are accepted as
/// `model::list_of` accepts them: `[]`, or an object of entries for a sparse list.
pub(crate) fn list_of_texts<T: ListEntry>(url: &str, data: ListData<'_>, buffer: &Bytes) -> Result<Vec<T>> {
    let entries = match data {
        ListData::Entries(entries) => entries,
        ListData::Missing => return Err(no_list(url)),
        ListData::NotAList(text) => return Err(not_a_list(url, &text)),
    };
    entries
        .into_iter()
        .map(|entry| {
            let raw = RawJson::part_of(buffer, entry);
            let seed = EntrySeed::<T> { answer: buffer, whole: Some(raw.clone()), read: PhantomData };
            seed.deserialize(&mut serde_json::Deserializer::from_str(entry.get()))
                .map_or(Err(raw), |entry| entry.model)
                .map_err(|raw| no_id(url, raw.as_str()))
        })
        .collect()
}

/// A scalar field of an entry, borrowed from the entry's text: a string (unescaped only when
/// it has escapes), or a number or boolean as written. `None` for null, lists and objects.
pub(crate) fn scalar_text(field: &RawValue) -> Option<std::borrow::Cow<'_, str>> {
    let text = field.get();
    match text.as_bytes().first()? {
        b'"' => match text.get(1..text.len() - 1) {
            Some(inner) if !inner.contains('\\') => Some(std::borrow::Cow::Borrowed(inner)),
            _ => serde_json::from_str::<String>(text).ok().map(std::borrow::Cow::Owned),
        },
        b'{' | b'[' | b'n' => None,
        _ => Some(std::borrow::Cow::Borrowed(text)),
    }
}

/// Reads a `data` value in the one pass: a list (or PHP's object of entries) of `T`, or
/// `None` for `null`. Anything else fails, for the two-pass way to name it.
pub(crate) struct EntriesSeed<'a, T> {
    pub answer: &'a Bytes,
    pub read: PhantomData<T>,
}

impl<'de, T: ListEntry> DeserializeSeed<'de> for EntriesSeed<'de, T> {
    type Value = Option<ReadEntries<T>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: ListEntry> Visitor<'de> for EntriesSeed<'de, T> {
    type Value = Option<ReadEntries<T>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of entries")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> std::result::Result<Self::Value, S::Error> {
        let mut models = Models::new(self.answer.len());
        while let Some(entry) = seq.next_element_seed(self.entry())? {
            models.add(entry);
        }
        Ok(Some(models.finish()))
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> std::result::Result<Self::Value, M::Error> {
        let mut models = Models::new(self.answer.len());
        while map.next_key::<IgnoredAny>()?.is_some() {
            models.add(map.next_value_seed(self.entry())?);
        }
        Ok(Some(models.finish()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
}

impl<'de, T> EntriesSeed<'de, T> {
    fn entry(&self) -> EntrySeed<'de, T> {
        EntrySeed { answer: self.answer, whole: None, read: PhantomData }
    }
}

/// One entry read: the model, or the entry's text when it is none; and the entry's length
/// in bytes.
struct ReadEntry<T> {
    model: std::result::Result<T, RawJson>,
    len: usize,
}

/// Reads one entry: the values of `T`'s keys, and the entry's text (`whole` when it is known
/// already, else the span from its `{` to its `}` in the answer).
struct EntrySeed<'a, T> {
    answer: &'a Bytes,
    whole: Option<RawJson>,
    read: PhantomData<T>,
}

impl<'de, 'a, T: ListEntry> DeserializeSeed<'de> for EntrySeed<'a, T> {
    type Value = ReadEntry<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, 'a, T: ListEntry> Visitor<'de> for EntrySeed<'a, T> {
    type Value = ReadEntry<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list entry (an object)")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> std::result::Result<Self::Value, M::Error> {
        let mut fields: EntryFields<'de> = [None; MAX_ENTRY_FIELDS];
        let mut bounds: Option<(Key<'de>, &'de RawValue)> = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let value: &'de RawValue = map.next_value()?;
            if let Some(index) = T::FIELDS.iter().position(|field| *field == key.as_str())
                && let Some(slot) = fields.get_mut(index)
            {
                *slot = Some(value);
            }
            bounds = Some(match bounds {
                Some((first, _)) => (first, value),
                None => (key, value),
            });
        }
        let raw = match self.whole {
            Some(whole) => whole,
            None => match bounds {
                // The first key borrowed from the answer (no escapes): its place is known.
                Some((Key::Borrowed(first_key), last_value)) => entry_text(self.answer, first_key, last_value)
                    .ok_or_else(|| M::Error::custom("an entry not delimited"))?,
                _ => return Err(M::Error::custom("an entry not delimited")),
            },
        };
        let len = raw.byte_len();
        Ok(ReadEntry { model: T::from_fields(&fields, raw), len })
    }
}

/// A key of an entry: borrowed from the answer unless it has escapes.
enum Key<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> std::result::Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// An entry's text in the answer: from the `{` before its first key to the `}` after its last
/// value, both found by skipping JSON whitespace. `None` if they are not there.
fn entry_text(answer: &Bytes, first_key: &str, last_value: &RawValue) -> Option<RawJson> {
    let base = answer.as_ptr() as usize;
    let key_at = (first_key.as_ptr() as usize).checked_sub(base)?;
    let value = last_value.get();
    let value_end = (value.as_ptr() as usize).checked_sub(base)?.checked_add(value.len())?;
    let before_key = answer.get(..key_at.checked_sub(1)?)?;
    let open = before_key.iter().rposition(|b| !is_whitespace(*b))?;
    let close = value_end.checked_add(answer.get(value_end..)?.iter().position(|b| !is_whitespace(*b))?)?;
    let quote = answer.get(key_at.checked_sub(1)?)?;
    if *quote != b'"' || answer.get(open) != Some(&b'{') || answer.get(close) != Some(&b'}') {
        return None;
    }
    // Valid UTF-8: keys and values checked by serde_json, the rest JSON's ASCII punctuation.
    RawJson::span_of(answer, open..close.checked_add(1)?)
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

const NO_LIST: &str = "the answer has no \"data\" list";
const NOT_A_LIST: &str = "data is not a list";
const NO_ID: &str = "a list entry has no \"id\"";

/// A list that cannot be read, quoting the start of the part in question.
fn list_error(url: &str, message: &str, part: &str) -> Error {
    Error::Decode { url: url.to_owned(), message: message.to_owned(), excerpt: excerpt(part.as_bytes()) }
}

/// A missing list's error.
pub(crate) fn no_list(url: &str) -> Error {
    list_error(url, NO_LIST, "")
}

/// The error of a `data` that is not a list, quoting it.
pub(crate) fn not_a_list(url: &str, data: &str) -> Error {
    list_error(url, NOT_A_LIST, data)
}

/// The error of a list entry that is no model (it has no id), quoting it.
pub(crate) fn no_id(url: &str, entry: &str) -> Error {
    list_error(url, NO_ID, entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PeerStatus;

    /// `data` read in the one pass, as `envelope::read_list` reads it.
    fn one_pass(data: &str) -> std::result::Result<Option<ReadEntries<PeerStatus>>, serde_json::Error> {
        let answer = Bytes::from(data.to_owned());
        let seed = EntriesSeed::<PeerStatus> { answer: &answer, read: PhantomData };
        seed.deserialize(&mut serde_json::Deserializer::from_slice(&answer))
    }

    #[test]
    fn one_pass_reads_entries_and_their_text_however_spaced() {
        let entries = one_pass("[ {\"id\":\"201\"} ,\n{ \"state\" : \"OK\" , \"id\" : 202 }\t]").unwrap().unwrap();
        let read: Vec<(String, String)> =
            entries.unwrap().into_iter().map(|peer| (peer.id, peer.raw.as_str().to_owned())).collect();
        assert_eq!(
            read,
            [
                ("201".to_owned(), r#"{"id":"201"}"#.to_owned()),
                ("202".to_owned(), r#"{ "state" : "OK" , "id" : 202 }"#.to_owned())
            ]
        );
        let sparse = one_pass(r#"{"7": {"id": "201"}}"#).unwrap().unwrap();
        assert_eq!(sparse.unwrap().len(), 1);
        assert!(one_pass("null").unwrap().is_none());
        let first_without_id = one_pass(r#"[{"id": "1"}, {"name": "x"}, {"id": "2"}, {"name": "y"}]"#);
        assert_eq!(first_without_id.unwrap().unwrap().unwrap_err().as_str(), r#"{"name": "x"}"#);
    }

    #[test]
    fn room_for_a_list_is_guessed_from_its_first_entry_and_bounded() {
        let entries: Vec<String> = (0..1000).map(|i| format!(r#"{{"id":"{i:04}","state":"OK"}}"#)).collect();
        let data = format!("[{}]", entries.join(","));
        assert!(likely_count::<PeerStatus>(data.len(), entries[0].len()) >= 1000);
        let peers = one_pass(&data).unwrap().unwrap().unwrap();
        assert_eq!((peers.len(), peers.capacity()), (1000, 1000));
        // A short first entry cannot make room for more than models of four times the answer.
        assert_eq!(likely_count::<[u8; 100]>(1000, 1), 40);
        assert_eq!(likely_count::<PeerStatus>(0, 0), 0);
    }

    #[test]
    fn what_one_pass_cannot_delimit_goes_the_two_pass_way() {
        for data in [r#"[{"\u0069d": "201"}]"#, "[{}]", r#"["201"]"#, "[201]", r#""text""#, "5", "true"] {
            assert!(one_pass(data).is_err(), "{data}");
        }
    }
}
