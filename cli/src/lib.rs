//! The `mikopbx` command-line tool. [`run`] is the whole program, so the Python package's
//! console script runs exactly the same code as the Rust binary.

/// `println!` through `output::emit`, which ends quietly on a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::output::emit(&format!("{}\n", format_args!($($arg)*))) };
}

mod config_file;
mod connection;
mod exporter;
mod monitoring;
mod output;
mod session_cache;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use connection::Connection;
use mikopbx::{ApiVersion, Config, ErrorKind, RequestBody, blocking::Client};
use mikopbx_sim::{Simulator, SimulatorOptions};
use serde_json::{Value, json};

use output::{Format, Printer};

/// Query and operate a MikoPBX PBX through its REST API.
///
/// Credentials can come from the environment so that they stay off the command line:
/// MIKOPBX_URL, MIKOPBX_LOGIN, MIKOPBX_PASSWORD, MIKOPBX_API_KEY; or from a profile of the
/// config file (--profile). Flags beat the environment, which beats the profile.
///
/// Exit codes: 0 ok, 2 usage, 3 authentication failed, 4 cannot connect / TLS / timeout,
/// 5 the server reported an error, 6 rate-limited (the server blocked this address), 1
/// anything else.
#[derive(Parser, Debug)]
#[command(name = "mikopbx", version)]
struct Cli {
    #[command(flatten)]
    connection: Connection,
    /// Log in for every run instead of keeping the session between runs (see `logout`).
    #[arg(long, global = true)]
    no_session_cache: bool,
    /// Output: aligned text for people, JSON for programs; `health` also speaks Prometheus's
    /// text format and a Nagios plugin's status line.
    #[arg(long, value_enum, default_value_t = FormatArg::Table, global = true)]
    format: FormatArg,
    /// Log what the client does to stderr: -v logins and session renewals, -vv every request,
    /// retry and pause (never a secret).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Prometheus,
    Nagios,
    ZabbixLld,
    Jsonl,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Registration state of every peer (extension).
    Peers,
    /// Detail of one peer: state and registered contact.
    Peer {
        /// Extension number, e.g. 201.
        id: String,
    },
    /// Registration state of every provider (SIP, then IAX).
    Providers,
    /// Print every change of the PBX as it happens (extensions, providers, calls, outages),
    /// starting with a snapshot; runs until interrupted. `--format jsonl`: one JSON object a
    /// line.
    Watch {
        /// Seconds between snapshots (default 30: the server refreshes extension statuses
        /// every 30 s).
        #[arg(long, value_name = "SECS", default_value_t = mikopbx::DEFAULT_WATCH_INTERVAL.as_secs_f64())]
        interval: f64,
        /// Only ids matching these comma-separated patterns (`*`, `?`).
        #[arg(long, value_name = "PATTERNS")]
        include: Option<String>,
        /// Leave out ids matching these patterns.
        #[arg(long, value_name = "PATTERNS")]
        exclude: Option<String>,
    },
    /// The status of every provider in one vocabulary (registered, unregistered, rejected,
    /// disabled, checking, unknown), with round-trip times on v3.
    ProviderStatus,
    /// Every extension's state with its registered devices.
    Extensions,
    /// One monitoring snapshot: reachability, extensions and providers in normalised states,
    /// calls in progress, problems. Exits 0 when there is no problem, 1 when there is one.
    Health {
        /// Only ids matching these comma-separated patterns (`*`, `?`), e.g. "2*,SIP-*".
        #[arg(long, value_name = "PATTERNS")]
        include: Option<String>,
        /// Leave out ids matching these patterns.
        #[arg(long, value_name = "PATTERNS")]
        exclude: Option<String>,
        /// Print one item's value for Zabbix instead: up, active_calls, extensions.online (or
        /// .offline, .unknown, .disabled), extension.state[ID], provider.status[ID],
        /// provider.problem[ID] (numbers as in the Prometheus format).
        #[arg(long, value_name = "KEY")]
        item: Option<String>,
        /// Nagios: WARNING from this many offline extensions.
        #[arg(long, value_name = "N")]
        warn_offline: Option<u64>,
        /// Nagios: CRITICAL from this many offline extensions.
        #[arg(long, value_name = "N")]
        crit_offline: Option<u64>,
        /// Nagios: WARNING from this many providers unregistered or rejected.
        #[arg(long, value_name = "N")]
        warn_providers: Option<u64>,
        /// Nagios: CRITICAL from this many providers unregistered or rejected (default 1
        /// unless --warn-providers is given).
        #[arg(long, value_name = "N")]
        crit_providers: Option<u64>,
    },
    /// The call history (v3 servers): one page, or every page with --all.
    Cdr {
        /// From this day or time on (PBX local time): 2026-01-15 or "2026-01-15 10:00:00".
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Up to this day (its end) or time.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Caller numbers containing this.
        #[arg(long, value_name = "NUMBER")]
        src: Option<String>,
        /// Called numbers containing this.
        #[arg(long, value_name = "NUMBER")]
        dst: Option<String>,
        /// ANSWERED, "NO ANSWER", BUSY or FAILED.
        #[arg(long, value_name = "D")]
        disposition: Option<String>,
        /// Rows per page, 1–1000 (server default 50).
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        /// Continue after this cursor (a page's next_cursor).
        #[arg(long, value_name = "CURSOR", conflicts_with = "all")]
        cursor: Option<String>,
        /// Every page, not only the first: prints the records of all of them.
        #[arg(long)]
        all: bool,
    },
    /// Every leg of the calls in progress.
    Calls,
    /// The legs of calls whose channels are live.
    Channels,
    /// Every address the firewall (fail2ban) bans.
    Bans,
    /// Lift every ban of an address.
    Unban {
        /// The banned IP address.
        ip: String,
    },
    /// The PBX's version, uptime and clock.
    Sysinfo {
        /// Print the server's whole diagnostic report instead.
        #[arg(long)]
        report: bool,
    },
    /// Check that the server answers (no authentication needed).
    Ping,
    /// Call any API endpoint and print its JSON answer.
    Request {
        /// HTTP method, e.g. GET or POST.
        method: String,
        /// Path such as /pbxcore/api/system/getDate (or the short system/getDate).
        path: String,
        /// JSON body to send.
        #[arg(long, value_name = "JSON")]
        data: Option<String>,
    },
    /// List the operations of the SDK (every one can be run with `call`).
    Ops,
    /// Run any operation by name, e.g. `mikopbx call peer --args '{"id": "201"}'`; prints its
    /// result as a table, or as JSON with `--format json`.
    Call {
        /// Operation name, as `mikopbx ops` lists it.
        operation: String,
        /// The operation's arguments as a JSON object.
        #[arg(long, value_name = "JSON")]
        args: Option<String>,
    },
    /// Serve Prometheus metrics over HTTP until SIGTERM or Ctrl-C: `/metrics` has the
    /// exporter's own metrics and, with --url, that PBX's; `/probe?target=NAME` has the
    /// metrics of a PBX of the --config file (one exporter for many PBXes, as
    /// blackbox_exporter). A PBX is read at most once per cache period, with one session for
    /// the exporter's whole life. See docs/exporter.md.
    Exporter {
        /// Address to listen on; port 0 picks a free one (printed at start).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9745")]
        listen: std::net::SocketAddr,
        /// A TOML file of PBXes (`[pbx.NAME]`: url, login, password_env or password_file or
        /// password_command, ...), served on /probe?target=NAME.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Seconds a snapshot is served before the PBX is read again (default 30, the
        /// server's own refresh period; at least 1). Overrides the file's [exporter] value.
        #[arg(long, value_name = "SECS")]
        cache_seconds: Option<f64>,
        /// Only ids matching these comma-separated patterns (the PBX of --url).
        #[arg(long, value_name = "PATTERNS")]
        include: Option<String>,
        /// Leave out ids matching these patterns (the PBX of --url).
        #[arg(long, value_name = "PATTERNS")]
        exclude: Option<String>,
    },
    /// The server's TLS certificate: its SHA-256 fingerprint (for --pin-sha256) and whether
    /// this system trusts it. Trust on first use, the way ssh shows a host key: one TLS
    /// handshake, no request, no credentials sent.
    Cert,
    /// Print a shell completion script, e.g. `mikopbx completions bash >
    /// ~/.local/share/bash-completion/completions/mikopbx`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `mikopbx man | man -l -`.
    Man,
    /// End the session kept between runs (login and password) on the server and forget it.
    Logout,
    /// Start the built-in simulator and show its peers, peer 201 and providers.
    Demo,
}

/// Runs the tool with these arguments (the first is the program name) and returns the exit
/// code. Writes results to standard output and errors, one line, to standard error.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = command_line().try_get_matches_from(args).and_then(|matches| {
        let cli = Cli::from_arg_matches(&matches)?;
        Ok((cli, matches))
    });
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    if cli.verbose > 0 {
        let level = match cli.verbose {
            1 => mikopbx::LogLevel::Info,
            2 => mikopbx::LogLevel::Debug,
            _ => mikopbx::LogLevel::Trace,
        };
        // The CLI has no tracing subscriber of its own, so this cannot be refused.
        let _ = mikopbx::set_log_sink(Some(level), |record| {
            eprintln!("mikopbx: {}: {}", record.level.as_str(), output::printable(record.message));
        });
    }
    let printer = Printer::new(match cli.format {
        FormatArg::Table | FormatArg::Prometheus | FormatArg::Nagios | FormatArg::ZabbixLld => Format::Table,
        FormatArg::Json | FormatArg::Jsonl => Format::Json,
    });
    match execute(&cli, &matches, &printer) {
        Ok(()) => 0,
        Err(failure) => {
            // A Nagios status has said it all on stdout.
            if !failure.message.is_empty() {
                eprintln!("mikopbx: {}", output::printable(&failure.message));
            }
            failure.code
        }
    }
}

pub(crate) struct Failure {
    code: i32,
    message: String,
    /// The server has no such endpoint (a 404): after resuming a kept session, the sign of a
    /// server that changed its API generation since (an upgrade, or another PBX at the URL).
    not_found: bool,
}

impl From<mikopbx::Error> for Failure {
    fn from(error: mikopbx::Error) -> Self {
        let code = match error.kind() {
            ErrorKind::InvalidInput => 2,
            ErrorKind::Authentication => 3,
            ErrorKind::Transport | ErrorKind::Tls | ErrorKind::Timeout => 4,
            ErrorKind::Api | ErrorKind::Http => 5,
            ErrorKind::Decode | ErrorKind::Unsupported | ErrorKind::Internal => 1,
            ErrorKind::RateLimited => 6,
        };
        let mut message = error.to_string();
        if error.kind() == ErrorKind::Authentication && !error.server_messages().is_empty() {
            message = format!("{message} (server: {})", error.server_messages().join("; "));
        }
        let not_found = matches!(error, mikopbx::Error::Http { status: 404, .. });
        Failure { code, message, not_found }
    }
}

impl Failure {
    /// An exit code with its message (none: the output has said it all).
    fn exit(code: i32, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into(), not_found: false }
    }
}

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure::exit(2, message)
}

/// Commands that talk to no PBX, whose help leaves out the connection flags.
const OFFLINE_COMMANDS: &[&str] = &["demo", "ops", "completions", "man"];

/// The clap definition. The offline commands get their own hidden copies of the connection
/// flags, which keeps the global ones out of their help (clap propagates a global flag only
/// where no flag of that name exists) and their values out of the connection.
fn command_line() -> clap::Command {
    let command = Cli::command();
    let session_cache = command.get_arguments().filter(|arg| arg.get_id() == "no_session_cache").cloned();
    let hidden: Vec<clap::Arg> =
        connection::flags().into_iter().chain(session_cache).map(|arg| arg.global(false).hide(true)).collect();
    OFFLINE_COMMANDS.iter().fold(command, |command, name| {
        command.mut_subcommand(name, |sub| hidden.iter().fold(sub, |sub, arg| sub.arg(arg.clone())))
    })
}

fn execute(cli: &Cli, matches: &ArgMatches, printer: &Printer) -> Result<(), Failure> {
    if matches!(cli.format, FormatArg::Prometheus | FormatArg::Nagios) && !matches!(cli.command, Command::Health { .. })
    {
        return Err(usage("--format prometheus and --format nagios are for `mikopbx health`"));
    }
    if let Some((name, sub)) = matches.subcommand()
        && OFFLINE_COMMANDS.contains(&name)
    {
        let given =
            |arg: &clap::Arg| sub.value_source(arg.get_id().as_str()) == Some(clap::parser::ValueSource::CommandLine);
        if let Some(flag) = connection::flags().into_iter().find(given) {
            return Err(usage(format!("`{name}` uses no --{}", flag.get_long().unwrap_or_default())));
        }
    }
    match &cli.command {
        Command::Demo => return demo(printer),
        Command::Exporter { listen, config, cache_seconds, include, exclude } => {
            return exporter(cli, matches, *listen, config.as_deref(), *cache_seconds, include, exclude);
        }
        Command::Ops => {
            printer.operations(mikopbx::OPERATIONS);
            return Ok(());
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut command_line(), "mikopbx", &mut script);
            output::emit(&String::from_utf8_lossy(&script));
            return Ok(());
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command_line())
                .render(&mut page)
                .map_err(|e| Failure::exit(1, format!("cannot write the manual page: {e}")))?;
            output::emit(&String::from_utf8_lossy(&page));
            return Ok(());
        }
        Command::Cert => return certificate(cli, matches, printer),
        _ => {}
    }
    let options = cli.connection.options(matches)?;
    let login = options.login.clone();
    let config = options.into_config()?;
    let client = Client::new(config.clone())?;
    // With a login, the session is kept between runs (`session_cache`).
    let cache = match (&login, cli.no_session_cache) {
        (Some(login), false) if client.config().credentials().is_password() => {
            session_cache::SessionCache::new(client.config().base_url().as_str(), login)
        }
        _ => None,
    };
    let resumed = cache.as_ref().and_then(session_cache::SessionCache::load).is_some_and(|saved| client.resume(&saved));
    let mut outcome = command(cli, printer, &client);
    let mut client = client;
    if resumed && outcome.as_ref().is_err_and(|f| f.not_found) {
        // The kept session names the generation; the server no longer has it. Forget it and
        // ask again with a fresh client (which probes the generation).
        client = Client::new(config)?;
        outcome = command(cli, printer, &client);
    }
    if let Some(cache) = &cache {
        // A refused session is not kept, nor one that `logout` ended.
        let keep = !matches!(cli.command, Command::Logout) && !outcome.as_ref().is_err_and(|f| f.code == 3);
        match client.saved_session().filter(|_| keep) {
            Some(saved) => cache.store(&saved),
            None => cache.remove(),
        }
    }
    outcome
}

fn command(cli: &Cli, printer: &Printer, client: &Client) -> Result<(), Failure> {
    match &cli.command {
        Command::Peers => printer.peers(&client.peer_statuses()?),
        Command::Peer { id } => printer.peer(&client.peer(id)?),
        Command::Providers => printer.providers(&client.provider_registrations()?),
        Command::Watch { interval, include, exclude } => {
            let interval = mikopbx::seconds("--interval", *interval)?;
            let options = mikopbx::WatchOptions { interval, include: include.clone(), exclude: exclude.clone() };
            for event in client.watch(options) {
                printer.watch_event(&event?);
            }
        }
        Command::ProviderStatus => printer.result(&client.call_json("provider_statuses", Value::Null)?),
        Command::Extensions => printer.result(&client.call_json("extension_statuses", Value::Null)?),
        Command::Health { include, exclude, item, warn_offline, crit_offline, warn_providers, crit_providers } => {
            let health = client.health(include.clone(), exclude.clone())?;
            if let Some(key) = item {
                let code = if health.reachable { 2 } else { 1 };
                let value = monitoring::zabbix_item(&health, key).map_err(|message| Failure::exit(code, message))?;
                outln!("{value}");
                return Ok(());
            }
            match cli.format {
                FormatArg::ZabbixLld => printer.json_document(&monitoring::zabbix_discovery(&health)),
                // A scrape succeeds whatever the PBX's state: `mikopbx_up` says it.
                FormatArg::Prometheus => output::emit(&monitoring::prometheus(&health)),
                FormatArg::Nagios => {
                    let thresholds = monitoring::Thresholds {
                        warn_offline: *warn_offline,
                        crit_offline: *crit_offline,
                        warn_providers: *warn_providers,
                        crit_providers: *crit_providers,
                    };
                    let (line, code) = monitoring::nagios(&health, thresholds);
                    outln!("{}", output::printable(&line));
                    if code != monitoring::OK {
                        return Err(Failure::exit(code, ""));
                    }
                }
                FormatArg::Table | FormatArg::Json | FormatArg::Jsonl => {
                    printer.health(&health);
                    if !health.problems.is_empty() {
                        return Err(Failure::exit(1, health.problems.join("; ")));
                    }
                }
            }
        }
        Command::Cdr { from, to, src, dst, disposition, limit, cursor, all } => {
            let filters = json!({"date_from": from, "date_to": to, "src_num": src, "dst_num": dst,
                                 "disposition": disposition, "limit": limit});
            if *all {
                let query = mikopbx::CdrQuery::from_json(filters)?;
                let records = client.cdr_records(query).collect::<mikopbx::Result<Vec<_>>>()?;
                printer.result(&mikopbx::Output::into_json(records))
            } else {
                let mut arguments = filters;
                arguments["cursor"] = json!(cursor);
                let page = client.call_json("cdr", arguments)?;
                if printer.format() == Format::Table {
                    printer.result(&page["records"]);
                    if let Some(next) = page["next_cursor"].as_str() {
                        eprintln!("more: --cursor {next} (or --all); {} rows from this page on", page["total"]);
                    }
                } else {
                    printer.result(&page)
                }
            }
        }
        Command::Calls => printer.result(&client.call_json("active_calls", Value::Null)?),
        Command::Channels => printer.result(&client.call_json("active_channels", Value::Null)?),
        Command::Bans => printer.result(&client.call_json("banned_ips", Value::Null)?),
        Command::Unban { ip } => client.unban_ip(ip)?,
        Command::Sysinfo { report: true } => {
            client.system_info()?.report.lines().for_each(|line| outln!("{}", output::printable(line)))
        }
        Command::Sysinfo { report: false } => {
            let mut info = client.call_json("system_info", Value::Null)?;
            // The report is pages of text: `--report` prints it, `--format json` keeps it.
            if printer.format() == Format::Table
                && let Some(fields) = info.as_object_mut()
            {
                fields.remove("report");
            }
            printer.result(&info)
        }
        Command::Ping => printer.ping(client.config().base_url().as_str(), client.ping()?),
        Command::Request { method, path, data } => {
            if method.eq_ignore_ascii_case("GET") && data.is_some() {
                return Err(usage("GET sends no body: put the parameters in the path, e.g. 'sip/getSipPeer?peer=201'"));
            }
            let body = match data {
                Some(text) => Some(RequestBody::Json(
                    serde_json::from_str(text).map_err(|e| usage(format!("--data is not valid JSON: {e}")))?,
                )),
                None => None,
            };
            printer.json_document(&client.request(method, path, Vec::new(), body)?)
        }
        Command::Call { operation, args } => {
            let arguments = match args {
                Some(text) => {
                    serde_json::from_str(text).map_err(|e| usage(format!("--args is not valid JSON: {e}")))?
                }
                None => Value::Null,
            };
            printer.result(&client.call_json(operation, arguments)?)
        }
        Command::Logout => client.logout()?,
        Command::Demo
        | Command::Ops
        | Command::Exporter { .. }
        | Command::Completions { .. }
        | Command::Man
        | Command::Cert => unreachable!("handled above"),
    }
    Ok(())
}

/// `mikopbx cert`: the server's certificate, for trust on first use (a handshake only).
fn certificate(cli: &Cli, matches: &ArgMatches, printer: &Printer) -> Result<(), Failure> {
    let options = cli.connection.options(matches)?;
    let timeout = options.timeout.unwrap_or(mikopbx::DEFAULT_REQUEST_TIMEOUT);
    let shown = mikopbx::block_on(mikopbx::server_certificate(&options.url, timeout))??;
    match printer.format() {
        Format::Json => printer.json_document(&shown),
        Format::Table => {
            outln!("{}", shown.address);
            outln!("SHA-256   {}", shown.sha256_colons);
            match &shown.untrusted_reason {
                None => outln!("trusted   yes (by this system's certificate authorities)"),
                Some(reason) => outln!("trusted   no: {}", output::printable(reason)),
            }
            outln!("\nIf that is your PBX's certificate (compare the fingerprint on the PBX itself), use it with:");
            outln!("  --pin-sha256 {}", shown.sha256);
        }
    }
    Ok(())
}

/// `mikopbx exporter`: the PBX of the flags (if a URL is given) and those of the file.
fn exporter(
    cli: &Cli,
    matches: &ArgMatches,
    listen: std::net::SocketAddr,
    file: Option<&std::path::Path>,
    cache_seconds: Option<f64>,
    include: &Option<String>,
    exclude: &Option<String>,
) -> Result<(), Failure> {
    if !cli.connection.names_a_pbx() && file.is_none() {
        return Err(usage(
            "give --url or --profile (a PBX on /metrics) or --config (PBXes on /probe?target=NAME), or both",
        ));
    }
    let own = match cli.connection.names_a_pbx() {
        true => Some(exporter::TargetSpec {
            name: "default".to_owned(),
            config: cli.connection.options(matches)?.into_config()?,
            polling: config_file::polling(cache_seconds, include.clone(), exclude.clone()).map_err(usage)?,
        }),
        false => None,
    };
    let mut targets = Vec::new();
    if let Some(path) = file {
        let mut file = config_file::ConfigFile::read(path).map_err(usage)?;
        file.exporter.cache_seconds = cache_seconds.or(file.exporter.cache_seconds);
        for (name, pbx) in file.pbxes().map_err(usage)? {
            let config = pbx.options.into_config().map_err(|e| usage(format!("[pbx.{name}]: {e}")))?;
            targets.push(exporter::TargetSpec { name, config, polling: pbx.polling });
        }
    }
    mikopbx::block_on(exporter::serve(listen, own, targets))?.map_err(|message| Failure::exit(1, message))
}

/// The project's main job on an embedded default: a simulated PBX queried over HTTP with a
/// real login.
fn demo(printer: &Printer) -> Result<(), Failure> {
    let simulator = mikopbx::block_on(Simulator::start(SimulatorOptions::default()))?
        .map_err(|e| Failure::exit(1, format!("cannot start the simulator: {e}")))?;
    let credentials = simulator.credentials();
    let config = Config::builder(simulator.url())
        .login(&credentials.login, &credentials.password)
        .api_version(ApiVersion::Auto)
        .build()?;
    let client = Client::new(config)?;
    let peers = client.peer_statuses()?;
    let peer = client.peer("201")?;
    let providers = client.provider_registrations()?;
    let generation = client.api_generation()?;
    client.logout()?;
    match printer.format() {
        Format::Json => printer.json_document(&json!({
            "url": simulator.url(),
            "api_generation": generation.as_str(),
            "peers": peers,
            "peer": peer,
            "providers": providers,
        })),
        Format::Table => {
            outln!(
                "MikoPBX simulator at {} ({} API), logged in as {:?}\n",
                simulator.url(),
                generation,
                credentials.login
            );
            outln!("Peers:");
            printer.peers(&peers);
            outln!("\nPeer 201:");
            printer.peer(&peer);
            outln!("\nProviders:");
            printer.providers(&providers);
        }
    }
    Ok(())
}
