//! The Rust row of `make bench`: sequential `peer_statuses` calls of this SDK (blocking and
//! async) against reqwest + serde into typed structs, in interleaved rounds, each call
//! decoding the answer into (id, state) pairs. Prints one JSON line per contender and round
//! (`bench/report.py` makes the table); `rss` mode runs one contender alone and prints its
//! peak resident memory.
//!
//! bench-rust rounds SMALL_URL BIG_URL ROUNDS
//! bench-rust rss ours|reqwest URL CALLS

use std::time::Instant;

use serde::Deserialize;

/// The legacy envelope, typed as a user of reqwest would type it.
#[derive(Deserialize)]
struct Envelope {
    result: bool,
    data: Vec<Peer>,
}

#[derive(Deserialize)]
struct Peer {
    id: String,
    state: String,
}

/// One way of getting the peers' (id, state) pairs.
trait Contender {
    fn name(&self) -> &'static str;
    fn call(&mut self) -> Vec<(String, String)>;
}

struct Ours {
    client: mikopbx::blocking::Client,
}

impl Contender for Ours {
    fn name(&self) -> &'static str {
        "mikopbx"
    }
    fn call(&mut self) -> Vec<(String, String)> {
        let peers = self.client.peer_statuses().expect("peer_statuses");
        peers.into_iter().map(|p| (p.id, p.state.as_str().to_owned())).collect()
    }
}

struct OursAsync {
    client: mikopbx::Client,
    runtime: tokio::runtime::Runtime,
}

impl Contender for OursAsync {
    fn name(&self) -> &'static str {
        "mikopbx async"
    }
    fn call(&mut self) -> Vec<(String, String)> {
        let peers = self.runtime.block_on(self.client.peer_statuses()).expect("peer_statuses");
        peers.into_iter().map(|p| (p.id, p.state.as_str().to_owned())).collect()
    }
}

struct Reqwest {
    client: reqwest::Client,
    url: String,
    runtime: tokio::runtime::Runtime,
}

impl Contender for Reqwest {
    fn name(&self) -> &'static str {
        "reqwest+serde"
    }
    fn call(&mut self) -> Vec<(String, String)> {
        let envelope: Envelope = self.runtime.block_on(async {
            let response = self.client.get(&self.url).send().await.expect("send");
            response.json::<Envelope>().await.expect("decode")
        });
        assert!(envelope.result, "result: true");
        envelope.data.into_iter().map(|p| (p.id, p.state)).collect()
    }
}

fn base(url: &str) -> String {
    url.split("/pbxcore/").next().unwrap_or(url).to_owned()
}

fn ours(url: &str) -> Ours {
    Ours { client: mikopbx::blocking::Client::new(config(url)).expect("client") }
}

fn config(url: &str) -> mikopbx::Config {
    mikopbx::Config::builder(base(url))
        .api_version(mikopbx::ApiVersion::Legacy)
        .pacing(mikopbx::Pacing::Off)
        .build()
        .expect("config")
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn reqwest(url: &str) -> Reqwest {
    Reqwest { client: reqwest::Client::new(), url: url.to_owned(), runtime: current_thread() }
}

/// Mean microseconds per call over `calls` calls.
fn timed(contender: &mut dyn Contender, calls: u32, expected: usize) -> f64 {
    let started = Instant::now();
    for _ in 0..calls {
        let pairs = contender.call();
        assert_eq!(pairs.len(), expected, "{} decoded every peer", contender.name());
        std::hint::black_box(pairs);
    }
    started.elapsed().as_secs_f64() * 1e6 / f64::from(calls)
}

fn rounds(small: &str, big: &str, rounds: u32) {
    for (size, url, calls) in [("small", small, 300), ("big", big, 8)] {
        let mut contenders: Vec<Box<dyn Contender>> = vec![
            Box::new(ours(url)),
            Box::new(OursAsync {
                client: mikopbx::Client::new(config(url)).expect("client"),
                runtime: current_thread(),
            }),
            Box::new(reqwest(url)),
        ];
        let expected = contenders[2].call().len();
        for contender in &mut contenders {
            // Warm: connection open, allocator and caches settled.
            timed(contender.as_mut(), calls.min(20), expected);
        }
        for round in 0..rounds {
            // A different order each round, so no contender always runs after the same one.
            let offset = round as usize % contenders.len();
            for index in 0..contenders.len() {
                let count = contenders.len();
                let contender = &mut contenders[(index + offset) % count];
                let us = timed(contender.as_mut(), calls, expected);
                println!(
                    "{}",
                    serde_json::json!({"surface": "rust", "size": size, "contender": contender.name(),
                                       "round": round, "us_per_call": us})
                );
            }
        }
    }
}

/// The peak resident memory of this program, `VmHWM` (getrusage's `ru_maxrss` would carry the
/// peak of the process that started this one across `execve`).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

fn rss(which: &str, url: &str, calls: u32) {
    let at_start = peak_rss_kib();
    let mut contender: Box<dyn Contender> = match which {
        "ours" => Box::new(ours(url)),
        _ => Box::new(reqwest(url)),
    };
    let expected = contender.call().len();
    timed(contender.as_mut(), calls, expected);
    println!(
        "{}",
        serde_json::json!({"surface": "rust", "size": "big", "contender": contender.name(),
                           "peak_rss_kib": peak_rss_kib(), "start_rss_kib": at_start})
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("rounds") if args.len() == 5 => rounds(&args[2], &args[3], args[4].parse().expect("ROUNDS")),
        Some("rss") if args.len() == 5 => rss(&args[2], &args[3], args[4].parse().expect("CALLS")),
        _ => {
            eprintln!("usage: bench-rust rounds SMALL_URL BIG_URL ROUNDS | bench-rust rss ours|reqwest URL CALLS");
            std::process::exit(2);
        }
    }
}
