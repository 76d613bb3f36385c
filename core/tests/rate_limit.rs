//! Staying under 2026.1's rate limit by pacing, the cap on requests in flight, and the
//! lock-out reported as its own error (docs/server-notes.md, "Rate limit"). The simulator's
//! limit is scaled down (130 requests a second instead of 200 a minute) so that the tests
//! stay fast; the client's pacing is scaled with it.

mod common;

use std::time::Duration;

use common::{client, config_for, sim_with};
use mikopbx::{ErrorKind, Pacing};
use mikopbx_sim::{self as sim, RateLimit, SimulatorOptions};

fn scaled_limit() -> SimulatorOptions {
    SimulatorOptions {
        api: sim::ApiGeneration::V3,
        rate_limit: Some(RateLimit { requests: 130, window: Duration::from_secs(1), block: Duration::from_secs(300) }),
        ..Default::default()
    }
}

/// 500 calls from 8 threads sharing one client.
fn burst(client: &mikopbx::Client, calls: usize) -> Vec<mikopbx::Result<usize>> {
    let per_thread = calls / 8;
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let client = mikopbx::blocking::Client::from(client.clone());
                scope
                    .spawn(move || (0..per_thread).map(|_| client.peer_statuses().map(|p| p.len())).collect::<Vec<_>>())
            })
            .collect();
        threads.into_iter().flat_map(|t| t.join().expect("thread")).collect()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paced_burst_of_500_calls_never_trips_the_limit() {
    let pbx = sim_with(scaled_limit()).await;
    // 100 a second in bursts of 20: at most 120 in any second, under the 130 allowed.
    let paced = client(config_for(&pbx).pacing(Pacing::PerMinute(6000)).request_timeout(Duration::from_secs(60)));
    let results = tokio::task::spawn_blocking(move || burst(&paced, 504)).await.unwrap();
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "{} calls failed, first: {:?}", failed.len(), failed.first());
    assert_eq!(results.len(), 504);
    let stats = pbx.stats();
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    assert!(stats.peak_in_flight <= u64::from(mikopbx::DEFAULT_MAX_IN_FLIGHT), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unpaced_the_same_burst_is_locked_out_and_the_client_stops_sending() {
    let pbx = sim_with(scaled_limit()).await;
    let unpaced = client(config_for(&pbx).pacing(Pacing::Off));
    let results = tokio::task::spawn_blocking(move || {
        let results = burst(&unpaced, 504);
        (results, unpaced)
    })
    .await
    .unwrap();
    let (results, unpaced) = results;
    let locked = results.iter().filter_map(|r| r.as_ref().err()).find(|e| e.kind() == ErrorKind::RateLimited);
    let err = locked.expect("an unpaced burst trips the limit");
    assert!(err.to_string().contains("rate limit has blocked this address"), "{err}");
    assert!(err.retry_after().is_some_and(|d| d >= Duration::from_secs(200)), "{err:?}");
    // Later calls fail at once, without a request.
    let refused = pbx.stats().rate_limited;
    let again = unpaced.peer_statuses().await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::RateLimited, "{again}");
    assert_eq!(pbx.stats().rate_limited, refused);
    assert_eq!(again.details()["kind"], "rate_limited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacing_that_cannot_fit_the_timeout_says_so_at_once() {
    let pbx = sim_with(SimulatorOptions { api: sim::ApiGeneration::V3, ..Default::default() }).await;
    // One request a minute with a burst of one: the login takes it, the call would wait 60 s.
    let slow = client(config_for(&pbx).pacing(Pacing::PerMinute(1)).request_timeout(Duration::from_secs(5)));
    let started = std::time::Instant::now();
    let err = slow.peer_statuses().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err}");
    assert!(err.to_string().contains("pacing (1 requests a minute)"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "failed without waiting for the timeout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_of_one_server_share_the_cap_on_requests_in_flight() {
    let pbx = sim_with(SimulatorOptions { api: sim::ApiGeneration::V3, ..Default::default() }).await;
    let clients: Vec<_> = (0..4).map(|_| client(config_for(&pbx).max_in_flight(2))).collect();
    let calls = clients.iter().flat_map(|c| (0..8).map(move |_| c.peer_statuses()));
    for result in futures_util::future::join_all(calls).await {
        result.unwrap();
    }
    assert!(pbx.stats().peak_in_flight <= 2, "{:?}", pbx.stats());
}
