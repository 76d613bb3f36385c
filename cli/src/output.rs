//! How results are printed: aligned tables for people, JSON for programs.

use std::borrow::Cow;
use std::io::Write;
use std::time::Duration;

use mikopbx::{Health, PeerDetail, PeerStatus, ProviderRegistration, WatchEvent, WatchEventKind};
use serde::Serialize;
use serde_json::{Value, json};

/// Writes to standard output. A closed pipe (`mikopbx peers | head -1`) ends the output
/// quietly instead of panicking as `println!` would.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

pub struct Printer {
    format: Format,
}

impl Printer {
    pub fn new(format: Format) -> Printer {
        Printer { format }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn peers(&self, peers: &[PeerStatus]) {
        self.list(peers, &["ID", "STATE"], |p| vec![p.id.clone(), p.state.to_string()]);
    }

    pub fn providers(&self, providers: &[ProviderRegistration]) {
        self.list(providers, &["ID", "TECH", "STATE", "USERNAME", "HOST"], |p| {
            vec![p.id.clone(), p.technology.to_string(), p.state.to_string(), p.username.clone(), p.host.clone()]
        });
    }

    pub fn peer(&self, peer: &PeerDetail) {
        match self.format {
            Format::Json => self.json_document(peer),
            Format::Table => {
                // The JSON form, minus empty values, as aligned key/value lines.
                let Value::Object(fields) = serde_json::to_value(peer).unwrap_or(Value::Null) else { return };
                let rows: Vec<Vec<String>> = fields
                    .iter()
                    .filter(|(key, _)| key.as_str() != "other_contacts")
                    .filter(|(_, value)| !matches!(value, Value::Null) && value.as_str() != Some(""))
                    .map(|(key, value)| vec![key.clone(), plain(value)])
                    .collect();
                emit(&table(&[], &rows));
                if !peer.is_registered() {
                    outln!("(no registered contact)");
                }
                for (index, contact) in peer.other_contacts.iter().enumerate() {
                    outln!(
                        "contact {}: {} {}",
                        index + 2,
                        printable(&contact.uri),
                        printable(contact.status.as_ref().map_or("", |s| s.as_str()))
                    );
                }
            }
        }
    }

    pub fn ping(&self, url: &str, rtt: Duration) {
        let ms = rtt.as_secs_f64() * 1000.0;
        match self.format {
            Format::Json => self.json_document(&json!({"ok": true, "url": url, "rtt_ms": ms})),
            Format::Table => outln!("PONG from {url} in {ms:.1} ms"),
        }
    }

    pub fn operations(&self, operations: &[mikopbx::Operation]) {
        if let Format::Json = self.format {
            return self.json_document(&mikopbx::operations_json());
        }
        self.list(operations, &["OPERATION", "ARGUMENTS", "RESULT", "SUMMARY"], |op| {
            let arguments: Vec<String> = op
                .arguments
                .iter()
                .map(|a| if a.required { a.name.to_owned() } else { format!("[{}]", a.name) })
                .collect();
            vec![op.name.to_owned(), arguments.join(" "), op.result.to_owned(), op.summary()]
        });
    }

    /// Any operation's result (its JSON form): JSON, or a table of a list of objects (one
    /// column per scalar field of the first), key/value lines of an object, or the value.
    pub fn result(&self, result: &Value) {
        if self.format == Format::Json {
            return self.json_document(result);
        }
        match result {
            Value::Array(rows) => {
                let columns: Vec<&str> = match rows.first() {
                    Some(Value::Object(first)) => {
                        first.iter().filter(|(_, v)| !v.is_array() && !v.is_object()).map(|(k, _)| k.as_str()).collect()
                    }
                    _ => Vec::new(),
                };
                if columns.is_empty() {
                    return rows.iter().for_each(|row| outln!("{}", printable(&plain(row))));
                }
                let headers: Vec<String> = columns.iter().map(|c| c.to_ascii_uppercase()).collect();
                let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
                let cells = |row: &Value| -> Vec<String> {
                    columns
                        .iter()
                        .map(|c| row.get(*c).filter(|v| !v.is_null()).map(plain).unwrap_or_default())
                        .collect()
                };
                emit(&table(&headers, &rows.iter().map(cells).collect::<Vec<_>>()));
            }
            Value::Object(fields) => {
                let rows: Vec<Vec<String>> = fields
                    .iter()
                    .filter(|(_, value)| !matches!(value, Value::Null | Value::Array(_) | Value::Object(_)))
                    .filter(|(_, value)| value.as_str() != Some(""))
                    .map(|(key, value)| vec![key.clone(), plain(value)])
                    .collect();
                emit(&table(&[], &rows));
            }
            Value::Null => {}
            other => outln!("{}", printable(&plain(other))),
        }
    }

    pub fn json_document<T: Serialize + ?Sized>(&self, value: &T) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => outln!("{text}"),
            Err(e) => eprintln!("mikopbx: cannot print the result as JSON: {e}"),
        }
    }

    /// A health snapshot: a summary, the extensions, the providers and the problems.
    pub fn health(&self, health: &Health) {
        if self.format == Format::Json {
            return self.json_document(health);
        }
        let generation = health.api_generation.as_deref().unwrap_or("unknown API");
        let mut text = if health.reachable {
            format!(
                "PBX reachable ({generation}), {} call(s) in progress; extensions: {} online, {} offline, {} unknown, {} disabled\n",
                health.active_calls,
                health.extensions_online,
                health.extensions_offline,
                health.extensions_unknown,
                health.extensions_disabled
            )
        } else {
            format!("PBX NOT reachable ({}): {}\n", generation, printable(health.error.as_deref().unwrap_or("")))
        };
        text.push_str(&format!("taken {} in {:.0} ms\n", health.taken_at, health.duration_ms));
        if !health.extensions.is_empty() {
            let rows: Vec<Vec<String>> = health
                .extensions
                .iter()
                .map(|e| vec![e.id.clone(), e.state.to_string(), e.server_state.clone()])
                .collect();
            text.push('\n');
            text.push_str(&table(&["EXTENSION", "STATE", "SERVER_STATE"], &rows));
        }
        if !health.providers.is_empty() {
            let rows: Vec<Vec<String>> = health
                .providers
                .iter()
                .map(|p| {
                    let rtt = p.rtt_ms.map(|ms| ms.to_string()).unwrap_or_default();
                    let problem = if p.problem { "PROBLEM" } else { "" };
                    vec![
                        p.id.clone(),
                        p.technology.to_string(),
                        p.state.to_string(),
                        p.server_state.clone(),
                        p.host.clone(),
                        rtt,
                        problem.to_owned(),
                    ]
                })
                .collect();
            text.push('\n');
            text.push_str(&table(&["PROVIDER", "TECH", "STATE", "SERVER_STATE", "HOST", "RTT_MS", ""], &rows));
        }
        emit(&text);
    }

    /// One watch event: a JSON line, or a line of text (a snapshot as the health table).
    pub fn watch_event(&self, event: &WatchEvent) {
        if self.format == Format::Json {
            return match serde_json::to_string(event) {
                Ok(line) => emit(&format!("{line}\n")),
                Err(e) => emit(&format!("{{\"error\": {:?}}}\n", e.to_string())),
            };
        }
        let id = event.id.as_deref().unwrap_or("");
        let state = |s: &Option<String>| s.clone().unwrap_or_else(|| "(none)".to_owned());
        let text = match event.kind {
            WatchEventKind::Snapshot => {
                outln!("{} snapshot", event.at);
                if let Some(health) = &event.snapshot {
                    self.health(health);
                }
                return;
            }
            WatchEventKind::ExtensionChanged => {
                format!("extension {id}: {} -> {}", state(&event.old_state), state(&event.new_state))
            }
            WatchEventKind::ProviderChanged => {
                format!("provider {id}: {} -> {}", state(&event.old_state), state(&event.new_state))
            }
            WatchEventKind::CallStarted => format!("call {id} started"),
            WatchEventKind::CallEnded => format!("call {id} ended"),
            WatchEventKind::Unreachable => format!("PBX unreachable: {}", event.error.as_deref().unwrap_or("")),
            WatchEventKind::Reachable => "PBX reachable again".to_owned(),
            WatchEventKind::Gap => match &event.since {
                Some(since) => format!("gap: not seen since {since}; changes in between may be missing"),
                None => "gap".to_owned(),
            },
            WatchEventKind::Other(ref other) => other.clone(),
        };
        outln!("{} {}", event.at, printable(&text));
    }

    fn list<T: Serialize>(&self, items: &[T], headers: &[&str], row: impl Fn(&T) -> Vec<String>) {
        match self.format {
            Format::Json => self.json_document(items),
            Format::Table => emit(&table(headers, &items.iter().map(row).collect::<Vec<_>>())),
        }
    }
}

/// The text with control characters (escape sequences, CR/LF, NUL) and the invisible
/// direction and width marks written as escapes, so a server string can neither forge table
/// rows or error lines nor drive the terminal.
pub fn printable(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(hidden) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if hidden(c) { c.escape_default().to_string() } else { c.to_string() }).collect())
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Left-aligned columns separated by two spaces; `headers` may be empty.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).chain([headers.len()]).max().unwrap_or(0);
    let mut widths = vec![0; columns];
    let header_row: Vec<Cow<'_, str>> = headers.iter().map(|h| Cow::Borrowed(*h)).collect();
    let rows: Vec<Vec<Cow<'_, str>>> =
        rows.iter().map(|row| row.iter().map(|cell| printable(cell)).collect()).collect();
    let all_rows = (!headers.is_empty()).then_some(&header_row).into_iter().chain(&rows);
    for row in all_rows.clone() {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in all_rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::table;

    #[test]
    fn server_strings_cannot_forge_rows_or_drive_the_terminal() {
        let text = table(&["ID", "STATE"], &[vec!["201\nroot  OK".into(), "\u{1b}[2J\r\0\u{202e}".into()]]);
        assert_eq!(text, "ID             STATE\n201\\nroot  OK  \\u{1b}[2J\\r\\u{0}\\u{202e}\n");
        assert_eq!(text.lines().count(), 2);
    }

    #[test]
    fn columns_are_aligned() {
        let text = table(&["ID", "STATE"], &[vec!["201".into(), "OK".into()], vec!["2001".into(), "UNKNOWN".into()]]);
        assert_eq!(text, "ID    STATE\n201   OK\n2001  UNKNOWN\n");
    }
}
