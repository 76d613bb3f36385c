//! The certificate a server presents, for trust on first use: its SHA-256 fingerprint (what
//! `pin_sha256` takes) and whether this system trusts it. One TLS handshake and no HTTP
//! request, so nothing reaches the PBX's web server or its fail2ban.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::tls::{self, certificate_sha256, colon_hex};

/// What a server presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerCertificate {
    /// `host:port` that was asked.
    pub address: String,
    /// SHA-256 of the server's certificate, lower-case hex: the value of `pin_sha256`.
    pub sha256: String,
    /// The same as `AB:CD:…`, as browsers and `openssl x509 -fingerprint -sha256` show it.
    pub sha256_colons: String,
    /// Certificates the server sent (its own first).
    pub chain_length: usize,
    /// Whether the system's trusted roots accept it for this host name.
    pub trusted: bool,
    /// Why not, when not (e.g. `invalid peer certificate: UnknownIssuer`).
    pub untrusted_reason: Option<String>,
}

/// Connects to the `https://` URL's host and port (default 443), completes a handshake that
/// accepts any certificate, and reports the certificate. The handshake's signatures are still
/// checked, so the fingerprint is that of a key the server holds.
pub async fn server_certificate(url: &str, timeout: Duration) -> Result<ServerCertificate> {
    let parsed = url::Url::parse(url).map_err(|e| Error::invalid(format!("{url:?} is not a URL: {e}")))?;
    if parsed.scheme() != "https" {
        return Err(Error::invalid(format!("{url} is not an https:// URL: there is no certificate to show")));
    }
    let host = parsed.host_str().ok_or_else(|| Error::invalid(format!("{url} has no host")))?;
    let port = parsed.port_or_known_default().unwrap_or(443);
    let address = format!("{host}:{port}");
    // `[::1]` in a URL is `::1` as a server name.
    let name = ServerName::try_from(host.trim_start_matches('[').trim_end_matches(']').to_owned())
        .map_err(|e| Error::invalid(format!("{host} is not a host name: {e}")))?;
    let provider = tls::provider();
    let system = rustls_platform_verifier::Verifier::new(Arc::clone(&provider))
        .map_err(|e| Error::Tls { url: url.to_owned(), message: format!("cannot load the system's trust: {e}") })?;
    let inspector =
        Arc::new(Inspector { system, algorithms: provider.signature_verification_algorithms, seen: Mutex::new(None) });
    let config = tls::config_with(provider, Arc::clone(&inspector) as Arc<dyn ServerCertVerifier>)
        .map_err(|e| Error::Internal { message: format!("TLS setup failed: {e}") })?;
    let handshake = async {
        let tcp = tokio::net::TcpStream::connect(&address).await.map_err(|e| Error::Transport {
            url: url.to_owned(),
            message: format!("cannot connect to {address}: {e}"),
        })?;
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.map_err(|e| Error::Tls {
            url: url.to_owned(),
            message: format!("TLS handshake with {address} failed: {e}"),
        })
    };
    let stream = tokio::time::timeout(timeout, handshake)
        .await
        .map_err(|_| Error::Timeout { url: url.to_owned(), after: timeout })??;
    drop(stream);
    let seen = inspector.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    let Some(seen) = seen else {
        return Err(Error::Tls { url: url.to_owned(), message: "the server sent no certificate".to_owned() });
    };
    Ok(ServerCertificate {
        address,
        sha256: hex::encode(seen.sha256),
        sha256_colons: colon_hex(&seen.sha256),
        chain_length: seen.chain_length,
        trusted: seen.refusal.is_none(),
        untrusted_reason: seen.refusal,
    })
}

#[derive(Debug)]
struct Seen {
    sha256: [u8; 32],
    chain_length: usize,
    refusal: Option<String>,
}

/// Accepts any certificate after asking the system's verifier about it.
#[derive(Debug)]
struct Inspector {
    system: rustls_platform_verifier::Verifier,
    algorithms: WebPkiSupportedAlgorithms,
    seen: Mutex<Option<Seen>>,
}

impl ServerCertVerifier for Inspector {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let verdict = self.system.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        let seen = Seen {
            sha256: certificate_sha256(end_entity.as_ref()),
            chain_length: intermediates.len().saturating_add(1),
            refusal: verdict.err().map(|e| e.to_string()),
        };
        *self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(seen);
        Ok(ServerCertVerified::assertion())
    }

    tls::handshake_signatures!(algorithms);
}
