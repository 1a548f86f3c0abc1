//! https without a reverse proxy: a certificate chain and key from PEM files (rustls, with the
//! `ring` provider). Handshakes run in their own tasks with a deadline, so a client that opens
//! a connection and says nothing holds up no one else; finished connections are handed to the
//! server in the order they complete.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// The certificate chain and private key, as PEM files.
#[derive(Debug, Clone)]
pub struct Files {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Why the certificate or key cannot be used.
#[derive(Debug)]
pub enum TlsError {
    /// The file cannot be read or holds no certificate (key).
    Read { file: PathBuf, message: String },
    /// rustls refuses the pair (a key that does not match, an unsupported key type).
    Refused(String),
}

/// A rustls server configuration from the files.
pub fn config(files: &Files) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let read = |file: &PathBuf, message: String| TlsError::Read {
        file: file.clone(),
        message,
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| read(&files.cert, e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| read(&files.cert, e.to_string()))?;
    if chain.is_empty() {
        return Err(read(&files.cert, "no certificate in the file".into()));
    }
    let key =
        PrivateKeyDer::from_pem_file(&files.key).map_err(|e| read(&files.key, e.to_string()))?;
    // ring rather than aws-lc-rs: no C toolchain beyond cc and a much shorter build; rustls
    // marks it deprecated only for lacking post-quantum key exchange.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Refused(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| TlsError::Refused(e.to_string()))?;
    Ok(Arc::new(config))
}

/// How long a client may take to finish its handshake.
const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(10);
/// Finished handshakes waiting for the server to take them.
const READY_QUEUE: usize = 64;

/// A TCP listener whose connections are TLS.
pub struct Listener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
}

impl Listener {
    /// Accept on `tcp` in a task of its own; each handshake in a task of its own.
    pub fn new(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> Listener {
        let local = tcp
            .local_addr()
            .unwrap_or_else(|_| ([0, 0, 0, 0], 0).into());
        let (send, ready) = mpsc::channel(READY_QUEUE);
        let acceptor = TlsAcceptor::from(config);
        tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = tcp.accept().await else {
                    // Out of file descriptors and the like: wait, then go on accepting.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let (acceptor, send) = (acceptor.clone(), send.clone());
                tokio::spawn(async move {
                    let shook = tokio::time::timeout(HANDSHAKE_DEADLINE, acceptor.accept(stream));
                    if let Ok(Ok(tls)) = shook.await {
                        let _ = send.send((tls, peer)).await;
                    }
                });
            }
        });
        Listener { ready, local }
    }
}

impl axum::serve::Listener for Listener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            if let Some(next) = self.ready.recv().await {
                return next;
            }
            // The accepting task ended (it does not); wait rather than spin.
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}
