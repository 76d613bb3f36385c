//! The operations of the SDK: one list ([`for_each_operation!`]) from which the async and
//! blocking methods, the by-name [`Client::call_json`](crate::Client::call_json) and the
//! [`OPERATIONS`] table are made. Each resource module holds its models, its routes on both
//! generations and their quirks; `docs/adding-an-endpoint.md` shows how an operation is added.

mod arguments;
mod calls;
mod cdr;
mod extensions;
mod firewall;
mod health;
mod output;
pub(crate) mod peers;
pub(crate) mod providers;
mod raw;
mod session;
mod system;
mod watch;

use serde::Serialize;
use serde_json::{Map, Value};

pub use arguments::{Argument, Params};
pub use calls::*;
pub use cdr::*;
pub use extensions::*;
pub use firewall::*;
pub use health::*;
pub use output::{Output, serialized};
pub use peers::*;
pub use providers::*;
pub use system::*;
pub use watch::*;

use crate::error::{Error, Result};

/// Every operation of the SDK, once. Expands `$callback! { … }` with one entry per
/// operation, in this form (docs are `#[doc]` attributes, as `///` comments become):
///
/// ```text
/// $(#[doc = "…"])* name( $( $(#[doc = "…"])* arg: Type $(= None)? ),* ) -> Output,
///     read|write = implementation::path, example "{json arguments}";
/// ```
///
/// `= None` marks an optional argument: the bindings let callers leave it out.
/// `read` operations change nothing on the server (safe to repeat); `write` ones may.
/// Types are `$crate::` paths, so a binding crate can expand the list into its own glue.
#[macro_export]
macro_rules! for_each_operation {
    ($callback:ident) => {
        $callback! {
            /// The server's API generation (`legacy` or `v3`): forced by the configuration,
            /// or probed once and cached.
            api_generation() -> $crate::ApiGeneration, read = session::api_generation, example "{}";

            /// Logs in now (otherwise the first call does). Starts a fresh session.
            login() -> (), write = session::login, example "{}";

            /// Ends the session on the server. Later calls log in again.
            logout() -> (), write = session::logout, example "{}";

            /// Liveness check (`GET /pbxcore/api/system/ping` → `PONG`, no authentication).
            /// Returns the round-trip time.
            ping() -> ::std::time::Duration, read = system::ping, example "{}";

            /// Registration state of every peer (extension); the same set of ids on both
            /// generations.
            peer_statuses() -> ::std::vec::Vec<$crate::PeerStatus>, read = peers::statuses, example "{}";

            /// Detail of one peer. An unknown or unregistered peer is a normal result with
            /// state `Unknown` and no contact, as the server reports it.
            peer(
                /// Extension number, e.g. `201`.
                id: ::std::string::String,
            ) -> $crate::PeerDetail, read = peers::detail, example r#"{"id": "201"}"#;

            /// Registration state of every provider: the SIP ones, then the IAX ones.
            provider_registrations() -> ::std::vec::Vec<$crate::ProviderRegistration>,
                read = providers::registrations, example "{}";

            /// The status of every provider, SIP then IAX, in one vocabulary for both
            /// generations (`registered`, `unregistered`, `rejected`, `disabled`, `checking`,
            /// `unknown`) with the server's word kept; v3 adds round-trip times and since when
            /// each state holds (the server refreshes them at most every 10 s).
            provider_statuses() -> ::std::vec::Vec<$crate::ProviderStatus>, read = providers::statuses, example "{}";

            /// Every extension's state (the values of `peer_statuses`) with its registered
            /// devices (address, user agent, round-trip time). One request on v3 (refreshed by
            /// the server at most every 30 s); on legacy the peer list and then each registered
            /// peer's detail, four at a time.
            extension_statuses() -> ::std::vec::Vec<$crate::ExtensionStatus>, read = extensions::statuses, example "{}";

            /// Every leg of the calls in progress (one row per leg; legs of one call share
            /// `linkedid`; an ended leg stays a few seconds with its `endtime`).
            active_calls() -> ::std::vec::Vec<$crate::ActiveCall>, read = calls::active_calls, example "{}";

            /// The legs of calls whose channels are live in Asterisk, with the channel names.
            active_channels() -> ::std::vec::Vec<$crate::ActiveChannel>, read = calls::active_channels, example "{}";

            /// Every address the firewall (fail2ban) bans: one entry per address and jail, with
            /// the ban's times and, on v3, the address's country.
            banned_ips() -> ::std::vec::Vec<$crate::BannedIp>, read = firewall::banned_ips, example "{}";

            /// Lifts every ban of an address.
            unban_ip(
                /// The banned IP address (v4 or v6).
                ip: ::std::string::String,
            ) -> (), write = firewall::unban_ip, example r#"{"ip": "10.0.0.9"}"#;

            /// One monitoring snapshot: reachable or not (and why), every extension (`online`,
            /// `offline`, `unknown`, `disabled`) with counts, every provider (`registered`,
            /// `unregistered`, `rejected`, `disabled`, `checking`, `unknown`; unregistered and
            /// rejected ones are problems), the calls in progress, when and how long. Four
            /// requests; it does not fail for what the server does (see `reachable`).
            health(
                /// Only ids matching one of these comma-separated patterns (`*` any text, `?`
                /// one character), e.g. `2*,SIP-*`.
                include: ::std::option::Option<::std::string::String> = None,
                /// Leave out ids matching one of these patterns.
                exclude: ::std::option::Option<::std::string::String> = None,
            ) -> $crate::Health, read = health::snapshot, example "{}";

            /// The PBX's version, uptime and clock, with its whole diagnostic report
            /// (`sysinfo:getInfo`, which runs a dozen commands on the PBX: ask for it rarely).
            system_info() -> $crate::SystemInfo, read = system::system_info, example "{}";

            /// One page of the call history (v3 servers; 2024.1 has none in its REST API):
            /// the rows after `cursor` that match the filters, oldest first. Walk every page
            /// by passing each page's `next_cursor` until `has_more` is false (every binding
            /// has an iterator that does). Without a date or number filter the server keeps
            /// the last 30 days; a range may span at most 365 days.
            cdr(
                /// From this day or time on, the PBX's local time: `2026-01-15` or
                /// `2026-01-15 10:00:00`.
                date_from: ::std::option::Option<::std::string::String> = None,
                /// Up to this day (its end) or time.
                date_to: ::std::option::Option<::std::string::String> = None,
                /// Caller numbers containing this.
                src_num: ::std::option::Option<::std::string::String> = None,
                /// Called numbers containing this.
                dst_num: ::std::option::Option<::std::string::String> = None,
                /// Exactly this disposition: `ANSWERED`, `NO ANSWER`, `BUSY` or `FAILED`.
                disposition: ::std::option::Option<::std::string::String> = None,
                /// Rows per page, 1–1000 (default 50; the server clamps other values).
                limit: ::std::option::Option<u32> = None,
                /// The previous page's `next_cursor`; absent for the first page.
                cursor: ::std::option::Option<::std::string::String> = None,
            ) -> $crate::CdrPage, read = cdr::page, example r#"{"limit": 20}"#;

            /// Any endpoint, with the same authentication, retries and error handling as the
            /// typed calls. `path` is below the base URL (`/pbxcore/api/v3/system:ping`,
            /// `/pbxcore/api/system/getDate`) or short: `sip/getRegistry` is
            /// `/pbxcore/api/sip/getRegistry` on a legacy server and
            /// `/pbxcore/api/v3/sip:getRegistry` on a v3 server (the few calls v3 renamed,
            /// such as `system/getDate` → `system:datetime`, are mapped); a short path with a
            /// `:` (`sip/201:getStatus`) is a v3 path. Returns the whole JSON answer; a
            /// plain-text answer comes back as a JSON string. GET and HEAD are retried on
            /// transient failures, other methods never.
            request(
                /// An HTTP method: `GET`, `POST`, …
                method: ::std::string::String,
                /// The path, long or short (see above).
                path: ::std::string::String,
                /// Query parameters.
                params: $crate::Params = None,
                /// A JSON document sent as the body (`application/json`).
                json: ::std::option::Option<$crate::RequestBody> = None,
            ) -> $crate::__private::Value, write = raw::request, example r#"{"method": "GET", "path": "system/getDate"}"#;
        }
    };
}

/// Every model and state enum of the SDK, once: expands each resource's declaration into
/// `$callback! { enums { … } models { … } }` (the form `model::define_models!` reads). A new
/// resource adds its `__<resource>_models!` here.
#[macro_export]
macro_rules! for_each_model {
    ($callback:ident) => {
        $crate::__peer_models!($callback);
        $crate::__provider_models!($callback);
        $crate::__firewall_models!($callback);
        $crate::__call_models!($callback);
        $crate::__system_models!($callback);
        $crate::__cdr_models!($callback);
        $crate::__extension_models!($callback);
        $crate::__health_models!($callback);
        $crate::__watch_models!($callback);
    };
}

/// One operation of [`OPERATIONS`].
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    pub name: &'static str,
    /// What it does (Markdown, from the list's doc comment; see [`Operation::doc_text`]).
    #[serde(serialize_with = "serialize_doc")]
    pub doc: &'static str,
    pub arguments: &'static [Argument],
    /// The result's JSON shape: a model name, `Model[]` for a list, or a JSON type.
    pub result: &'static str,
    /// Changes nothing on the server: safe to repeat.
    pub idempotent: bool,
    /// Arguments that make a valid call, as JSON text (`{}` when there are none); a JSON
    /// object in the table's JSON form.
    #[serde(serialize_with = "serialize_example")]
    pub example: &'static str,
}

impl Operation {
    /// The doc without the indentation of doc comments.
    pub fn doc_text(&self) -> String {
        doc_text(self.doc)
    }

    /// The doc's first sentence, on one line.
    pub fn summary(&self) -> String {
        let text = self.doc.split_whitespace().collect::<Vec<_>>().join(" ");
        match text.find(". ") {
            Some(end) => text[..=end].to_owned(),
            None => text,
        }
    }
}

/// Doc comment text: each line trimmed, the whole without trailing blank lines.
pub(crate) fn doc_text(doc: &str) -> String {
    doc.lines().map(str::trim).collect::<Vec<_>>().join("\n").trim().to_owned()
}

fn serialize_doc<S: serde::Serializer>(doc: &&'static str, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(&doc_text(doc))
}

fn serialize_example<S: serde::Serializer>(
    example: &&'static str,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    let value: Value = serde_json::from_str(example).map_err(serde::ser::Error::custom)?;
    value.serialize(serializer)
}

/// One model of [`models`].
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub name: &'static str,
    #[serde(serialize_with = "serialize_doc")]
    pub doc: &'static str,
    /// The fields, in declaration order (the bindings' objects carry each of them).
    pub fields: Vec<&'static str>,
}

/// One state enum of [`models`]: the server strings it knows (others are kept as `Other`).
#[derive(Debug, Clone, Serialize)]
pub struct StateEnum {
    pub name: &'static str,
    pub values: Vec<&'static str>,
}

/// Every model and state enum, from [`for_each_model!`]: what each binding's per-model test
/// checks its own classes against.
pub fn models() -> (Vec<Model>, Vec<StateEnum>) {
    let (mut models, mut enums) = (Vec::new(), Vec::new());
    macro_rules! collect {
        (
            enums { $(
                $(#[doc = $enum_doc:literal])*
                enum $enum:ident { $( $(#[doc = $variant_doc:literal])* $variant:ident = $text:literal ),+ $(,)? }
            )* }
            models { $(
                $(#[doc = $doc:literal])*
                struct $model:ident {
                    $( $(#[doc = $field_doc:literal])* $(#[serde($($serde:tt)*)])* $field:ident : $type:ty ),* $(,)?
                }
                methods { $( $(#[doc = $method_doc:literal])* $method:ident -> $method_type:ty ),* $(,)? }
            )* }
        ) => {
            $( enums.push(StateEnum { name: stringify!($enum), values: vec![$($text),+] }); )*
            $(
                models.push(Model {
                    name: stringify!($model),
                    doc: concat!($($doc, "\n"),*),
                    fields: vec![$(stringify!($field)),*],
                });
            )*
        };
    }
    for_each_model!(collect);
    (models, enums)
}

/// [`models`] as JSON: `{"models": [{name, doc, fields}], "enums": [{name, values}]}`.
pub fn models_json() -> Value {
    let (models, enums) = models();
    serde_json::json!({ "models": models, "enums": enums })
}

/// The operation of this name.
pub fn operation(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.name == name)
}

/// The operations table as JSON: what `mikopbx ops --format json` prints and what every
/// binding's `operations()` returns.
pub fn operations_json() -> Value {
    serde_json::to_value(OPERATIONS).unwrap_or(Value::Null)
}

/// Whether an operation marked `read`/`write` in the list is idempotent.
macro_rules! idempotent {
    (read) => {
        true
    };
    (write) => {
        false
    };
}

/// Expands the list into the methods of both clients, the table and `call_json`.
macro_rules! operations {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident ( $( $(#[doc = $arg_doc:literal])* $arg:ident : $ty:ty $(= $default:ident)? ),* $(,)? ) -> $out:ty,
            $effect:ident = $implementation:path, example $example:literal;
    )*) => {
        impl crate::Client {
            $(
                $(#[doc = $doc])*
                // A plain `fn` returning the future: the arguments are converted before it
                // starts, so the future is `Send` whatever the caller passed.
                #[allow(clippy::too_many_arguments)] // as many as the operation has
                pub fn $name(&self $(, $arg: impl Into<$ty>)*)
                    -> impl std::future::Future<Output = Result<$out>> + Send + '_ {
                    $(let $arg: $ty = $arg.into();)*
                    self.run(move |inner| async move { $implementation(&inner $(, $arg)*).await })
                }
            )*

            /// Runs the operation `name` of [`OPERATIONS`] with its arguments as a JSON object
            /// (`null` for none) and returns its result as JSON, in the shape of the CLI's
            /// `--format json`. Unknown operations and bad arguments are `InvalidInput`.
            pub async fn call_json(&self, name: &str, arguments: Value) -> Result<Value> {
                let mut arguments = arguments::object(name, arguments)?;
                match name {
                    $(stringify!($name) => {
                        $(let $arg = arguments::take::<$ty>(name, &mut arguments, stringify!($arg))?;)*
                        arguments::no_others(name, &arguments)?;
                        Ok(Output::into_json(self.$name($($arg),*).await?))
                    })*
                    _ => Err(unknown_operation(name)),
                }
            }
        }

        impl crate::blocking::Client {
            $(
                $(#[doc = $doc])*
                #[allow(clippy::too_many_arguments)] // as many as the operation has
                pub fn $name(&self $(, $arg: impl Into<$ty>)*) -> Result<$out> {
                    self.as_async().wait(self.as_async().$name($($arg),*))?
                }
            )*

            /// [`crate::Client::call_json`], waiting for the answer.
            pub fn call_json(&self, name: &str, arguments: Value) -> Result<Value> {
                self.as_async().wait(self.as_async().call_json(name, arguments))?
            }
        }

        /// Every operation of the SDK, in the order of the list.
        pub static OPERATIONS: &[Operation] = &[$(
            Operation {
                name: stringify!($name),
                doc: concat!($($doc, "\n"),*),
                arguments: &[$(
                    Argument {
                        name: stringify!($arg),
                        doc: concat!($($arg_doc, "\n"),*),
                        json_type: <$ty as arguments::ArgumentType>::JSON_TYPE,
                        required: <$ty as arguments::ArgumentType>::REQUIRED,
                    },
                )*],
                result: <$out as Output>::SHAPE,
                idempotent: idempotent!($effect),
                example: $example,
            },
        )*];
    };
}

for_each_operation!(operations);

fn unknown_operation(name: &str) -> Error {
    let known: Vec<&str> = OPERATIONS.iter().map(|op| op.name).collect();
    Error::invalid(format!("there is no operation {name:?}; the operations are {}", known.join(", ")))
}

/// Arguments given as JSON, keyed by name.
type ArgumentMap = Map<String, Value>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_operation_with_its_arguments() {
        let names: Vec<&str> = OPERATIONS.iter().map(|op| op.name).collect();
        assert_eq!(
            names,
            [
                "api_generation",
                "login",
                "logout",
                "ping",
                "peer_statuses",
                "peer",
                "provider_registrations",
                "provider_statuses",
                "extension_statuses",
                "active_calls",
                "active_channels",
                "banned_ips",
                "unban_ip",
                "health",
                "system_info",
                "cdr",
                "request"
            ]
        );
        let peer = operation("peer").unwrap();
        assert_eq!((peer.result, peer.idempotent, peer.arguments.len()), ("PeerDetail", true, 1));
        assert_eq!(
            (peer.arguments[0].name, peer.arguments[0].json_type, peer.arguments[0].required),
            ("id", "string", true)
        );
        assert_eq!(peer.summary(), "Detail of one peer.");
        assert!(peer.doc_text().ends_with("as the server reports it."), "{}", peer.doc_text());
        let (models, enums) = models();
        let names: Vec<&str> = models.iter().map(|m| m.name).collect();
        assert_eq!(
            names,
            [
                "PeerStatus",
                "Contact",
                "PeerDetail",
                "ProviderRegistration",
                "ProviderStatus",
                "BannedIp",
                "ActiveCall",
                "ActiveChannel",
                "SystemInfo",
                "CdrRecord",
                "CdrPage",
                "ExtensionDevice",
                "ExtensionStatus",
                "ExtensionHealth",
                "ProviderHealth",
                "Health",
                "WatchEvent"
            ]
        );
        assert!(models[1].fields.contains(&"qualify_timeout"));
        assert_eq!(enums[0].values, ["OK", "UNKNOWN"]);
        let cdr = operation("cdr").unwrap();
        assert_eq!((cdr.arguments.len(), cdr.arguments[5].json_type, cdr.arguments[5].required), (7, "integer", false));
        let request = operation("request").unwrap();
        assert!(!request.idempotent);
        assert!(!request.arguments[2].required);
        for op in OPERATIONS {
            let example: Value = serde_json::from_str(op.example).unwrap();
            assert!(example.is_object(), "{}", op.name);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn bad_names_and_arguments_are_invalid_input() {
        let client = crate::Client::new(crate::Config::builder("http://127.0.0.1:1").build().unwrap()).unwrap();
        for (name, arguments, says) in [
            ("nope", Value::Null, "there is no operation \"nope\""),
            ("peer", serde_json::json!({}), "missing argument \"id\""),
            ("peer", serde_json::json!({"id": "201", "x": 1}), "unknown argument \"x\""),
            ("peer", serde_json::json!({"id": [1]}), "\"id\" must be a string"),
            ("ping", serde_json::json!([1]), "must be a JSON object"),
        ] {
            let err = client.call_json(name, arguments).await.unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidInput, "{err}");
            assert!(err.to_string().contains(says), "{err}");
        }
    }
}
