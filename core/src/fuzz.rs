//! Property tests of every decoder against arbitrary input (a bounded fuzz pass that runs in
//! `make test`): no panic, and every error a bounded, cleaned text.

use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::api::peers::fold_webrtc_twins;
use crate::envelope::{self, BodyExpectation};
use crate::{PeerDetail, PeerStatus, ProviderRegistration};

/// JSON values of the shapes MikoPBX sends, nested a few levels, with keys the decoders look
/// for mixed into random ones.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("result".to_owned()),
        Just("data".to_owned()),
        Just("messages".to_owned()),
        Just("errors".to_owned()),
        Just("success".to_owned()),
        Just("id".to_owned()),
        Just("state".to_owned()),
        Just("URI".to_owned()),
        Just("URI-1".to_owned()),
        Just("devices".to_owned()),
        Just("status".to_owned()),
        Just("rtt".to_owned()),
        Just("port".to_owned()),
        "[a-zA-Z-]{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// Reads a body as the peer list is read (`Inner::read_list`), checking the error if any.
fn read_peer_list(body: Vec<u8>, status: u16) {
    let body = bytes::Bytes::from(body);
    if let Err(error) = envelope::read_list::<PeerStatus>("http://pbx/x", status, false, &body) {
        assert_bounded(&error);
    }
}

fn assert_bounded(error: &crate::Error) {
    let text = error.clone().cleaned(&[]).to_string();
    assert!(text.chars().count() < 20_000, "error text of {} chars", text.chars().count());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn envelopes_of_any_bytes_decode_or_fail_cleanly(body in prop::collection::vec(any::<u8>(), 0..512), status in 100u16..600) {
        for expect in [BodyExpectation::Envelope, BodyExpectation::Anything] {
            if let Err(error) = envelope::decode("http://pbx/x", status, false, &body, expect) {
                assert_bounded(&error);
            }
        }
        read_peer_list(body, status);
    }

    #[test]
    fn envelopes_of_any_json_decode_or_fail_cleanly(document in json_value(), status in 100u16..600) {
        let body = document.to_string();
        for expect in [BodyExpectation::Envelope, BodyExpectation::Anything] {
            if let Err(error) = envelope::decode("http://pbx/x", status, true, body.as_bytes(), expect) {
                assert_bounded(&error);
            }
        }
        read_peer_list(body.into_bytes(), status);
    }

    #[test]
    fn models_of_any_json_parse_or_refuse(data in json_value()) {
        let _ = PeerDetail::from_legacy("201", data.clone());
        let _ = PeerDetail::from_v3("201", data.clone());
        let list = bytes::Bytes::from(format!(r#"{{"result":true,"data":[{data}]}}"#));
        let _ = envelope::read_list::<ProviderRegistration>("http://pbx/x", 200, false, &list);
        if let Value::Array(items) = data {
            let peers: Vec<PeerStatus> = items.iter().map(PeerStatus::from_json).collect();
            let count = peers.len();
            prop_assert!(fold_webrtc_twins(peers).len() <= count);
        }
    }
}
