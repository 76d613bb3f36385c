//! What an error text may carry: no secret the client knows, no secret-shaped token from a
//! server's echo, no control characters, and a bounded length.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

/// What replaces a secret in error texts.
pub(crate) const REDACTED: &str = "<redacted>";
/// At most this many characters of one text (a message, an excerpt).
pub(crate) const MAX_TEXT_CHARS: usize = 500;
/// At most this many server messages are kept in an error.
pub(crate) const MAX_MESSAGES: usize = 20;
/// Secrets shorter than this are not searched for: replacing every `a` would garble texts
/// more than it protects (the server refuses such short passwords anyway).
const MIN_SECRET_CHARS: usize = 3;

/// Secret-shaped tokens a server or proxy may echo: JWTs, bearer values, session and refresh
/// cookies, password fields of forms and JSON.
fn secret_patterns() -> &'static Regex {
    static PATTERNS: OnceLock<Regex> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        Regex::new(concat!(
            r#"(?i)(?P<keep>bearer[ \t]+|phpsessid=|refreshtoken=|accesstoken=|password=|api[_-]?key=|"#,
            r#""(?:password|accesstoken|refreshtoken|token|api_?key)"[ \t]*:[ \t]*"?)[^ \t\r\n;&",'<>]*"#,
            r#"|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*"#,
        ))
        .unwrap_or_else(|e| unreachable!("the secret pattern is a valid regex: {e}"))
    })
}

/// Cleans one text for an error message: known secrets and secret-shaped tokens become
/// `<redacted>`, control characters become spaces, and the text is cut at
/// [`MAX_TEXT_CHARS`].
pub(crate) fn clean(text: &str, secrets: &[&str]) -> String {
    let (body, ellipsis) = match text.strip_suffix('…') {
        Some(body) => (body, "…"),
        None => (text, ""),
    };
    let mut text = Cow::Borrowed(body);
    for secret in secrets.iter().filter(|s| s.chars().count() >= MIN_SECRET_CHARS) {
        if text.contains(secret) {
            text = Cow::Owned(text.replace(secret, REDACTED));
        }
        // An excerpt cut in the middle of a secret ends with the secret's beginning.
        if let Some(kept) = cut_partial_secret(&text, secret) {
            text = Cow::Owned(format!("{kept}{REDACTED}"));
        }
    }
    if !ellipsis.is_empty() {
        text.to_mut().push_str(ellipsis);
    }
    let text = secret_patterns().replace_all(&text, |caps: &regex::Captures<'_>| match caps.name("keep") {
        Some(keep) => format!("{}{REDACTED}", keep.as_str()),
        None => REDACTED.to_owned(),
    });
    let mut out: String = text.chars().take(MAX_TEXT_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().nth(MAX_TEXT_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// The text without its tail when the tail is the start of `secret` (at least
/// `MIN_SECRET_CHARS` long).
fn cut_partial_secret<'a>(text: &'a str, secret: &str) -> Option<&'a str> {
    secret
        .char_indices()
        .map(|(i, _)| i)
        .skip(MIN_SECRET_CHARS)
        .filter(|&end| text.ends_with(&secret[..end]))
        .max()
        .map(|end| &text[..text.len() - end])
}

/// Cleans a list of server messages and keeps at most [`MAX_MESSAGES`] of them.
pub(crate) fn clean_all(texts: &[String], secrets: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = texts.iter().take(MAX_MESSAGES).map(|t| clean(t, secrets)).collect();
    if texts.len() > MAX_MESSAGES {
        out.push(format!("(and {} more messages)", texts.len() - MAX_MESSAGES));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_secrets_and_token_shapes_are_redacted() {
        let text = "Cookie: PHPSESSID=abc123def; Authorization: Bearer k3y-value pw=hunter2";
        let cleaned = clean(text, &["hunter2"]);
        assert!(!cleaned.contains("abc123def") && !cleaned.contains("k3y-value") && !cleaned.contains("hunter2"));
        assert!(cleaned.contains("PHPSESSID=<redacted>"), "{cleaned}");
        let jwt = r#"{"data":{"accessToken":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig","expiresIn":9"#;
        let cleaned = clean(jwt, &[]);
        assert!(!cleaned.contains("eyJhbGciOiJIUzI1NiJ9") && !cleaned.contains("sig\""), "{cleaned}");
        assert!(clean("eyJhbGciOiJIUzI1NiJ9.eyJzdWIi", &[]).contains(REDACTED));
        assert!(clean("login=admin&password=s3cr3t", &[]).ends_with("password=<redacted>"));
    }

    #[test]
    fn control_characters_and_length_are_bounded() {
        assert_eq!(clean("a\r\nb\x1b[31mc\0", &[]), "a  b [31mc ");
        let long = "x".repeat(10_000);
        assert_eq!(clean(&long, &[]).chars().count(), MAX_TEXT_CHARS + 1);
        let many: Vec<String> = (0..1000).map(|i| format!("m{i}")).collect();
        let kept = clean_all(&many, &[]);
        assert_eq!(kept.len(), MAX_MESSAGES + 1);
        assert!(kept.last().is_some_and(|m| m.contains("980 more")));
    }

    #[test]
    fn an_excerpt_cut_inside_a_secret_loses_the_part() {
        assert_eq!(clean("token: s3cr3tv…", &["s3cr3tvalue"]), "token: <redacted>…");
        assert_eq!(clean("ends with s3", &["s3cr3tvalue"]), "ends with s3");
    }

    #[test]
    fn short_secrets_are_not_searched() {
        assert_eq!(clean("a b", &["a"]), "a b");
    }
}
