//! The `mikopbx` binary against the simulator: output formats and exit codes.

use std::process::{Command, Output};

mod common;

use common::runtime;
use mikopbx_sim::{Fault, FaultKind, Simulator, SimulatorOptions};
use serde_json::{Value, json};

fn start(rt: &tokio::runtime::Runtime) -> Simulator {
    rt.block_on(Simulator::start(SimulatorOptions::default())).unwrap()
}

/// Where the tests' `mikopbx` keeps sessions between runs (never the user's own cache).
fn cache_dir(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// Runs `mikopbx` with the simulator's URL and credentials in the environment.
fn mikopbx(sim: &Simulator, password: &str, args: &[&str]) -> Output {
    mikopbx_caching_in(&cache_dir("session-cache"), sim, password, args)
}

fn mikopbx_caching_in(cache: &std::path::Path, sim: &Simulator, password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mikopbx"))
        .args(args)
        .env("MIKOPBX_URL", sim.url())
        .env("MIKOPBX_LOGIN", "admin")
        .env("MIKOPBX_PASSWORD", password)
        .env("XDG_CACHE_HOME", cache)
        .env_remove("MIKOPBX_API_KEY")
        .output()
        .expect("runs")
}

fn json_out(output: &Output) -> Value {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

#[test]
fn json_output_shapes() {
    let rt = runtime();
    let sim = start(&rt);
    let peers = json_out(&mikopbx(&sim, "adminpassword", &["peers", "--format", "json"]));
    assert_eq!(peers, json!([{"id":"201","state":"OK"},{"id":"241","state":"UNKNOWN"},{"id":"240","state":"UNKNOWN"}]));
    let providers = json_out(&mikopbx(&sim, "adminpassword", &["--format", "json", "providers"]));
    assert_eq!(
        providers[0],
        json!({"id":"SIP-1601534775","technology":"sip","state":"OFF","username":"316811","host":"sip.zadarma.com"})
    );
    let peer = json_out(&mikopbx(&sim, "adminpassword", &["peer", "201", "--format", "json"]));
    assert_eq!((&peer["id"], &peer["state"], &peer["status"]), (&json!("201"), &json!("OK"), &json!("Reachable")));
    assert_eq!((&peer["roundtrip_usec"], &peer["reg_expire"]), (&json!(5871), &json!(1643110170)));
    let unknown = json_out(&mikopbx(&sim, "adminpassword", &["peer", "999", "--format", "json"]));
    assert_eq!((&unknown["state"], unknown.get("uri")), (&json!("UNKNOWN"), None));
    let date = json_out(&mikopbx(&sim, "adminpassword", &["request", "GET", "/pbxcore/api/system/getDate"]));
    assert!(date["data"]["timestamp"].is_u64());
    let sip = json_out(&mikopbx(
        &sim,
        "adminpassword",
        &["request", "POST", "sip/getSipPeer", "--data", r#"{"peer":"201"}"#],
    ));
    assert_eq!(sip["data"]["AOR"], "201");
}

#[test]
fn table_output_is_aligned_text() {
    let rt = runtime();
    let sim = start(&rt);
    let out = mikopbx(&sim, "adminpassword", &["peers"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ID   STATE\n201  OK\n241  UNKNOWN\n240  UNKNOWN\n");
    let out = mikopbx(&sim, "adminpassword", &["ping"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("PONG from "));
}

#[test]
fn exit_codes() {
    let rt = runtime();
    let sim = start(&rt);
    let code = |out: Output| (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned());

    let (status, stderr) = code(mikopbx(&sim, "wrong-secret", &["peers"]));
    assert_eq!(status, Some(3), "{stderr}");
    assert!(stderr.contains("Authorization failed") && !stderr.contains("wrong-secret"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");

    let (status, stderr) = code(mikopbx(&sim, "adminpassword", &["request", "GET", "sip/noSuchAction"]));
    assert_eq!(status, Some(5), "{stderr}");

    let (status, _) = code(mikopbx(&sim, "adminpassword", &["frobnicate"]));
    assert_eq!(status, Some(2));
    let (status, stderr) =
        code(Command::new(env!("CARGO_BIN_EXE_mikopbx")).arg("peers").env_remove("MIKOPBX_URL").output().unwrap());
    assert_eq!(status, Some(2), "{stderr}");
    let (status, _) = code(mikopbx(&sim, "adminpassword", &["request", "GET", "x", "--data", "{not json"]));
    assert_eq!(status, Some(2));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (status, stderr) =
        code(Command::new(env!("CARGO_BIN_EXE_mikopbx")).args(["--url", &url, "ping"]).output().unwrap());
    assert_eq!(status, Some(4), "{stderr}");

    sim.add_fault(Fault::new(FaultKind::Html).on_path("/pbxcore/api/sip/getPeersStatuses"));
    let (status, stderr) = code(mikopbx(&sim, "adminpassword", &["peers"]));
    assert_eq!(status, Some(1), "{stderr}");
}

#[test]
fn https_trust_flags() {
    let rt = runtime();
    let sim = rt.block_on(Simulator::start(SimulatorOptions { https: true, ..Default::default() })).unwrap();
    let pin = sim.certificate_sha256().unwrap().to_owned();
    assert_eq!(mikopbx(&sim, "adminpassword", &["--pin-sha256", &pin, "peers"]).status.code(), Some(0));
    assert_eq!(mikopbx(&sim, "adminpassword", &["--insecure", "peers"]).status.code(), Some(0));
    assert_eq!(mikopbx(&sim, "adminpassword", &["peers"]).status.code(), Some(4));
    let wrong = "00".repeat(32);
    assert_eq!(mikopbx(&sim, "adminpassword", &["--pin-sha256", &wrong, "peers"]).status.code(), Some(4));
}

#[test]
fn demo_shows_peers_peer_and_providers() {
    let out = Command::new(env!("CARGO_BIN_EXE_mikopbx")).args(["demo", "--format", "json"]).output().unwrap();
    let demo = json_out(&out);
    assert_eq!(demo["peers"].as_array().map(Vec::len), Some(3));
    assert_eq!(demo["peer"]["id"], "201");
    assert_eq!(demo["providers"].as_array().map(Vec::len), Some(2));
}

#[test]
fn the_same_commands_give_the_same_json_on_both_generations() {
    let rt = runtime();
    let legacy = start(&rt);
    let modern = rt
        .block_on(Simulator::start(SimulatorOptions { api: mikopbx_sim::ApiGeneration::V3, ..Default::default() }))
        .unwrap();
    for command in [&["peers", "--format", "json"][..], &["providers", "--format", "json"]] {
        assert_eq!(
            json_out(&mikopbx(&legacy, "adminpassword", command)),
            json_out(&mikopbx(&modern, "adminpassword", command))
        );
    }
    let old = json_out(&mikopbx(&legacy, "adminpassword", &["peer", "201", "--format", "json"]));
    let new = json_out(&mikopbx(&modern, "adminpassword", &["peer", "201", "--format", "json"]));
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&old), keys(&new), "same shape");
    for field in ["id", "state", "status", "via_address", "user_agent"] {
        assert_eq!(old[field], new[field], "{field}");
    }
}

#[test]
fn api_key_from_the_environment_on_v3() {
    let rt = runtime();
    let modern = rt
        .block_on(Simulator::start(SimulatorOptions { api: mikopbx_sim::ApiGeneration::V3, ..Default::default() }))
        .unwrap();
    let key = modern.state().api_keys[0].clone();
    let out = Command::new(env!("CARGO_BIN_EXE_mikopbx"))
        .args(["--api-version", "v3", "peers", "--format", "json"])
        .env("MIKOPBX_URL", modern.url())
        .env("MIKOPBX_API_KEY", &key)
        .env_remove("MIKOPBX_LOGIN")
        .env_remove("MIKOPBX_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(json_out(&out).as_array().map(Vec::len), Some(3));
    assert_eq!(modern.stats().login_attempts, 0);
    let out = Command::new(env!("CARGO_BIN_EXE_mikopbx"))
        .args(["peers"])
        .env("MIKOPBX_URL", modern.url())
        .env("MIKOPBX_API_KEY", "bad-key-value")
        .env_remove("MIKOPBX_LOGIN")
        .env_remove("MIKOPBX_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("bad-key-value"));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mikopbx"))
        .arg("demo")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(first.starts_with("MikoPBX simulator at"));
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn repeated_runs_reuse_one_session_and_logout_ends_it() {
    use std::os::unix::fs::PermissionsExt;
    let rt = runtime();
    for api in [mikopbx_sim::ApiGeneration::Legacy, mikopbx_sim::ApiGeneration::V3] {
        let sim = rt.block_on(Simulator::start(SimulatorOptions { api, ..Default::default() })).unwrap();
        let cache = cache_dir(&format!("reuse-{}", sim.url().rsplit(':').next().unwrap()));
        let _ = std::fs::remove_dir_all(&cache);
        // 2024.1 refuses the tenth login in five minutes; fifteen runs need one.
        for _ in 0..15 {
            let out = mikopbx_caching_in(&cache, &sim, "adminpassword", &["peers"]);
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        }
        assert_eq!(sim.stats().login_attempts, 1, "{api:?}: one login for fifteen runs");
        let files: Vec<_> =
            std::fs::read_dir(cache.join("mikopbx/sessions")).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only the user can read it");
        assert!(!String::from_utf8_lossy(&std::fs::read(&files[0]).unwrap()).contains("adminpassword"));

        let out = mikopbx_caching_in(&cache, &sim, "adminpassword", &["logout"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!files[0].exists(), "logout forgets the session");
        if api == mikopbx_sim::ApiGeneration::Legacy {
            // (A v3 access token stays valid until it expires; logout revokes the refresh token.)
            assert_eq!(sim.stats().active_sessions, 0, "logout ended the session on the server");
        }

        for _ in 0..2 {
            mikopbx_caching_in(&cache, &sim, "adminpassword", &["--no-session-cache", "peers"]);
        }
        assert_eq!(sim.stats().login_attempts, 3, "without the cache every run logs in");
    }
}

#[test]
fn absurd_timeouts_are_usage_errors() {
    let rt = runtime();
    let sim = start(&rt);
    for timeout in ["1e20", "inf", "NaN", "0", "-1"] {
        let out = mikopbx(&sim, "adminpassword", &["--timeout", timeout, "peers"]);
        assert_eq!(out.status.code(), Some(2), "{timeout}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn server_strings_cannot_forge_table_rows() {
    let rt = runtime();
    let sim = start(&rt);
    let mut fields = serde_json::Map::new();
    fields.insert("host".into(), json!("evil\r\nSIP-FAKE  REGISTERED\u{1b}[2J\u{0}"));
    sim.set_provider("SIP-1601534775", fields);
    let out = mikopbx(&sim, "adminpassword", &["providers"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text.lines().count(), 3, "a header and two providers: {text}");
    assert!(text.contains("evil\\r\\nSIP-FAKE") && !text.contains('\u{1b}'), "{text}");
}

/// `mikopbx ops` lists the core's operations table, and every operation runs through `call`
/// with its example arguments on both generations, in the shape of the named commands.
#[test]
fn every_operation_runs_through_call() {
    let rt = runtime();
    for api in [mikopbx_sim::ApiGeneration::Legacy, mikopbx_sim::ApiGeneration::V3] {
        let sim = rt.block_on(Simulator::start(SimulatorOptions { api, ..Default::default() })).unwrap();
        let cache = cache_dir(&format!("call-{api:?}"));
        let run = |args: &[&str]| json_out(&mikopbx_caching_in(&cache, &sim, "adminpassword", args));
        let listed = run(&["ops", "--format", "json"]);
        let names: Vec<&str> = listed.as_array().unwrap().iter().map(|op| op["name"].as_str().unwrap()).collect();
        let expected: Vec<&str> = mikopbx::OPERATIONS.iter().map(|op| op.name).collect();
        assert_eq!(names, expected);
        for op in mikopbx::OPERATIONS {
            if api == mikopbx_sim::ApiGeneration::Legacy && op.name == "cdr" {
                // 2024.1 has no call history: exit 1 with the reason.
                let out = mikopbx_caching_in(&cache, &sim, "adminpassword", &["call", "cdr"]);
                assert_eq!(out.status.code(), Some(1));
                assert!(String::from_utf8_lossy(&out.stderr).contains("not in the REST API of MikoPBX 2024.1"));
                continue;
            }
            let result = run(&["call", op.name, "--args", op.example, "--format", "json"]);
            match op.name {
                "api_generation" => {
                    assert_eq!(result, json!(if api == mikopbx_sim::ApiGeneration::V3 { "v3" } else { "legacy" }))
                }
                "ping" => assert!(result["rtt_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{result}"),
                "login" | "logout" => assert_eq!(result, Value::Null),
                "peer_statuses" => assert_eq!(result, run(&["peers", "--format", "json"])),
                "peer" => assert_eq!(result, run(&["peer", "201", "--format", "json"])),
                "provider_registrations" => assert_eq!(result, run(&["providers", "--format", "json"])),
                "provider_statuses" => {
                    // The times move when the server's 10 s cache is refreshed between the runs.
                    let ids =
                        |list: &Value| list.as_array().map(|l| l.iter().map(|p| p["id"].clone()).collect::<Vec<_>>());
                    assert_eq!(ids(&result), ids(&run(&["provider-status", "--format", "json"])))
                }
                "extension_statuses" => assert_eq!(result, run(&["extensions", "--format", "json"])),
                "system_info" => assert_eq!(result["version"], run(&["sysinfo", "--format", "json"])["version"]),
                "cdr" => {
                    let ids = |page: &Value| {
                        page["records"].as_array().map(|r| r.iter().map(|r| r["id"].clone()).collect::<Vec<_>>())
                    };
                    assert_eq!(ids(&result), ids(&run(&["cdr", "--limit", "20", "--format", "json"])))
                }
                "request" => assert_eq!(result["result"], json!(true), "{result}"),
                // Every other operation: it ran (exit 0) and printed JSON (`json_out`).
                _ => {}
            }
        }
        let out = mikopbx_caching_in(&cache, &sim, "adminpassword", &["call", "peer", "--args", "{}"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("missing argument \"id\""));
    }
}

/// The named monitoring commands print tables of the operations' results; `call` does too.
#[test]
fn monitoring_commands_print_tables() {
    let rt = runtime();
    let sim = start(&rt);
    let ban = json!({"jail": "asterisk_public_v2", "timeofban": 1700000000, "timeunban": 4102444800_u64, "v": "2"});
    sim.patch_state(&json!({"banned_ips": {"10.0.0.9": {"country": "", "countryName": "", "bans": [ban]}}})).unwrap();
    let cache = cache_dir("monitoring");
    let text = |args: &[&str]| {
        let out = mikopbx_caching_in(&cache, &sim, "adminpassword", args);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let bans = text(&["bans"]);
    assert!(bans.starts_with("IP        JAIL                BANNED_AT             UNBAN_AT"), "{bans}");
    assert!(bans.contains("\n10.0.0.9  asterisk_public_v2  2023-11-14T22:13:20Z  2100-01-01T00:00:00Z"), "{bans}");
    assert_eq!(text(&["unban", "10.0.0.9"]), "");
    assert_eq!(text(&["bans"]), "");
    assert_eq!(text(&["calls"]), "");
    let peer = text(&["call", "peer", "--args", r#"{"id": "201"}"#]);
    assert!(peer.lines().any(|line| line.starts_with("state ") && line.ends_with(" OK")), "{peer}");
}

/// `cdr` prints one page and says how to go on; `--all` walks every page; `sysinfo` leaves
/// the report out of its table.
#[test]
fn call_history_pages_and_sysinfo() {
    let rt = runtime();
    let sim = rt
        .block_on(Simulator::start(SimulatorOptions { api: mikopbx_sim::ApiGeneration::V3, ..Default::default() }))
        .unwrap();
    let cache = cache_dir("cdr");
    let run = |args: &[&str]| mikopbx_caching_in(&cache, &sim, "adminpassword", args);
    let page = run(&["cdr", "--limit", "5"]);
    assert_eq!(page.status.code(), Some(0));
    let table = String::from_utf8_lossy(&page.stdout);
    assert!(table.starts_with("ID  LINKEDID") && table.lines().count() == 6, "{table}");
    assert!(String::from_utf8_lossy(&page.stderr).contains("more: --cursor 5"), "{:?}", page.stderr);
    let all = json_out(&run(&["cdr", "--all", "--limit", "120", "--format", "json"]));
    let ids: Vec<u64> = all.as_array().unwrap().iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=300).collect::<Vec<_>>());
    let sysinfo = String::from_utf8_lossy(&run(&["sysinfo"]).stdout).into_owned();
    assert!(
        sysinfo.starts_with("version ") && sysinfo.contains("uptime_seconds") && !sysinfo.contains("report"),
        "{sysinfo}"
    );
    let report = String::from_utf8_lossy(&run(&["sysinfo", "--report"]).stdout).into_owned();
    assert!(report.contains(" PBXVersion ") && report.contains("2026.1.223"), "{report}");
}

/// `health` prints the snapshot and exits 1 while something needs attention.
#[test]
fn health_summarises_and_exits_on_problems() {
    let rt = runtime();
    let sim = start(&rt);
    let cache = cache_dir("health");
    let run = |args: &[&str]| mikopbx_caching_in(&cache, &sim, "adminpassword", args);
    let fine = run(&["health"]);
    let text = String::from_utf8_lossy(&fine.stdout).into_owned();
    assert_eq!(fine.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("PBX reachable (legacy), 0 call(s) in progress; extensions: 1 online, 2 offline"),
        "{text}"
    );
    assert!(text.contains("\nSIP-1601534845  sip   registered"), "{text}");
    sim.patch_state(&json!({"providers": [{"state": "REJECTED", "id": "SIP-T", "username": "u", "host": "h"}]}))
        .unwrap();
    let failing = run(&["health", "--exclude", "24*"]);
    assert_eq!(failing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failing.stderr).contains("provider SIP-T (u@h) is rejected"));
    let json = run(&["health", "--include", "201", "--format", "json"]);
    assert_eq!(json.status.code(), Some(0), "the filter leaves the rejected provider out");
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["extensions"], json!([{"id": "201", "state": "online", "server_state": "OK"}]));
}

/// `health --format prometheus` is the text exposition format (checked by Prometheus's own
/// `promtool`, which `make test` installs from Debian's packages); `--format nagios` exits
/// with the plugin codes of each threshold.
#[test]
fn health_for_prometheus_and_nagios() {
    let rt = runtime();
    let sim = start(&rt);
    let cache = cache_dir("health-formats");
    let run = |args: &[&str]| mikopbx_caching_in(&cache, &sim, "adminpassword", args);
    let scrape = run(&["health", "--format", "prometheus"]);
    assert_eq!(scrape.status.code(), Some(0));
    let text = String::from_utf8_lossy(&scrape.stdout).into_owned();
    assert!(text.contains("\nmikopbx_up 1\n") && text.contains("mikopbx_extension_state{id=\"201\"} 2"), "{text}");
    assert!(text.contains("mikopbx_provider_registration_status{id=\"SIP-1601534845\",technology=\"sip\",host=\"sip.zadarma.com\",username=\"316\"} 1"), "{text}");
    common::promtool_check(&text);

    let nagios = |extra: &[&str]| {
        let mut args = vec!["health", "--format", "nagios"];
        args.extend_from_slice(extra);
        let out = run(&args);
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, line) = nagios(&[]);
    assert_eq!(code, Some(0), "{line}");
    assert!(
        line.starts_with("MIKOPBX OK - 1 online, 2 offline extensions; 0 of 1 providers down")
            && line.contains(" | online=1;;;0 offline=2;;;0"),
        "{line}"
    );
    assert_eq!(nagios(&["--warn-offline", "2"]).0, Some(1));
    assert_eq!(nagios(&["--warn-offline", "1", "--crit-offline", "2"]).0, Some(2));
    assert_eq!(nagios(&["--warn-offline", "3"]).0, Some(0));
    sim.patch_state(&json!({"providers": [{"state": "UNREGISTERED", "id": "SIP-T", "username": "u", "host": "h"}]}))
        .unwrap();
    assert_eq!(nagios(&[]).0, Some(2), "a provider down is critical by default");
    assert_eq!(nagios(&["--warn-providers", "1"]).0, Some(1));
    assert_eq!(nagios(&["--exclude", "SIP-*"]).0, Some(0));
    sim.add_fault(mikopbx_sim::Fault::new(mikopbx_sim::FaultKind::Drop).forever());
    let (code, line) = nagios(&["--timeout", "5"]);
    assert_eq!(code, Some(2), "an unreachable PBX is critical: {line}");
    assert!(line.starts_with("MIKOPBX CRITICAL - "), "{line}");
    let down = run(&["health", "--format", "prometheus", "--timeout", "5"]);
    assert_eq!(down.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&down.stdout).contains("\nmikopbx_up 0\n"));
    assert_eq!(run(&["peers", "--format", "nagios"]).status.code(), Some(2), "only for health");
}

/// A kept session of a server that has since changed its API generation (an upgrade from
/// 2024.1 to 2026.1 at the same URL) is dropped instead of failing every run.
#[test]
fn a_kept_session_of_another_generation_is_dropped() {
    let rt = runtime();
    let cache = cache_dir("upgraded");
    let _ = std::fs::remove_dir_all(&cache);
    let old = start(&rt);
    assert_eq!(mikopbx_caching_in(&cache, &old, "adminpassword", &["peers"]).status.code(), Some(0));
    let address: std::net::SocketAddr = old.url().trim_start_matches("http://").parse().unwrap();
    old.stop();
    drop(old);
    // The old one lets go of its port as its server task ends.
    let options = SimulatorOptions { api: mikopbx_sim::ApiGeneration::V3, bind: address, ..Default::default() };
    let upgraded = (0..100)
        .find_map(|_| {
            rt.block_on(Simulator::start(options.clone()))
                .inspect_err(|_| std::thread::sleep(std::time::Duration::from_millis(50)))
                .ok()
        })
        .expect("the port is free again");
    let out = mikopbx_caching_in(&cache, &upgraded, "adminpassword", &["peers"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ID   STATE\n201  OK\n241  UNKNOWN\n240  UNKNOWN\n");
}

/// `health --format zabbix-lld` is low-level discovery JSON; `--item` prints one value.
#[test]
fn health_for_zabbix() {
    let rt = runtime();
    let sim = start(&rt);
    let cache = cache_dir("health-zabbix");
    let run = |args: &[&str]| mikopbx_caching_in(&cache, &sim, "adminpassword", args);
    let discovery = json_out(&run(&["health", "--format", "zabbix-lld"]));
    assert_eq!(discovery[0], json!({"{#EXTENSION}": "201", "{#STATE}": "online"}));
    assert_eq!(
        discovery[4],
        json!({"{#PROVIDERID}": "SIP-1601534845", "{#TECHNOLOGY}": "sip", "{#HOST}": "sip.zadarma.com", "{#USERNAME}": "316"})
    );
    let value = |key: &str| {
        let out = run(&["health", "--item", key]);
        (out.status.code(), String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    assert_eq!(value("up"), (Some(0), "1".to_owned()));
    assert_eq!(value("extensions.offline"), (Some(0), "2".to_owned()));
    assert_eq!(value("extension.state[201]"), (Some(0), "2".to_owned()));
    assert_eq!(value("provider.status[SIP-1601534845]"), (Some(0), "1".to_owned()));
    assert_eq!(value("provider.problem[SIP-1601534775]"), (Some(0), "0".to_owned()));
    assert_eq!(value("extension.state[999]").0, Some(2));
    assert_eq!(value("nonsense").0, Some(2));
}

/// `watch --format jsonl` prints the snapshot, then each change as a JSON line, until killed.
#[test]
fn watch_prints_json_lines() {
    use std::io::BufRead;
    let rt = runtime();
    let sim = start(&rt);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mikopbx"))
        .args(["watch", "--interval", "0.2", "--format", "jsonl", "--no-session-cache"])
        .env("MIKOPBX_URL", sim.url())
        .env("MIKOPBX_LOGIN", "admin")
        .env("MIKOPBX_PASSWORD", "adminpassword")
        .env_remove("MIKOPBX_API_KEY")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut event = || serde_json::from_str::<Value>(&lines.next().unwrap().unwrap()).unwrap();
    let first = event();
    assert_eq!((first["kind"].as_str(), first["snapshot"]["extensions_online"].as_u64()), (Some("snapshot"), Some(1)));
    sim.patch_state(&json!({"providers": [{"state": "REJECTED", "id": "SIP-1601534845", "username": "316", "host": "sip.zadarma.com"}]}))
        .unwrap();
    let mut changes = vec![event(), event()];
    changes.sort_by_key(|c| c["id"].as_str().map(str::to_owned));
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(changes[0]["id"], "SIP-1601534775", "{changes:?}");
    assert_eq!(
        (changes[0]["kind"].as_str(), changes[0]["old_state"].as_str(), changes[0]["new_state"].as_str()),
        (Some("provider_changed"), Some("disabled"), None)
    );
    assert_eq!(
        (changes[1]["old_state"].as_str(), changes[1]["new_state"].as_str()),
        (Some("registered"), Some("rejected"))
    );
    assert_eq!(sim.stats().logins, 1);
}
