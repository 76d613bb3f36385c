//! C forms of the core models. Every struct is allocated by this library and released with
//! its `_free` function, which frees every string and array inside it.

use std::ffi::c_char;

use mikopbx_core::{Contact, PeerDetail, PeerStatus, ProviderRegistration};
use serde_json::Value;

use crate::error::c_string;

/// An owned C copy of `text` (released by `free_string`).
pub(crate) fn owned(text: &str) -> *mut c_char {
    c_string(text).into_raw()
}

/// Compact JSON text of a server value.
fn json_text(value: &Value) -> *mut c_char {
    owned(&value.to_string())
}

/// Releases a string made by `owned`; NULL is ignored.
///
/// # Safety
/// `text` is NULL or came from `owned` and was not released before.
pub(crate) unsafe fn free_string(text: *mut c_char) {
    if !text.is_null() {
        // SAFETY: made by `CString::into_raw` in `owned`.
        drop(unsafe { std::ffi::CString::from_raw(text) });
    }
}

/// Hands a vector to C as pointer + length; an empty vector is NULL.
fn into_raw_array<T>(items: Vec<T>) -> (*mut T, usize) {
    if items.is_empty() {
        return (std::ptr::null_mut(), 0);
    }
    let len = items.len();
    (Box::into_raw(items.into_boxed_slice()).cast::<T>(), len)
}

/// Takes back an array made by `into_raw_array` and drops it with its elements.
///
/// # Safety
/// `(items, len)` came from `into_raw_array` and was not released before.
unsafe fn drop_raw_array<T>(items: *mut T, len: usize) {
    if !items.is_null() {
        // SAFETY: the pointer and length of a boxed slice, by the caller's contract.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(items, len)) });
    }
}

/// One entry of the peer list.
#[repr(C)]
pub struct mikopbx_peer_status {
    /// Peer (extension) id, e.g. `"201"`.
    pub id: *mut c_char,
    /// The server's state string: `"OK"` (registered), `"UNKNOWN"`, or any newer value the
    /// server sends, unchanged.
    pub state: *mut c_char,
    /// The server's entry as JSON text, as it was sent.
    pub raw_json: *mut c_char,
}

/// The peer list of `mikopbx_peer_statuses`. Its strings belong to the list: they are
/// released with it by `mikopbx_peer_list_free`, never one by one.
#[repr(C)]
pub struct mikopbx_peer_list {
    /// Number of entries in `items`.
    pub len: usize,
    /// `len` entries in the server's order; NULL when `len` is 0.
    pub items: *mut mikopbx_peer_status,
}

impl mikopbx_peer_list {
    /// The list for C, its strings in the list's own buffer.
    pub(crate) fn boxed(peers: &[PeerStatus]) -> *mut mikopbx_peer_list {
        ListWithText::boxed(
            peers,
            |peer| [peer.id.as_bytes(), peer.state.as_str().as_bytes(), peer.raw.as_bytes()],
            |[id, state, raw_json]| mikopbx_peer_status { id, state, raw_json },
            |items, len| mikopbx_peer_list { len, items },
        )
    }

    /// Releases a list made by `boxed`.
    ///
    /// # Safety
    /// `list` is NULL or came from `boxed` and was not released before.
    pub(crate) unsafe fn free(list: *mut mikopbx_peer_list) {
        // SAFETY: the caller's contract.
        unsafe { ListWithText::free(list, |list| (list.items, list.len)) }
    }
}

/// One registered contact (device) of a peer: Asterisk's contact fields, numbers parsed.
/// Text fields are never NULL (empty when the server sent none) except `status`.
#[repr(C)]
pub struct mikopbx_contact {
    pub aor: *mut c_char,
    /// Contact URI, e.g. `"sip:201@172.16.156.1:60939;ob"`.
    pub uri: *mut c_char,
    pub user_agent: *mut c_char,
    /// Whether `reg_expire` holds a value.
    pub has_reg_expire: bool,
    /// Registration expiry, unix seconds.
    pub reg_expire: i64,
    pub via_address: *mut c_char,
    pub call_id: *mut c_char,
    /// Qualify status as the server sent it (`"Reachable"`, `"Unreachable"`,
    /// `"NonQualified"`, `"Unknown"` or a newer value); NULL when the server sent none.
    pub status: *mut c_char,
    /// Whether `roundtrip_usec` holds a value.
    pub has_roundtrip_usec: bool,
    /// Qualify round trip in microseconds.
    pub roundtrip_usec: u64,
    pub endpoint_name: *mut c_char,
    /// Asterisk's contact id (`ID`), e.g. `"201;@3002860e..."`.
    pub contact_id: *mut c_char,
    /// Whether `authenticate_qualify` holds a value.
    pub has_authenticate_qualify: bool,
    pub authenticate_qualify: bool,
    pub outbound_proxy: *mut c_char,
    pub path: *mut c_char,
    /// Whether `qualify_frequency` holds a value.
    pub has_qualify_frequency: bool,
    /// Seconds between qualify checks.
    pub qualify_frequency: u64,
    /// Whether `qualify_timeout` holds a value.
    pub has_qualify_timeout: bool,
    /// Qualify timeout in seconds.
    pub qualify_timeout: f64,
    /// This contact's fields exactly as the server sent them, as a compact JSON object.
    pub fields_json: *mut c_char,
}

impl From<Contact> for mikopbx_contact {
    fn from(contact: Contact) -> Self {
        mikopbx_contact {
            aor: owned(&contact.aor),
            uri: owned(&contact.uri),
            user_agent: owned(&contact.user_agent),
            has_reg_expire: contact.reg_expire.is_some(),
            reg_expire: contact.reg_expire.unwrap_or_default(),
            via_address: owned(&contact.via_address),
            call_id: owned(&contact.call_id),
            status: contact.status.as_ref().map_or(std::ptr::null_mut(), |status| owned(status.as_str())),
            has_roundtrip_usec: contact.roundtrip_usec.is_some(),
            roundtrip_usec: contact.roundtrip_usec.unwrap_or_default(),
            endpoint_name: owned(&contact.endpoint_name),
            contact_id: owned(&contact.contact_id),
            has_authenticate_qualify: contact.authenticate_qualify.is_some(),
            authenticate_qualify: contact.authenticate_qualify.unwrap_or_default(),
            outbound_proxy: owned(&contact.outbound_proxy),
            path: owned(&contact.path),
            has_qualify_frequency: contact.qualify_frequency.is_some(),
            qualify_frequency: contact.qualify_frequency.unwrap_or_default(),
            has_qualify_timeout: contact.qualify_timeout.is_some(),
            qualify_timeout: contact.qualify_timeout.unwrap_or_default(),
            fields_json: owned(&Value::Object(contact.fields).to_string()),
        }
    }
}

impl Drop for mikopbx_contact {
    fn drop(&mut self) {
        // SAFETY: every string field was made by `owned` (or is NULL) and is released only here.
        unsafe {
            for text in [
                self.aor,
                self.uri,
                self.user_agent,
                self.via_address,
                self.call_id,
                self.status,
                self.endpoint_name,
                self.contact_id,
                self.outbound_proxy,
                self.path,
                self.fields_json,
            ] {
                free_string(text);
            }
        }
    }
}

/// The detail of one peer (`mikopbx_peer`).
///
/// An unknown peer and a known but unregistered one look the same on the server: state
/// `"UNKNOWN"` and `contact` NULL. A registered but unreachable phone has state `"OK"` and a
/// contact whose `status` is `"Unreachable"`.
#[repr(C)]
pub struct mikopbx_peer_detail {
    /// The id that was asked for.
    pub id: *mut c_char,
    /// The server's state string (`"OK"`, `"UNKNOWN"` or a newer value, unchanged).
    pub state: *mut c_char,
    /// The primary contact; NULL when the peer is not registered.
    pub contact: *mut mikopbx_contact,
    /// Number of entries in `other_contacts`.
    pub other_contacts_len: usize,
    /// Further contacts (several devices, or the WebRTC twin); NULL when there are none.
    pub other_contacts: *mut mikopbx_contact,
    /// The server's `data` as compact JSON text.
    pub raw_json: *mut c_char,
}

impl From<PeerDetail> for mikopbx_peer_detail {
    fn from(detail: PeerDetail) -> Self {
        let (other_contacts, other_contacts_len) =
            into_raw_array(detail.other_contacts.into_iter().map(mikopbx_contact::from).collect());
        mikopbx_peer_detail {
            id: owned(&detail.id),
            state: owned(detail.state.as_str()),
            contact: detail.contact.map_or(std::ptr::null_mut(), |contact| Box::into_raw(Box::new(contact.into()))),
            other_contacts_len,
            other_contacts,
            raw_json: json_text(&detail.raw),
        }
    }
}

impl Drop for mikopbx_peer_detail {
    fn drop(&mut self) {
        // SAFETY: every field was made in `from` and is released only here.
        unsafe {
            free_string(self.id);
            free_string(self.state);
            free_string(self.raw_json);
            if !self.contact.is_null() {
                drop(Box::from_raw(self.contact));
            }
            drop_raw_array(self.other_contacts, self.other_contacts_len);
        }
    }
}

/// Registration of one SIP provider (trunk).
#[repr(C)]
pub struct mikopbx_provider_registration {
    /// Provider id, e.g. `"SIP-1601534775"`.
    pub id: *mut c_char,
    /// The server's state string: `"REGISTERED"`, `"UNREGISTERED"`, `"REJECTED"`, `"OFF"`
    /// (disabled), `"OK"`, `"UNKNOWN"` or a newer value, unchanged.
    pub state: *mut c_char,
    /// Registration user name (empty when the server sent none).
    pub username: *mut c_char,
    /// Registrar host (empty when the server sent none).
    pub host: *mut c_char,
    /// The server's entry as JSON text, as it was sent.
    pub raw_json: *mut c_char,
}

/// The provider list of `mikopbx_provider_registrations`. Its strings belong to the list:
/// they are released with it by `mikopbx_provider_list_free`, never one by one.
#[repr(C)]
pub struct mikopbx_provider_list {
    /// Number of entries in `items`.
    pub len: usize,
    /// `len` entries in the server's order; NULL when `len` is 0.
    pub items: *mut mikopbx_provider_registration,
}

impl mikopbx_provider_list {
    /// The list for C, its strings in the list's own buffer.
    pub(crate) fn boxed(providers: &[ProviderRegistration]) -> *mut mikopbx_provider_list {
        ListWithText::boxed(
            providers,
            |provider| {
                [
                    provider.id.as_bytes(),
                    provider.state.as_str().as_bytes(),
                    provider.username.as_bytes(),
                    provider.host.as_bytes(),
                    provider.raw.as_bytes(),
                ]
            },
            |[id, state, username, host, raw_json]| mikopbx_provider_registration {
                id,
                state,
                username,
                host,
                raw_json,
            },
            |items, len| mikopbx_provider_list { len, items },
        )
    }

    /// Releases a list made by `boxed`.
    ///
    /// # Safety
    /// `list` is NULL or came from `boxed` and was not released before.
    pub(crate) unsafe fn free(list: *mut mikopbx_provider_list) {
        // SAFETY: the caller's contract.
        unsafe { ListWithText::free(list, |list| (list.items, list.len)) }
    }
}

/// A list handed to C with every string of its entries in one buffer of its own: one
/// allocation for the text of the whole list instead of one per string (a big peer list has
/// 30,000 strings: docs/performance.md). C sees `list`, the first field; the buffer is
/// released with it.
#[repr(C)]
struct ListWithText<L> {
    list: L,
    text: *mut [u8],
}

impl<L> ListWithText<L> {
    /// The list of `models`, whose entries are made by `entry` from the UTF-8 texts `texts` names
    /// (each a C string in the buffer: a NUL inside becomes U+FFFD, as `c_string` does), and
    /// whose list is made by `list` from the entries' array and length.
    fn boxed<M, E, const K: usize>(
        models: &[M],
        texts: impl Fn(&M) -> [&[u8]; K],
        entry: impl Fn([*mut c_char; K]) -> E,
        list: impl FnOnce(*mut E, usize) -> L,
    ) -> *mut L {
        let size =
            models.iter().flat_map(&texts).fold(0usize, |size, text| size.saturating_add(text.len()).saturating_add(1));
        let mut buffer = Vec::with_capacity(size);
        let starts: Vec<[usize; K]> = models
            .iter()
            .map(|model| {
                texts(model).map(|text| {
                    let start = buffer.len();
                    if text.contains(&0) {
                        // UTF-8 text (from `String`s and `RawJson`): the lossy reading is exact.
                        buffer.extend_from_slice(String::from_utf8_lossy(text).replace('\0', "\u{FFFD}").as_bytes());
                    } else {
                        buffer.extend_from_slice(text);
                    }
                    buffer.push(0);
                    start
                })
            })
            .collect();
        let text = Box::into_raw(buffer.into_boxed_slice());
        let base = text.cast::<c_char>();
        // SAFETY: every start is an offset within the buffer `text` points to.
        let entries = starts.into_iter().map(|starts| entry(starts.map(|start| unsafe { base.add(start) }))).collect();
        let (items, len) = into_raw_array(entries);
        Box::into_raw(Box::new(ListWithText { list: list(items, len), text })).cast::<L>()
    }

    /// Releases a list made by `boxed`, whose entries' array and length `items` names.
    ///
    /// # Safety
    /// `list` is NULL or came from `boxed` and was not released before.
    unsafe fn free<E>(list: *mut L, items: impl FnOnce(&L) -> (*mut E, usize)) {
        if list.is_null() {
            return;
        }
        // SAFETY: made by `Box::into_raw` in `new`, whose `list` is the first field.
        let owned = unsafe { Box::from_raw(list.cast::<ListWithText<L>>()) };
        let (entries, len) = items(&owned.list);
        // SAFETY: the array and the buffer were made in `boxed` and are released only here.
        unsafe {
            drop_raw_array(entries, len);
            drop(Box::from_raw(owned.text));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use mikopbx_core::{PeerState, RawJson};

    use super::*;

    fn text(pointer: *mut c_char) -> String {
        // SAFETY: a C string of a live list.
        unsafe { CStr::from_ptr(pointer) }.to_str().expect("UTF-8").to_owned()
    }

    #[test]
    fn a_list_holds_its_entries_strings_in_its_own_buffer() {
        let peer = |id: &str, state: &str| PeerStatus {
            id: id.to_owned(),
            state: PeerState::from_raw(state),
            raw: RawJson::from_text(format!(r#"{{"id":"{}"}}"#, id.replace('\0', "\\u0000"))).expect("JSON"),
        };
        let list = mikopbx_peer_list::boxed(&[peer("201", "OK"), peer("2\u{0}2", "NEW STATE"), peer("", "")]);
        // SAFETY: just made, released below.
        let entries = unsafe { std::slice::from_raw_parts((*list).items, (*list).len) };
        let read: Vec<[String; 3]> = entries.iter().map(|e| [text(e.id), text(e.state), text(e.raw_json)]).collect();
        assert_eq!(
            read,
            [
                ["201", "OK", r#"{"id":"201"}"#].map(str::to_owned),
                ["2\u{FFFD}2", "NEW STATE", r#"{"id":"2\u00002"}"#].map(str::to_owned),
                ["", "", r#"{"id":""}"#].map(str::to_owned),
            ]
        );
        // SAFETY: made above, released once.
        unsafe { mikopbx_peer_list::free(list) };

        let empty = mikopbx_provider_list::boxed(&[]);
        // SAFETY: just made.
        assert!(unsafe { (*empty).len == 0 && (*empty).items.is_null() });
        // SAFETY: made above, released once; NULL is ignored.
        unsafe {
            mikopbx_provider_list::free(empty);
            mikopbx_provider_list::free(std::ptr::null_mut());
        }
    }
}
