//! `mikopbx exporter` scraped by a real Prometheus server (Debian's `prometheus` package,
//! which `make test` installs), with a legacy and a v3 simulator as targets.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{fresh_dir, promtool_check, runtime};
use mikopbx_sim::{ApiGeneration, Fault, FaultKind, Simulator, SimulatorOptions};
use serde_json::Value;

/// A child process that is killed if a test ends before stopping it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn write_private(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Starts `mikopbx exporter` with these arguments; returns it with its `host:port` (read from
/// its first line) and the rest of its standard output.
fn exporter(args: &[&str], env: &[(&str, &str)]) -> (Running, String, BufReader<ChildStdout>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mikopbx"));
    command.arg("exporter").args(["--listen", "127.0.0.1:0"]).args(args);
    for name in ["MIKOPBX_URL", "MIKOPBX_LOGIN", "MIKOPBX_PASSWORD", "MIKOPBX_API_KEY"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let address = line
        .split_whitespace()
        .find_map(|word| word.strip_prefix("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    (Running(child), address, stdout)
}

async fn get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// SIGTERM, then the exit status and everything the process wrote to stderr.
fn terminate(mut running: Running) -> (Option<i32>, String) {
    let pid = libc::pid_t::try_from(running.0.id()).unwrap();
    // SAFETY: kill(2) with a valid signal on our own child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the exporter did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    running.0.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (status.code(), stderr)
}

/// A port nobody listens on now, for Prometheus (which does not print the port it got for
/// `:0`).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn prometheus_scrapes_a_legacy_and_a_v3_pbx_through_the_exporter() {
    let rt = runtime();
    let legacy = simulator(&rt, ApiGeneration::Legacy);
    let v3 = simulator(&rt, ApiGeneration::V3);
    let dir = fresh_dir("exporter-prometheus");
    let (login, password) = (legacy.credentials().login, legacy.credentials().password);
    let password_file = dir.join("v3.password");
    write_private(&password_file, &format!("{}\n", v3.credentials().password));
    let config = dir.join("exporter.toml");
    std::fs::write(
        &config,
        format!(
            "[pbx.legacy]\nurl = \"{}\"\nlogin = \"{login}\"\npassword_env = \"TEST_LEGACY_PASSWORD\"\n\n\
             [pbx.v3]\nurl = \"{}\"\nlogin = \"{}\"\npassword_file = {password_file:?}\n",
            legacy.url(),
            v3.url(),
            v3.credentials().login,
        ),
    )
    .unwrap();
    let (exporter, address, _stdout) =
        exporter(&["--config", config.to_str().unwrap()], &[("TEST_LEGACY_PASSWORD", &password)]);

    let prometheus_port = free_port();
    let prometheus_yml = dir.join("prometheus.yml");
    std::fs::write(
        &prometheus_yml,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
             scrape_configs:\n\
             \x20 - job_name: mikopbx_exporter\n    static_configs:\n      - targets: ['{address}']\n\
             \x20 - job_name: mikopbx\n    metrics_path: /probe\n    static_configs:\n      - targets: [legacy, v3]\n\
             \x20   relabel_configs:\n\
             \x20     - source_labels: [__address__]\n        target_label: __param_target\n\
             \x20     - source_labels: [__param_target]\n        target_label: instance\n\
             \x20     - target_label: __address__\n        replacement: '{address}'\n"
        ),
    )
    .unwrap();
    let log = std::fs::File::create(dir.join("prometheus.log")).unwrap();
    let prometheus = Running(
        Command::new("prometheus")
            .arg(format!("--config.file={}", prometheus_yml.display()))
            .arg(format!("--storage.tsdb.path={}", dir.join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prometheus_port}"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("prometheus (Debian's prometheus package, installed by `make test`)"),
    );
    let api = format!("http://127.0.0.1:{prometheus_port}/api/v1");
    let query = |promql: &str| -> Vec<Value> {
        let url = reqwest::Url::parse_with_params(&format!("{api}/query"), [("query", promql)]).unwrap();
        let answer = rt.block_on(async {
            match reqwest::get(url).await {
                Ok(response) => response.json::<Value>().await.ok(),
                Err(_) => None,
            }
        });
        answer.and_then(|a| a["data"]["result"].as_array().cloned()).unwrap_or_default()
    };
    let value = |sample: &Value| sample["value"][1].as_str().unwrap_or_default().to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    let up = loop {
        let up = query("mikopbx_up{job=\"mikopbx\"}");
        if up.len() == 2 && up.iter().all(|sample| value(sample) == "1") {
            break up;
        }
        let log = std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default();
        assert!(Instant::now() < deadline, "Prometheus has no mikopbx_up of both targets: {up:?}\n{log}");
        std::thread::sleep(Duration::from_millis(250));
    };
    let mut instances: Vec<&str> = up.iter().filter_map(|s| s["metric"]["instance"].as_str()).collect();
    instances.sort_unstable();
    assert_eq!(instances, ["legacy", "v3"]);
    for instance in ["legacy", "v3"] {
        let online = query(&format!("mikopbx_extension_state{{instance=\"{instance}\",id=\"201\"}}"));
        assert_eq!(online.iter().map(value).collect::<Vec<_>>(), ["2"], "{instance}");
    }
    // Prometheus has scraped its exporter too, and a few probes later each PBX has still
    // been read once: the snapshot is kept for 30 s.
    let deadline = Instant::now() + Duration::from_secs(30);
    while query("mikopbx_exporter_probes_total{target=\"v3\"} >= 3").is_empty() {
        assert!(Instant::now() < deadline, "the exporter's own metrics never reached Prometheus");
        std::thread::sleep(Duration::from_millis(250));
    }
    let reads = query("mikopbx_exporter_pbx_reads_total");
    assert_eq!(reads.iter().map(value).collect::<Vec<_>>(), ["1", "1"], "{reads:?}");

    rt.block_on(async {
        let (status, own) = get(&format!("http://{address}/metrics")).await;
        assert_eq!(status, 200);
        assert!(own.contains("mikopbx_exporter_targets 2\n"), "{own}");
        promtool_check(&own);
        let (status, probe) = get(&format!("http://{address}/probe?target=v3")).await;
        assert_eq!(status, 200);
        assert!(probe.contains("\nmikopbx_up 1\n") && probe.contains("mikopbx_snapshot_age_seconds "), "{probe}");
        promtool_check(&probe);
        let (status, unknown) = get(&format!("http://{address}/probe?target=nope")).await;
        assert_eq!((status, unknown.as_str()), (404, "no target \"nope\" in the config file; it has: legacy, v3\n"));
        assert_eq!(get(&format!("http://{address}/probe")).await.0, 400);
    });
    let targets = rt.block_on(get(&format!("{api}/targets"))).1;
    drop(prometheus);

    let v3_requests = v3.stats().api_requests;
    let (code, stderr) = terminate(exporter);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("mikopbx exporter: stopped"), "{stderr}");
    assert_eq!(legacy.stats().active_sessions, 0, "SIGTERM ends the legacy session");
    // (A v3 access token stays valid until it expires: logout revokes the refresh token.)
    assert_eq!(v3.stats().api_requests, v3_requests + 1, "SIGTERM logs out of v3");
    for (sim, secret) in [(&legacy, &password), (&v3, &v3.credentials().password)] {
        let stats = sim.stats();
        assert_eq!((stats.logins, stats.login_attempts), (1, 1), "one session for the exporter's life");
        let log = std::fs::read_to_string(dir.join("prometheus.log")).unwrap();
        for seen in [&stderr, &targets, &log] {
            assert!(!seen.contains(secret.as_str()), "a password escaped: {seen}");
        }
    }
}

/// The PBX of the flags on `/metrics`: down is `mikopbx_up 0` (and one log line), back is 1,
/// with the same session.
#[test]
fn the_pbx_of_the_flags_is_on_metrics_down_and_back() {
    let rt = runtime();
    let sim = simulator(&rt, ApiGeneration::Legacy);
    let credentials = sim.credentials();
    let (exporter, address, _stdout) = exporter(
        &["--cache-seconds", "1", "--timeout", "3", "--exclude", "24*"],
        &[
            ("MIKOPBX_URL", sim.url()),
            ("MIKOPBX_LOGIN", &credentials.login),
            ("MIKOPBX_PASSWORD", &credentials.password),
        ],
    );
    let metrics = || rt.block_on(get(&format!("http://{address}/metrics")));
    let (status, text) = metrics();
    assert_eq!(status, 200);
    assert!(text.contains("\nmikopbx_up 1\n") && text.contains("mikopbx_extension_state{id=\"201\"} 2"), "{text}");
    assert!(!text.contains("id=\"241\""), "--exclude applies: {text}");
    assert!(text.contains("mikopbx_exporter_pbx_up{target=\"default\"} 1"), "{text}");
    promtool_check(&text);
    sim.add_fault(Fault::new(FaultKind::Drop).forever());
    std::thread::sleep(Duration::from_millis(1100));
    let (status, down) = metrics();
    assert_eq!(status, 200, "a scrape succeeds whatever the PBX's state");
    assert!(
        down.contains("\nmikopbx_up 0\n") && down.contains("pbx_read_failures_total{target=\"default\"} 1"),
        "{down}"
    );
    sim.clear_faults();
    std::thread::sleep(Duration::from_millis(1100));
    assert!(metrics().1.contains("\nmikopbx_up 1\n"));
    let (code, stderr) = terminate(exporter);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr.matches("default: cannot be read").count(), 1, "{stderr}");
    assert!(!stderr.contains(&credentials.password), "{stderr}");
    assert_eq!(sim.stats().logins, 1);
}

#[test]
fn bad_exporter_settings_are_usage_errors() {
    let dir = fresh_dir("exporter-usage");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mikopbx"))
            .arg("exporter")
            .args(args)
            .env_remove("MIKOPBX_URL")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, stderr) = run(&[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("give --url"), "{stderr}");
    let open = dir.join("open.toml");
    std::fs::write(&open, "[pbx.a]\nurl = \"http://127.0.0.1:9\"\nlogin = \"admin\"\npassword = \"s3cret\"\n").unwrap();
    let (code, stderr) = run(&["--config", open.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("chmod 600") && !stderr.contains("s3cret"), "{stderr}");
    let (code, stderr) = run(&["--url", "http://127.0.0.1:9", "--cache-seconds", "0.2"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("at least 1"), "{stderr}");
}

fn simulator(rt: &tokio::runtime::Runtime, api: ApiGeneration) -> Simulator {
    common::simulator(rt, SimulatorOptions { api, ..Default::default() })
}
