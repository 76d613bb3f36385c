//! `request`: any endpoint, through the same authentication, retries and decoding.

use reqwest::Method;
use serde_json::Value;

use super::Params;
use crate::client::Inner;
use crate::envelope::BodyExpectation;
use crate::error::{Error, Result};
use crate::path::RequestPath;
use crate::transport::{Request, RequestBody};

pub(crate) async fn request(
    inner: &Inner,
    method: String,
    path: String,
    params: Params,
    json: Option<RequestBody>,
) -> Result<Value> {
    let method = Method::from_bytes(method.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| Error::invalid(format!("{method:?} is not an HTTP method")))?;
    let path = RequestPath::parse(&path)?.resolve(inner.generation().await?);
    let request = Request {
        idempotent: matches!(method, Method::GET | Method::HEAD),
        method,
        path: &path,
        query: &params.0,
        body: json.as_ref(),
        headers: &[],
    };
    inner.execute(&request, BodyExpectation::Anything).await
}
