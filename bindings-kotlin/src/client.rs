//! `MikoPbxClient`: every operation of core's list (`mikopbx::for_each_operation!`) as a
//! suspend function, plus `call` by name. Each runs on the core's shared runtime; a cancelled
//! coroutine or Swift task aborts it. `MikoPbxBlockingClient`: the same operations as plain
//! functions for threads that may block, each driven on the calling thread.

use std::fmt;
use std::sync::Arc;

use crate::ffi::{FromFfi, IntoFfi, json_text};
use crate::{ClientConfig, Result};

/// A MikoPBX REST API client. Safe to share between coroutines and threads; `close()` frees
/// it (call `logout()` first to end the server session). `toString()` never shows a secret.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct MikoPbxClient(mikopbx::Client);

impl fmt::Display for MikoPbxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MikoPbx{:?}", self.0)
    }
}

impl MikoPbxClient {
    pub(crate) fn core(&self) -> &mikopbx::Client {
        &self.0
    }
}

#[uniffi::export]
impl MikoPbxClient {
    /// Validates the configuration; connects lazily (the first call logs in).
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>> {
        Ok(Arc::new(MikoPbxClient(mikopbx::Client::new(config.to_core()?)?)))
    }

    /// Runs any operation of the SDK by name (`operationsJson()` lists them) with its
    /// arguments as a JSON object (`{"id": "201"}`; null for none). Returns the result as
    /// JSON text, in the shape of the CLI's `--format json`.
    #[uniffi::method(default(args_json = None))]
    pub async fn call(&self, operation: String, args_json: Option<String>) -> Result<String> {
        Ok(self.0.call_json(&operation, call_arguments(args_json)?).await?.to_string())
    }

    /// This client for threads that may block (a Java thread, `Dispatchers.IO`, Swift off the
    /// main thread): the same operations as plain functions, sharing this client's session.
    pub fn blocking(&self) -> Arc<MikoPbxBlockingClient> {
        Arc::new(MikoPbxBlockingClient(self.0.clone().into()))
    }
}

/// `call`'s arguments: JSON text, or null for none.
fn call_arguments(args_json: Option<String>) -> Result<serde_json::Value> {
    match args_json {
        Some(text) => json_text("args_json", &text),
        None => Ok(serde_json::Value::Null),
    }
}

/// The client for threads that may block, as OkHttp's `execute()` is: every operation of
/// `MikoPbxClient` as a plain function that returns with the answer. The calling thread
/// drives the request itself, sparing the hand-over to the SDK's threads and back that a
/// suspend call makes (two thread wake-ups). Never call it on a UI thread or inside a
/// coroutine that must not block: use `MikoPbxClient`'s suspend functions there. A call is
/// bounded by `requestTimeout`. `MikoPbxClient.blocking()` makes one sharing a client's
/// session; `close()` frees it.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct MikoPbxBlockingClient(mikopbx::blocking::Client);

impl fmt::Display for MikoPbxBlockingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MikoPbxBlocking{:?}", self.0.as_async())
    }
}

#[uniffi::export]
impl MikoPbxBlockingClient {
    /// Validates the configuration; connects lazily (the first call logs in).
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>> {
        Ok(Arc::new(MikoPbxBlockingClient(mikopbx::blocking::Client::new(config.to_core()?)?)))
    }

    /// `MikoPbxClient.call`, returning with the answer.
    #[uniffi::method(default(args_json = None))]
    pub fn call(&self, operation: String, args_json: Option<String>) -> Result<String> {
        Ok(self.0.call_json(&operation, call_arguments(args_json)?)?.to_string())
    }
}

macro_rules! uniffi_operations {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident ( $( $(#[doc = $arg_doc:literal])* $arg:ident : $ty:ty $(= $default:ident)? ),* $(,)? ) -> $out:ty,
            $effect:ident = $implementation:path, example $example:literal;
    )*) => {
        #[uniffi::export]
        impl MikoPbxClient {
            $(
                $(#[doc = $doc])*
                #[uniffi::method(default($($($arg = $default,)?)*))]
                #[allow(clippy::too_many_arguments)] // as many as the operation has
                pub async fn $name(&self $(, $arg: <$ty as FromFfi>::Ffi)*) -> Result<<$out as IntoFfi>::Ffi> {
                    Ok(self.0.$name($(<$ty as FromFfi>::from_ffi($arg, stringify!($arg))?),*).await?.into_ffi())
                }
            )*
        }

        #[uniffi::export]
        impl MikoPbxBlockingClient {
            $(
                $(#[doc = $doc])*
                #[uniffi::method(default($($($arg = $default,)?)*))]
                #[allow(clippy::too_many_arguments)] // as many as the operation has
                pub fn $name(&self $(, $arg: <$ty as FromFfi>::Ffi)*) -> Result<<$out as IntoFfi>::Ffi> {
                    Ok(self.0.$name($(<$ty as FromFfi>::from_ffi($arg, stringify!($arg))?),*)?.into_ffi())
                }
            )*
        }
    };
}

mikopbx::for_each_operation!(uniffi_operations);

/// The operations `MikoPbxClient.call` runs, as JSON: name, doc, arguments, result,
/// idempotent, example arguments.
#[uniffi::export]
pub fn operations_json() -> String {
    mikopbx::operations_json().to_string()
}
