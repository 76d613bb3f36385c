//! Legacy (≤ 2024.x) web-session login: `POST /admin-cabinet/session/start` (reference §2.1).

use reqwest::Method;
use reqwest::header::{COOKIE, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::{LoginFailure, Refusal, THROTTLE_PAUSE};
use crate::envelope::Messages;
use crate::error::{Error, Result, excerpt};
use crate::transport::{AuthHeader, Request, RequestBody, Transport};

pub(crate) const LOGIN_PATH: &str = "admin-cabinet/session/start";
pub(crate) const LOGOUT_PATH: &str = "admin-cabinet/session/end";
/// A cheap authenticated call that proves the session exists.
const VERIFY_PATH: &str = "pbxcore/api/system/getDate";
const SESSION_COOKIE: &str = "PHPSESSID";

/// Without it the server renders an HTML page instead of answering JSON.
const AJAX: [(HeaderName, &str); 1] = [(HeaderName::from_static("x-requested-with"), "XMLHttpRequest")];

pub(crate) async fn login(
    transport: &Transport,
    login: &str,
    password: &SecretString,
) -> Result<AuthHeader, LoginFailure> {
    let form = RequestBody::Form(vec![
        ("login".to_owned(), login.to_owned()),
        ("password".to_owned(), password.expose_secret().to_owned()),
    ]);
    let request = Request {
        method: Method::POST,
        path: LOGIN_PATH,
        query: &[],
        body: Some(&form),
        headers: &AJAX,
        // Every attempt counts against the server's login throttle and fail2ban.
        idempotent: false,
    };
    let response = transport.send(&request, &[]).await?;
    if response.is_redirect() {
        return Err(response.status_error().into());
    }
    let answer: Value = serde_json::from_slice(&response.body).map_err(|e| Error::Decode {
        url: response.url.clone(),
        message: format!(
            "the login page did not answer JSON (HTTP {}: {e}); is this a MikoPBX ≤ 2024.x web interface?",
            response.status
        ),
        excerpt: excerpt(&response.body),
    })?;
    let messages = Messages::parse(answer.get("message").unwrap_or(&Value::Null));
    let success = answer.get("success").and_then(Value::as_bool).unwrap_or(false);
    if !success {
        return Err(LoginFailure {
            error: Error::Authentication {
                url: response.url,
                status: Some(response.status),
                message: "the server refused the login or password".to_owned(),
                server_messages: messages.failure_texts(),
            },
            refusal: Refusal::Credentials,
        });
    }
    if !messages.error.is_empty() {
        // The login throttle answers success:true, an error message and no session.
        return Err(LoginFailure {
            error: Error::Authentication {
                url: response.url,
                status: Some(response.status),
                message: "the server accepted the form but created no session (login throttled)".to_owned(),
                server_messages: messages.error,
            },
            refusal: Refusal::Throttled(THROTTLE_PAUSE),
        });
    }
    let Some(session_id) = response.cookie(SESSION_COOKIE) else {
        return Err(Error::Authentication {
            url: response.url,
            status: Some(response.status),
            message: "the login answer carried no PHPSESSID session cookie".to_owned(),
            server_messages: Vec::new(),
        }
        .into());
    };
    let mut value = HeaderValue::from_str(&format!("{SESSION_COOKIE}={session_id}")).map_err(|_| Error::Decode {
        url: response.url.clone(),
        message: "the session cookie is not a valid header value".to_owned(),
        excerpt: String::new(),
    })?;
    value.set_sensitive(true);
    let header = (COOKIE, value);
    verify(transport, &header).await?;
    Ok(header)
}

/// `success:true` alone proves nothing (reference §2.1): one authenticated call must pass.
async fn verify(transport: &Transport, header: &AuthHeader) -> Result<()> {
    let response = transport.send(&Request::get(VERIFY_PATH), std::slice::from_ref(header)).await?;
    if response.status == 401 {
        return Err(Error::Authentication {
            url: response.url,
            status: Some(response.status),
            message: "the server accepted the login but does not know the session".to_owned(),
            server_messages: Vec::new(),
        });
    }
    Ok(())
}

pub(crate) async fn logout(transport: &Transport, header: &AuthHeader) -> Result<()> {
    let request = Request { headers: &AJAX, ..Request::get(LOGOUT_PATH) };
    let response = transport.send(&request, std::slice::from_ref(header)).await?;
    // The server ends the session and redirects to the login page.
    if response.status >= 400 {
        return Err(Error::Http { url: response.url, status: response.status, message: "logout failed".to_owned() });
    }
    Ok(())
}
