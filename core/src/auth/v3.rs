//! v3 (MikoPBX 2025.1+) JWT authentication: `auth:login`, `auth:refresh`, `auth:logout`
//! (reference §2.3; `src/PBXCoreREST/Lib/Auth/*Action.php` at 2026.1.223).

use std::time::Duration;

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::{LoginFailure, Refusal, THROTTLE_PAUSE, Token};
use crate::envelope::{authentication_error, error_texts};
use crate::error::{Error, Result};
use crate::transport::{AuthHeader, Request, RequestBody, Response, Transport};

const LOGIN_PATH: &str = "pbxcore/api/v3/auth:login";
const REFRESH_PATH: &str = "pbxcore/api/v3/auth:refresh";
const LOGOUT_PATH: &str = "pbxcore/api/v3/auth:logout";
const REFRESH_COOKIE: &str = "refreshToken";
/// The server's access-token lifetime when it does not say (`expiresIn`).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(900);

/// `auth:login` reads `$_POST`: the form must be url-encoded, not JSON.
pub(crate) async fn login(transport: &Transport, login: &str, password: &SecretString) -> Result<Token, LoginFailure> {
    let form = RequestBody::Form(vec![
        ("login".to_owned(), login.to_owned()),
        ("password".to_owned(), password.expose_secret().to_owned()),
    ]);
    // Every attempt counts against the server's login throttle and fail2ban: never retried.
    let request = Request { method: Method::POST, body: Some(&form), idempotent: false, ..Request::get(LOGIN_PATH) };
    let response = transport.send(&request, &[]).await?;
    let (message, refusal) = match response.status {
        200 => {
            let refresh = response.cookie(REFRESH_COOKIE).map(cookie_header).transpose()?;
            return Ok(token_from(&response, refresh)?);
        }
        429 => (
            "too many login attempts; the server blocks this address for a while",
            Refusal::Throttled(response.retry_after().unwrap_or(THROTTLE_PAUSE)),
        ),
        400 => ("the server wants a login and password", Refusal::Credentials),
        401 => ("the server refused the login or password", Refusal::Credentials),
        _ => return Err(response.status_error().into()),
    };
    Err(LoginFailure { error: auth_error(&response, message), refusal })
}

/// A new access token from the refresh cookie; `None` when the server refuses the cookie
/// (expired or revoked) or throttles refreshes (429), so the caller logs in again.
pub(crate) async fn refresh(transport: &Transport, refresh: &HeaderValue) -> Result<Option<Token>> {
    let request = Request { method: Method::POST, idempotent: false, ..Request::get(REFRESH_PATH) };
    let response = transport.send(&request, &[(COOKIE, refresh.clone())]).await?;
    if matches!(response.status, 401 | 429) {
        return Ok(None);
    }
    if response.status != 200 {
        return Err(auth_error(&response, "the server refused to refresh the access token"));
    }
    // Rotation is off on 2026.1, but honour a new cookie if the server sends one.
    let rotated = response.cookie(REFRESH_COOKIE).map(cookie_header).transpose()?;
    token_from(&response, Some(rotated.unwrap_or_else(|| refresh.clone()))).map(Some)
}

/// Logs out; an expired access token (401) is refreshed once and the logout sent again, so
/// the 30-day refresh token does not stay valid on the server behind a "clean" logout.
pub(crate) async fn logout_renewing(transport: &Transport, token: Token) -> Result<()> {
    let response = send_logout(transport, &token.header, token.refresh.as_ref()).await?;
    if response.status != 401 {
        return logout_outcome(&response);
    }
    let renewed = match &token.refresh {
        Some(cookie) => refresh(transport, cookie).await?,
        None => None,
    };
    let Some(renewed) = renewed else {
        return Err(Error::Authentication {
            url: response.url,
            status: Some(response.status),
            message: "logout was refused because the access token expired, and it could not be renewed; \
                      the session (refresh token) may remain valid on the server until it expires"
                .to_owned(),
            server_messages: Vec::new(),
        });
    };
    let response = send_logout(transport, &renewed.header, renewed.refresh.as_ref()).await?;
    logout_outcome(&response)
}

async fn send_logout(transport: &Transport, bearer: &AuthHeader, refresh: Option<&HeaderValue>) -> Result<Response> {
    let mut auth = vec![bearer.clone()];
    auth.extend(refresh.map(|value| (COOKIE, value.clone())));
    let request = Request { method: Method::POST, idempotent: false, ..Request::get(LOGOUT_PATH) };
    transport.send(&request, &auth).await
}

fn logout_outcome(response: &Response) -> Result<()> {
    if response.status == 401 {
        return Err(auth_error(response, "the server refused the logout; the session may remain valid on the server"));
    }
    if response.status >= 300 {
        return Err(response.status_error());
    }
    Ok(())
}

fn token_from(response: &Response, refresh: Option<HeaderValue>) -> Result<Token> {
    // No excerpt of this body in any error: it carries the new tokens.
    let document: Value = serde_json::from_slice(&response.body).map_err(|e| Error::Decode {
        url: response.url.clone(),
        message: format!("the login answer is not JSON ({e})"),
        excerpt: String::new(),
    })?;
    let data = &document["data"];
    let Some(access) = data["accessToken"].as_str().filter(|t| !t.is_empty()) else {
        return Err(Error::Authentication {
            url: response.url.clone(),
            status: Some(response.status),
            message: "the server answered without an access token".to_owned(),
            server_messages: document.as_object().map(error_texts).unwrap_or_default(),
        });
    };
    let mut bearer = HeaderValue::from_str(&format!("Bearer {access}")).map_err(|_| Error::Decode {
        url: response.url.clone(),
        message: "the access token is not a valid header value".to_owned(),
        excerpt: String::new(),
    })?;
    bearer.set_sensitive(true);
    let lifetime = data["expiresIn"].as_u64().map_or(DEFAULT_LIFETIME, Duration::from_secs);
    Ok(Token { header: (AUTHORIZATION, bearer), refresh, refresh_at: Some(Token::refresh_time(lifetime)) })
}

fn cookie_header(value: &str) -> Result<HeaderValue> {
    let mut header = HeaderValue::from_str(&format!("{REFRESH_COOKIE}={value}"))
        .map_err(|_| Error::invalid("the refresh cookie is not a valid header value"))?;
    header.set_sensitive(true);
    Ok(header)
}

fn auth_error(response: &Response, message: &str) -> Error {
    authentication_error(&response.url, response.status, &response.body, message)
}
