//! `mikopbx-sim`: runs the simulator until interrupted. The first line printed is its URL.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use mikopbx_sim::{ApiGeneration, PbxState, Simulator, SimulatorOptions};

/// A faithful simulator of the MikoPBX REST API: the legacy API of MikoPBX ≤ 2024.x or the
/// v3 API of 2025.1+.
///
/// Prints its URL as the first line of standard output, then (with --https) the SHA-256
/// fingerprint of its self-signed certificate. Control endpoints live under /__sim/; faults
/// are posted to /__sim/faults as JSON with a "kind": status, delay, truncated, html, drop,
/// endless, huge {bytes}, answer {status, body, content_type, headers}, echo {status},
/// redirect {status, location} (see the README).
#[derive(Parser, Debug)]
#[command(name = "mikopbx-sim", version)]
struct Args {
    /// API generation: legacy (MikoPBX ≤ 2024.x) or v3 (2025.1+).
    #[arg(long, default_value = "legacy")]
    api: ApiGeneration,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Serve HTTPS with a generated self-signed certificate.
    #[arg(long)]
    https: bool,
    /// Write the generated certificate (PEM) to this file.
    #[arg(long, value_name = "FILE", requires = "https")]
    cert_out: Option<std::path::PathBuf>,
    /// PBX state (credentials, peers, providers) as JSON; default: the built-in demo PBX.
    #[arg(long, value_name = "FILE")]
    state: Option<std::path::PathBuf>,
    /// Let requests from 127.0.0.1 skip authentication, as the real server does.
    #[arg(long)]
    trust_loopback: bool,
    /// Seconds of inactivity after which a session expires.
    #[arg(long, default_value_t = 3600)]
    session_idle: u64,
    /// The server's login limit per 300 seconds: legacy refuses the N-th attempt of a client
    /// address, v3 refuses every login after N failures.
    #[arg(long, default_value_t = 10)]
    login_limit: u32,
    /// Lifetime of v3 access tokens, in seconds.
    #[arg(long, default_value_t = 900)]
    token_ttl: u64,
    /// Seconds past expiry that a v3 access token is still accepted.
    #[arg(long, default_value_t = 600)]
    token_leeway: u64,
    /// 2026.1's per-address rate limit: REQUESTS per WINDOW seconds, then a block of BLOCK
    /// seconds (doubling per offence); alone, the real server's 200/60/300.
    #[arg(long, value_name = "REQUESTS/WINDOW[/BLOCK]", num_args = 0..=1, default_missing_value = "200/60/300")]
    rate_limit: Option<mikopbx_sim::RateLimit>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let state = match &args.state {
        None => PbxState::default(),
        Some(path) => {
            match std::fs::read_to_string(path).map_err(|e| e.to_string()).and_then(|t| PbxState::from_json(&t)) {
                Ok(state) => state,
                Err(e) => {
                    eprintln!("mikopbx-sim: cannot load {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            }
        }
    };
    let options = SimulatorOptions {
        api: args.api,
        access_token_ttl: Duration::from_secs(args.token_ttl),
        token_leeway: Duration::from_secs(args.token_leeway),
        bind: args.listen,
        https: args.https,
        trust_loopback: args.trust_loopback,
        state,
        session_idle: Duration::from_secs(args.session_idle),
        login_limit: args.login_limit,
        rate_limit: args.rate_limit,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("mikopbx-sim: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let sim = match Simulator::start(options).await {
            Ok(sim) => sim,
            Err(e) => {
                eprintln!("mikopbx-sim: cannot listen on {}: {e}", args.listen);
                return ExitCode::FAILURE;
            }
        };
        println!("{}", sim.url());
        if let Some(sha) = sim.certificate_sha256() {
            println!("sha256 {sha}");
        }
        if let (Some(path), Some(pem)) = (&args.cert_out, sim.certificate_pem())
            && let Err(e) = std::fs::write(path, pem)
        {
            eprintln!("mikopbx-sim: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("mikopbx-sim: serving; login {:?}; stop with Ctrl-C", sim.credentials().login);
        wait_for_stop().await;
        ExitCode::SUCCESS
    })
}

async fn wait_for_stop() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async { match terminate.as_mut() { Some(s) => { s.recv().await; } None => std::future::pending().await } } => {}
    }
}
