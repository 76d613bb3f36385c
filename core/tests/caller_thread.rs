//! Blocking calls driven on the caller's own thread (core/src/caller_thread.rs): they keep
//! their own connections, hand over to the shared runtime when another thread is driving the
//! client or when called inside a runtime, survive a server closing idle connections, and
//! keep the deadline and Ctrl-C-style interruption.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mikopbx::{ApiVersion, Config, ErrorKind, blocking};
use mikopbx_sim::{Fault, FaultKind, SimulatorOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ANSWER: &str = r#"{"result":true,"data":[{"id":"201","state":"OK"}],"messages":[]}"#;

/// A keep-alive HTTP server on loopback that answers every request with `ANSWER`, counts
/// the connections it accepts and closes each one `idle_close` after its last answer (as
/// nginx's `keepalive_timeout` does).
struct CountingServer {
    url: String,
    connections: Arc<AtomicUsize>,
    runtime: tokio::runtime::Runtime,
}

impl CountingServer {
    fn start(idle_close: Duration) -> CountingServer {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&connections);
        runtime.spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(socket, idle_close));
            }
        });
        CountingServer { url, connections, runtime }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for CountingServer {
    fn drop(&mut self) {
        let runtime =
            std::mem::replace(&mut self.runtime, tokio::runtime::Builder::new_current_thread().build().unwrap());
        runtime.shutdown_background();
    }
}

/// Answers each request of one connection; closes it when idle for `idle_close`.
async fn serve(mut socket: tokio::net::TcpStream, idle_close: Duration) {
    let mut buffer = Vec::new();
    loop {
        let mut chunk = [0u8; 4096];
        let read = match tokio::time::timeout(idle_close, socket.read(&mut chunk)).await {
            Ok(Ok(read)) if read > 0 => read,
            _ => return,
        };
        buffer.extend_from_slice(&chunk[..read]);
        // Requests without bodies (GET) or with a short one: answer once the head is in.
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buffer.len() < end + 4 + length {
                continue;
            }
            buffer.drain(..end + 4 + length);
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{ANSWER}",
                ANSWER.len()
            );
            if socket.write_all(answer.as_bytes()).await.is_err() {
                return;
            }
        }
    }
}

fn legacy_config(url: &str) -> mikopbx::ConfigBuilder {
    Config::builder(url).api_version(ApiVersion::Legacy).retries(0).request_timeout(Duration::from_secs(10))
}

#[test]
fn blocking_calls_keep_one_connection_of_their_own() {
    let server = CountingServer::start(Duration::from_secs(30));
    let client = blocking::Client::new(legacy_config(&server.url).build().unwrap()).unwrap();
    for _ in 0..5 {
        assert_eq!(client.peer_statuses().unwrap().len(), 1);
    }
    assert_eq!(server.connections(), 1, "sequential blocking calls reuse one connection");
    // An async call of the same client is served from the shared runtime's connections.
    mikopbx::block_on(async {
        let client = client.as_async().clone();
        mikopbx::runtime().unwrap().spawn(async move { client.peer_statuses().await }).await.unwrap()
    })
    .unwrap()
    .unwrap();
    assert_eq!(server.connections(), 2, "the caller's connections are apart from the shared runtime's");
    for _ in 0..3 {
        client.peer_statuses().unwrap();
    }
    assert_eq!(server.connections(), 2);
}

#[test]
fn a_connection_the_server_closed_while_idle_is_not_reused() {
    let server = CountingServer::start(Duration::from_millis(100));
    let client = blocking::Client::new(legacy_config(&server.url).build().unwrap()).unwrap();
    let post = || client.request("POST", "pbxcore/api/system/anything", Vec::new(), None);
    for round in 0..3 {
        // POST is never retried: a stale connection would be an error here.
        post().unwrap_or_else(|e| panic!("round {round}: {e}"));
        std::thread::sleep(Duration::from_millis(300));
    }
    assert_eq!(server.connections(), 3, "a new connection after each idle close");
}

#[test]
fn threads_sharing_a_blocking_client_all_get_answers() {
    let server = CountingServer::start(Duration::from_secs(30));
    let client = blocking::Client::new(legacy_config(&server.url).build().unwrap()).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || (0..50).map(|_| client.peer_statuses().map(|p| p.len())).collect::<Vec<_>>())
        })
        .collect();
    for thread in threads {
        for outcome in thread.join().unwrap() {
            assert_eq!(outcome.unwrap(), 1);
        }
    }
}

#[test]
fn a_blocking_call_inside_a_runtime_takes_the_shared_runtime() {
    let server = CountingServer::start(Duration::from_secs(30));
    let client = blocking::Client::new(legacy_config(&server.url).build().unwrap()).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let peers = runtime.block_on(async { client.peer_statuses() }).unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(server.connections(), 1, "a connection of the shared runtime");
    client.peer_statuses().unwrap();
    assert_eq!(server.connections(), 2, "and one of the caller's, outside the runtime");
}

#[test]
fn a_blocking_client_is_dropped_safely_inside_a_runtime() {
    let server = CountingServer::start(Duration::from_secs(30));
    let client = blocking::Client::new(legacy_config(&server.url).build().unwrap()).unwrap();
    client.peer_statuses().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async move { drop(client) });
}

#[test]
fn the_deadline_holds_on_the_callers_thread() {
    let sim = mikopbx::block_on(mikopbx_sim::Simulator::start(SimulatorOptions::default())).unwrap().unwrap();
    sim.add_fault(Fault::new(FaultKind::Delay { delay_ms: 2_000 }).forever());
    let builder = common::config_for(&sim).request_timeout(Duration::from_millis(300)).api_version(ApiVersion::Legacy);
    let client = blocking::Client::new(builder.build().unwrap()).unwrap();
    assert_eq!(client.peer_statuses().unwrap_err().kind(), ErrorKind::Timeout);
}

#[test]
fn an_interruption_cancels_a_call_driven_on_the_callers_thread() {
    let sim = mikopbx::block_on(mikopbx_sim::Simulator::start(SimulatorOptions::default())).unwrap().unwrap();
    sim.add_fault(Fault::new(FaultKind::Delay { delay_ms: 5_000 }).forever());
    let client = common::client(common::config_for(&sim).api_version(ApiVersion::Legacy));
    let mut checks = 0;
    let call = {
        let client = client.clone();
        async move { client.peer_statuses().await }
    };
    let outcome = client.wait_interruptible(call, Duration::from_millis(20), || {
        checks += 1;
        (checks == 3).then_some("interrupted")
    });
    assert_eq!(outcome.unwrap_err(), "interrupted");
    // The client is free again for the next call on this thread.
    sim.clear_faults();
    let next = client.wait_interruptible(
        {
            let client = client.clone();
            async move { client.peer_statuses().await }
        },
        Duration::from_millis(20),
        || None::<()>,
    );
    assert!(next.unwrap().is_ok());
}

#[test]
fn calls_fit_the_stack_of_a_jvm_thread() {
    let sim = mikopbx::block_on(mikopbx_sim::Simulator::start(SimulatorOptions::default())).unwrap().unwrap();
    let builder = common::config_for(&sim).api_version(ApiVersion::Legacy);
    let client = blocking::Client::new(builder.build().unwrap()).unwrap();
    // A JVM thread's default stack (-Xss) is 1 MiB; Android's and a Python thread's may be less.
    let thread = std::thread::Builder::new().stack_size(512 * 1024).spawn(move || {
        assert_eq!(client.peer_statuses().unwrap().len(), 3);
        for operation in ["peer_statuses", "ping", "api_generation", "extension_statuses"] {
            client.call_json(operation, serde_json::Value::Null).unwrap();
        }
        assert!(client.health(None::<String>, None::<String>).unwrap().reachable);
    });
    thread.unwrap().join().unwrap();
}
