//! The accept loop: plain HTTP or TLS, the client's address for loopback trust, shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use rcgen::{CertificateParams, DnType, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// A generated self-signed certificate, like MikoPBX's factory default.
pub struct GeneratedCertificate {
    pub pem: String,
    pub sha256_hex: String,
    pub acceptor: TlsAcceptor,
}

pub fn self_signed() -> Result<GeneratedCertificate, String> {
    let mut params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).map_err(|e| e.to_string())?;
    params.distinguished_name.push(DnType::CommonName, "MIKO PBX");
    params.distinguished_name.push(DnType::OrganizationName, "MIKO LLC");
    let key = KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    let der: CertificateDer<'static> = cert.der().clone();
    let sha256_hex = hex::encode(Sha256::digest(der.as_ref()));
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(vec![der], private)
        .map_err(|e| e.to_string())?;
    Ok(GeneratedCertificate { pem: cert.pem(), sha256_hex, acceptor: TlsAcceptor::from(Arc::new(config)) })
}

pub async fn serve(listener: TcpListener, app: Router, tls: Option<TlsAcceptor>, mut shutdown: watch::Receiver<bool>) {
    loop {
        let (stream, remote) = tokio::select! {
            _ = shutdown.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(_) => continue,
            },
        };
        let app = app.clone();
        let tls = tls.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            match tls {
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve_connection(stream, remote, app, shutdown).await;
                    }
                }
                None => serve_connection(stream, remote, app, shutdown).await,
            }
        });
    }
}

async fn serve_connection<S>(stream: S, remote: SocketAddr, app: Router, mut shutdown: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(remote));
        app.clone().oneshot(request)
    });
    let connection = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = shutdown.changed() => {}
    }
}
