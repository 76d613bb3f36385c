//! TLS trust settings applied to the HTTP client, including certificate pinning.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, OtherError};
use sha2::{Digest, Sha256};

use crate::config::TlsTrust;
use crate::error::{Error, Result};

/// Applies the configured trust to a reqwest builder.
pub(crate) fn apply(builder: reqwest::ClientBuilder, trust: &TlsTrust) -> Result<reqwest::ClientBuilder> {
    Ok(match trust {
        TlsTrust::Verify => builder.tls_backend_preconfigured(verified_config()?),
        TlsTrust::ExtraCa(pem) => {
            let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|e| Error::invalid(format!("ca certificate is not valid PEM ({e})")))?;
            builder.tls_certs_merge(certs)
        }
        TlsTrust::Insecure => builder.tls_danger_accept_invalid_certs(true),
        TlsTrust::PinSha256(pin) => builder.tls_backend_preconfigured(pinned_config(*pin)?),
    })
}

/// SHA-256 of a certificate's DER encoding, the value users pin.
pub fn certificate_sha256(der: &[u8]) -> [u8; 32] {
    Sha256::digest(der).into()
}

/// The system's trust store, loaded once per process: reading and parsing it costs far more
/// than everything else a new client does.
fn verified_config() -> Result<rustls::ClientConfig> {
    static VERIFIED: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    VERIFIED
        .get_or_init(|| {
            let provider = provider();
            let system = rustls_platform_verifier::Verifier::new(Arc::clone(&provider)).map_err(|e| e.to_string())?;
            let algorithms = provider.signature_verification_algorithms;
            config_with(provider, Arc::new(Fingerprinting { system, algorithms })).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|message| Error::Tls {
            url: String::new(),
            message: format!("cannot load the system's trusted certificates: {message}"),
        })
}

/// The system's verifier, and a certificate it refuses reported with its SHA-256 fingerprint,
/// so that the error can say what to pin: a MikoPBX serves a self-signed certificate unless
/// its owner installs another.
#[derive(Debug)]
struct Fingerprinting {
    system: rustls_platform_verifier::Verifier,
    algorithms: WebPkiSupportedAlgorithms,
}

/// A refused certificate's reason and fingerprint, carried inside the rustls error.
#[derive(Debug)]
struct Untrusted {
    reason: rustls::Error,
    sha256: [u8; 32],
}

impl std::fmt::Display for Untrusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.reason)
    }
}

impl std::error::Error for Untrusted {}

impl ServerCertVerifier for Fingerprinting {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.system.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now).map_err(|reason| {
            let untrusted = Untrusted { reason, sha256: certificate_sha256(end_entity.as_ref()) };
            rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(untrusted))))
        })
    }

    handshake_signatures!(algorithms);
}

/// A TLS failure in words; for a certificate the system does not trust, what to do about it,
/// with the certificate's fingerprint.
pub(crate) fn describe(error: &rustls::Error) -> String {
    let untrusted = match error {
        rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(inner))) => {
            inner.downcast_ref::<Untrusted>()
        }
        _ => None,
    };
    match untrusted {
        Some(Untrusted { reason, sha256 }) => format!(
            "the server's certificate is not trusted ({reason}); its SHA-256 fingerprint is {}. If that is \
             your PBX's own certificate (MikoPBX makes a self-signed one; check the fingerprint on the PBX), \
             accept exactly it with pin_sha256 (CLI: --pin-sha256 {}), or trust the CA that signed it with \
             ca_pem (CLI: --ca-cert FILE)",
            colon_hex(sha256),
            hex::encode(sha256)
        ),
        None => error.to_string(),
    }
}

/// `3F:A1:…`, as browsers and `openssl x509 -fingerprint` show fingerprints.
pub fn colon_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

fn pinned_config(pin: [u8; 32]) -> Result<rustls::ClientConfig> {
    let provider = provider();
    let verifier = PinnedCertVerifier { pin, algorithms: provider.signature_verification_algorithms };
    config_with(provider, Arc::new(verifier)).map_err(|e| Error::invalid(format!("TLS setup failed: {e}")))
}

/// The crypto provider of every TLS connection of the SDK.
pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A client configuration with `verifier` deciding on the server's certificate.
pub(crate) fn config_with(
    provider: Arc<rustls::crypto::CryptoProvider>,
    verifier: Arc<dyn ServerCertVerifier>,
) -> std::result::Result<rustls::ClientConfig, rustls::Error> {
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// The handshake-signature checks of a certificate verifier, by the provider's algorithms
/// (`$algorithms`, a `WebPkiSupportedAlgorithms` field): every verifier of the SDK still
/// checks that the server holds the key of the certificate it accepted.
macro_rules! handshake_signatures {
    ($algorithms:ident) => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(message, cert, dss, &self.$algorithms)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(message, cert, dss, &self.$algorithms)
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.$algorithms.supported_schemes()
        }
    };
}
pub(crate) use handshake_signatures;

/// Accepts exactly one end-entity certificate, whatever its issuer or name, and still checks
/// that the server holds that certificate's private key (handshake signatures).
#[derive(Debug)]
struct PinnedCertVerifier {
    pin: [u8; 32],
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = certificate_sha256(end_entity.as_ref());
        if seen == self.pin {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "server certificate SHA-256 {} does not match the pinned {}",
                hex::encode(seen),
                hex::encode(self.pin)
            )))
        }
    }

    handshake_signatures!(algorithms);
}
