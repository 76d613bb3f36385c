//! What operators use every day: profiles, which credentials win, the TLS certificate for
//! trust on first use, completions and the manual page, logging, and refused nonsense.

use std::process::{Command, Output};

mod common;

use common::{fresh_dir, runtime, simulator};
use mikopbx_sim::{ApiGeneration, SimulatorOptions};
use serde_json::Value;

/// `mikopbx` with nothing of the caller's environment that could pick a PBX, plus `env`.
fn mikopbx(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mikopbx"));
    command.args(args).arg("--no-session-cache");
    for name in
        ["MIKOPBX_URL", "MIKOPBX_LOGIN", "MIKOPBX_PASSWORD", "MIKOPBX_API_KEY", "MIKOPBX_PROFILE", "MIKOPBX_CONFIG"]
    {
        command.env_remove(name);
    }
    command.envs(env.iter().copied()).output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_profile_names_the_pbx_and_flags_and_environment_beat_it() {
    use std::os::unix::fs::PermissionsExt;
    let rt = runtime();
    let sim = simulator(&rt, SimulatorOptions::default());
    let dir = fresh_dir("operator-profiles");
    let config = dir.join("config.toml");
    let text = format!(
        "[pbx.office]\nurl = \"{}\"\nlogin = \"admin\"\npassword_env = \"OFFICE_PASSWORD\"\n\n\
         [pbx.lab]\nurl = \"http://127.0.0.1:9\"\n",
        sim.url()
    );
    std::fs::write(&config, text).unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = config.to_str().unwrap();
    let env = [("MIKOPBX_CONFIG", config), ("OFFICE_PASSWORD", "adminpassword")];
    let peers = stdout(&mikopbx(&["--profile", "office", "peers", "--format", "json"], &env));
    assert_eq!(serde_json::from_str::<Value>(&peers).unwrap().as_array().map(Vec::len), Some(3));
    // The profile from the environment, the same way.
    let env_profile = [("MIKOPBX_CONFIG", config), ("OFFICE_PASSWORD", "adminpassword"), ("MIKOPBX_PROFILE", "office")];
    assert!(stdout(&mikopbx(&["peers"], &env_profile)).starts_with("ID"));
    // A flag beats the profile: --url sends the profile's credentials elsewhere… to the
    // same simulator here, and a wrong --password beats the profile's right one.
    let wrong = mikopbx(&["--profile", "office", "--password", "nope", "peers"], &env);
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    let unknown = mikopbx(&["--profile", "home", "peers"], &env);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("no [pbx.home]") && stderr(&unknown).contains("lab, office"),
        "{}",
        stderr(&unknown)
    );
    let unset = mikopbx(&["--profile", "office", "peers"], &[("MIKOPBX_CONFIG", config)]);
    assert_eq!(unset.status.code(), Some(2));
    assert!(stderr(&unset).contains("OFFICE_PASSWORD"), "{}", stderr(&unset));
    assert_eq!(sim.stats().login_attempts, 3, "the two runs that logged in, and the wrong password");
}

#[test]
fn credentials_given_as_flags_beat_the_environment() {
    let rt = runtime();
    let sim = simulator(&rt, SimulatorOptions { api: ApiGeneration::V3, ..Default::default() });
    let key = sim.state().api_keys[0].clone();
    let url = sim.url().to_owned();
    // An API key flag beats a login and password from the environment.
    let env = [("MIKOPBX_URL", url.as_str()), ("MIKOPBX_LOGIN", "admin"), ("MIKOPBX_PASSWORD", "wrong")];
    assert!(stdout(&mikopbx(&["--api-key", &key, "peers"], &env)).starts_with("ID"));
    assert_eq!(sim.stats().login_attempts, 0, "the environment's login was not tried");
    // A login flag takes its password from the environment, and beats an environment key.
    let env = [("MIKOPBX_URL", url.as_str()), ("MIKOPBX_PASSWORD", "adminpassword"), ("MIKOPBX_API_KEY", "bad-key")];
    assert!(stdout(&mikopbx(&["peers", "--login", "admin"], &env)).starts_with("ID"));
    assert_eq!(sim.stats().login_attempts, 1);
    let both = mikopbx(&["--login", "admin", "--api-key", &key, "peers"], &env);
    assert_eq!(both.status.code(), Some(2));
    assert!(stderr(&both).contains("not both"), "{}", stderr(&both));
}

#[test]
fn cert_shows_the_fingerprint_to_pin_and_the_tls_error_says_what_to_do() {
    let rt = runtime();
    let sim = simulator(&rt, SimulatorOptions { https: true, ..Default::default() });
    let pin = sim.certificate_sha256().unwrap().replace(':', "").to_ascii_lowercase();
    let env = [("MIKOPBX_URL", sim.url()), ("MIKOPBX_LOGIN", "admin"), ("MIKOPBX_PASSWORD", "adminpassword")];
    let shown = stdout(&mikopbx(&["cert"], &env));
    assert!(shown.contains(&format!("--pin-sha256 {pin}")) && shown.contains("trusted   no"), "{shown}");
    let json: Value = serde_json::from_str(&stdout(&mikopbx(&["cert", "--format", "json"], &env))).unwrap();
    assert_eq!((json["sha256"].as_str(), json["trusted"].as_bool()), (Some(pin.as_str()), Some(false)));
    let refused = mikopbx(&["peers"], &env);
    assert_eq!(refused.status.code(), Some(4));
    assert!(stderr(&refused).contains(&format!("--pin-sha256 {pin}")), "{}", stderr(&refused));
    assert!(stdout(&mikopbx(&["--pin-sha256", &pin, "peers"], &env)).starts_with("ID"));
    assert_eq!(sim.stats().login_attempts, 1, "cert and the refused run sent no credentials");
    let plain = mikopbx(&["cert", "--url", "http://127.0.0.1:9"], &[]);
    assert_eq!(plain.status.code(), Some(2));
}

#[test]
fn completions_and_the_manual_page_come_from_the_definition() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&mikopbx(&["completions", shell], &[]));
        assert!(script.contains("exporter") && script.contains("--pin-sha256"), "{shell}");
    }
    let page = stdout(&mikopbx(&["man"], &[]));
    assert!(page.contains(".TH mikopbx 1") && page.contains("exporter"), "{page}");
}

#[test]
fn offline_commands_show_and_take_no_connection_flags() {
    let help = stdout(&mikopbx(&["demo", "--help"], &[]));
    assert!(help.contains("--format") && !help.contains("--url") && !help.contains("--password"), "{help}");
    let refused = mikopbx(&["demo", "--url", "http://127.0.0.1:9"], &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("`demo` uses no --url"), "{}", stderr(&refused));
    // From the environment they are simply not used.
    assert!(stdout(&mikopbx(&["demo"], &[("MIKOPBX_URL", "http://127.0.0.1:9")])).starts_with("MikoPBX simulator"));
    assert!(stdout(&mikopbx(&["peers", "--help"], &[])).contains("--url"));
}

#[test]
fn a_get_request_takes_no_body() {
    let out = mikopbx(&["request", "GET", "sip/getSipPeer", "--data", "{}"], &[("MIKOPBX_URL", "http://127.0.0.1:9")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("GET sends no body"), "{}", stderr(&out));
}

#[test]
fn verbose_runs_log_requests_and_logins_without_secrets() {
    let rt = runtime();
    let sim = simulator(&rt, SimulatorOptions::default());
    let env = [("MIKOPBX_URL", sim.url()), ("MIKOPBX_LOGIN", "admin"), ("MIKOPBX_PASSWORD", "adminpassword")];
    let quiet = mikopbx(&["peers"], &env);
    assert!(quiet.stderr.is_empty(), "{}", stderr(&quiet));
    let info = mikopbx(&["-v", "peers"], &env);
    assert!(
        stderr(&info).contains("mikopbx: info: logging in") && !stderr(&info).contains("request"),
        "{}",
        stderr(&info)
    );
    let debug = mikopbx(&["peers", "-vv"], &env);
    let log = stderr(&debug);
    assert!(log.contains("mikopbx: debug: request method=GET") && log.contains("response"), "{log}");
    assert!(!log.contains("adminpassword") && !log.to_ascii_lowercase().contains("phpsessid="), "{log}");
}
