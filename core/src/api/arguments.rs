//! Arguments of operations called by name: their JSON types for the table, and reading them
//! from a JSON object with clear errors.

use serde::Serialize;
use serde_json::Value;

use super::ArgumentMap;
use crate::error::{Error, Result};
use crate::transport::RequestBody;

/// One argument of an [`Operation`](super::Operation).
#[derive(Debug, Clone, Serialize)]
pub struct Argument {
    pub name: &'static str,
    #[serde(serialize_with = "serialize_doc")]
    pub doc: &'static str,
    /// `string`, `integer`, `object` or `any` (any JSON value).
    pub json_type: &'static str,
    pub required: bool,
}

/// Query parameters of [`request`](crate::Client::request): name/value pairs, sent in order.
/// As JSON: an object (`{"limit": 10}`) or a list of pairs (`[["id", "1"], ["id", "2"]]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

impl From<Vec<(String, String)>> for Params {
    fn from(pairs: Vec<(String, String)>) -> Self {
        Params(pairs)
    }
}

impl<const N: usize> From<[(&str, &str); N]> for Params {
    fn from(pairs: [(&str, &str); N]) -> Self {
        Params(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }
}

/// A type an operation takes, read from its JSON form.
pub(crate) trait ArgumentType: Sized {
    const JSON_TYPE: &'static str;
    const REQUIRED: bool = true;
    /// `None`: the argument was not given. `Err`: why the value is unusable.
    fn from_json(value: Option<Value>) -> Result<Self, String>;
}

impl ArgumentType for String {
    const JSON_TYPE: &'static str = "string";
    fn from_json(value: Option<Value>) -> Result<Self, String> {
        match value {
            Some(Value::String(text)) => Ok(text),
            // Extension numbers are often written as numbers.
            Some(Value::Number(number)) => Ok(number.to_string()),
            Some(_) => Err("must be a string".to_owned()),
            None => Err("missing".to_owned()),
        }
    }
}

impl ArgumentType for u32 {
    const JSON_TYPE: &'static str = "integer";
    fn from_json(value: Option<Value>) -> Result<Self, String> {
        let number = match value {
            Some(Value::Number(number)) => number.as_u64(),
            Some(Value::String(text)) => text.trim().parse().ok(),
            Some(_) => None,
            None => return Err("missing".to_owned()),
        };
        number
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| "must be a whole number from 0 to 4294967295".to_owned())
    }
}

impl ArgumentType for f64 {
    const JSON_TYPE: &'static str = "number";
    fn from_json(value: Option<Value>) -> Result<Self, String> {
        match value {
            Some(Value::Number(number)) => number.as_f64().ok_or_else(|| "must be a number".to_owned()),
            Some(Value::String(text)) => text.trim().parse().map_err(|_| "must be a number".to_owned()),
            Some(_) => Err("must be a number".to_owned()),
            None => Err("missing".to_owned()),
        }
    }
}

/// An optional argument: absent or `null` is `None`.
impl<T: ArgumentType> ArgumentType for Option<T> {
    const JSON_TYPE: &'static str = T::JSON_TYPE;
    const REQUIRED: bool = false;
    fn from_json(value: Option<Value>) -> Result<Self, String> {
        match value {
            None | Some(Value::Null) => Ok(None),
            some => T::from_json(some).map(Some),
        }
    }
}

impl ArgumentType for Params {
    const JSON_TYPE: &'static str = "object";
    const REQUIRED: bool = false;
    fn from_json(value: Option<Value>) -> Result<Self, String> {
        let text = |value: Value| match value {
            Value::String(text) => Some(text),
            Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
            _ => None,
        };
        let shape = || "must be an object of strings or a list of [name, value] pairs".to_owned();
        match value {
            None | Some(Value::Null) => Ok(Params::default()),
            Some(Value::Object(map)) => map
                .into_iter()
                .map(|(k, v)| text(v).map(|v| (k, v)).ok_or_else(shape))
                .collect::<Result<_, _>>()
                .map(Params),
            Some(Value::Array(pairs)) => pairs
                .into_iter()
                .map(|pair| match pair {
                    Value::Array(mut kv) if kv.len() == 2 => {
                        let value = kv.pop().and_then(text);
                        let name = kv.pop().and_then(text);
                        name.zip(value).ok_or_else(shape)
                    }
                    _ => Err(shape()),
                })
                .collect::<Result<_, _>>()
                .map(Params),
            Some(_) => Err(shape()),
        }
    }
}

impl ArgumentType for Option<RequestBody> {
    const JSON_TYPE: &'static str = "any";
    const REQUIRED: bool = false;
    fn from_json(value: Option<Value>) -> Result<Self, String> {
        Ok(value.filter(|v| !v.is_null()).map(RequestBody::Json))
    }
}

/// The arguments as an object; `null` is no arguments.
pub(super) fn object(operation: &str, arguments: Value) -> Result<ArgumentMap> {
    match arguments {
        Value::Null => Ok(ArgumentMap::new()),
        Value::Object(map) => Ok(map),
        _ => Err(Error::invalid(format!("the arguments of {operation} must be a JSON object"))),
    }
}

/// Takes one argument out of the object.
pub(super) fn take<T: ArgumentType>(operation: &str, arguments: &mut ArgumentMap, name: &str) -> Result<T> {
    T::from_json(arguments.remove(name)).map_err(|problem| match problem.as_str() {
        "missing" => Error::invalid(format!("{operation}: missing argument {name:?}")),
        _ => Error::invalid(format!("{operation}: argument {name:?} {problem}")),
    })
}

/// Refuses arguments the operation does not have (a typo would otherwise be ignored).
pub(super) fn no_others(operation: &str, arguments: &ArgumentMap) -> Result<()> {
    match arguments.keys().next() {
        None => Ok(()),
        Some(name) => Err(Error::invalid(format!("{operation}: unknown argument {name:?}"))),
    }
}

fn serialize_doc<S: serde::Serializer>(doc: &&'static str, serializer: S) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(&super::doc_text(doc))
}
