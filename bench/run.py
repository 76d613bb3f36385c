"""`make bench`: every surface of this SDK against the client its users would otherwise pick,
side by side on one machine (docs/performance.md).

nginx (Debian's package) serves a legacy `sip/getPeersStatuses` envelope from disk on
loopback: small (3 peers) and big (10,000 peers), plus 100 servers of the small one for the
asyncio fan-out. Each surface's program runs its contenders in interleaved rounds and prints
one JSON line per contender and round; this script turns them into per-round ratios (ours /
theirs, per call, lower is better) and prints their medians with the interquartile range.
Trust ratios, not absolute times: a shared 2-core machine is noisy.

    python3 bench/run.py [--rounds N] [--only rust,python,c,jvm,floor]
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
WORK = TARGET / "bench"
PATH = "pbxcore/api/sip/getPeersStatuses"
FANOUT_SERVERS = 100
SURFACES = ["floor", "rust", "python", "c", "jvm"]


def envelope(peers: int) -> bytes:
    """The legacy answer as 2024.1 sends it (docs/server-notes.md)."""
    if peers == 3:
        data = [{"id": "201", "state": "OK"}, {"id": "241", "state": "UNKNOWN"}, {"id": "240", "state": "UNKNOWN"}]
    else:
        data = [{"id": str(10000 + n), "state": "OK" if n % 3 else "UNKNOWN"} for n in range(peers)]
    document = {
        "result": True,
        "data": data,
        "messages": [],
        "function": "getPeersStatuses",
        "processor": "MikoPBX\\PBXCoreREST\\Lib\\SIPStackProcessor::callBack",
        "pid": 4821,
    }
    return json.dumps(document, separators=(",", ":")).replace("/", "\\/").encode()


def free_ports(count: int) -> List[int]:
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def start_nginx() -> Tuple[subprocess.Popen, str, str, List[str]]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    root = WORK / "nginx"
    shutil.rmtree(root, ignore_errors=True)
    for name, peers in (("small", 3), ("big", 10000)):
        file = root / name / PATH
        file.parent.mkdir(parents=True)
        file.write_bytes(envelope(peers))
    ports = free_ports(2 + FANOUT_SERVERS)
    servers = [(ports[0], "small"), (ports[1], "big")] + [(p, "small") for p in ports[2:]]
    blocks = "\n".join(
        f"  server {{ listen 127.0.0.1:{port}; root {root / name}; location / {{ default_type application/json; }} }}"
        for port, name in servers
    )
    (root / "nginx.conf").write_text(
        f"""daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
{blocks}
}}
"""
    )
    process = subprocess.Popen([nginx, "-p", str(root), "-c", str(root / "nginx.conf")], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", ports[-1]), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                sys.exit(f"nginx did not start: {process.stderr.read().decode() if process.stderr else ''}")
            time.sleep(0.05)
    url = lambda port: f"http://127.0.0.1:{port}/{PATH}"  # noqa: E731
    return process, url(ports[0]), url(ports[1]), [url(p) for p in ports[2:]]


def run(command: List[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
    print("+", " ".join(command), file=sys.stderr, flush=True)
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)


def lines(command: List[str], env: Optional[Dict[str, str]] = None) -> List[dict]:
    print("+", " ".join(command), file=sys.stderr, flush=True)
    output = subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.PIPE, env=env, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def floor(small: str, big: str) -> List[dict]:
    """wrk's mean latency per request on one connection: the loopback and nginx floor."""
    rows = []
    for size, url in (("small", small), ("big", big)):
        out = subprocess.run(["wrk", "-t1", "-c1", "-d3s", url], check=True, stdout=subprocess.PIPE, text=True).stdout
        for line in out.splitlines():
            words = line.split()
            if words[:1] == ["Requests/sec:"]:
                rows.append({"surface": "floor", "size": size, "contender": "wrk", "round": 0,
                             "us_per_call": 1e6 / float(words[1])})
    return rows


def rust(small: str, big: str, rounds: int) -> List[dict]:
    run(["cargo", "build", "--quiet", "--release", "-p", "mikopbx-bench"])
    binary = str(TARGET / "release" / "bench-rust")
    rows = lines([binary, "rounds", small, big, str(rounds)])
    for which in ("ours", "reqwest"):
        rows += lines([binary, "rss", which, big, "100"])
    return rows


def python(small: str, big: str, fanout: List[str], rounds: int) -> List[dict]:
    venv = WORK / "venv"
    python_bin = venv / "bin" / "python"
    if not python_bin.exists():
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(python_bin), "-m", "pip", "install", "--quiet", "maturin>=1.16,<1.17", "aiohttp", "requests", "httpx"])
    # A release wheel installed into the bench's own venv: an editable install would share
    # the extension in the source tree with whatever `maturin develop` built last.
    wheels = WORK / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    run([str(venv / "bin" / "maturin"), "build", "--quiet", "--release", "--out", str(wheels)])
    run([str(python_bin), "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps",
         *map(str, wheels.glob("*.whl"))])
    script = str(ROOT / "bench" / "python" / "bench_http.py")
    rows = lines([str(python_bin), script, "rounds", small, big, str(rounds)])
    url_file = WORK / "fanout-urls.txt"
    url_file.write_text("\n".join(fanout) + "\n")
    rows += lines([str(python_bin), script, "fanout", str(url_file), "1000", str(rounds)])
    return rows


def c(small: str, big: str, rounds: int) -> List[dict]:
    prefix = WORK / "prefix"
    run(["make", "--no-print-directory", "install", f"PREFIX={prefix}"])
    binary = WORK / "bench_c"
    run(["gcc", "-O2", "-std=c11", "-o", str(binary), "bench/c/bench.c", f"-I{prefix}/include", f"-L{prefix}/lib",
         "-lmikopbx", "-lcurl", "-lcjson", f"-Wl,-rpath,{prefix}/lib"])
    return lines([str(binary), small, big, str(rounds)])


def jvm(small: str, big: str, rounds: int) -> List[dict]:
    run(["make", "--no-print-directory", "kotlin-jar"])
    jar = next((ROOT / "bindings-kotlin" / "kotlin" / "target" / "release").glob("mikopbx-sdk-*[0-9].jar"))
    project = ROOT / "bench" / "jvm"
    run(["mvn", "-q", "-B", "-f", str(project / "pom.xml"), "package", f"-Dmikopbx.jar={jar}"])
    classpath = (project / "target" / "classpath.txt").read_text().strip()
    return lines(["java", "-cp", f"{project / 'target' / 'classes'}:{jar}:{classpath}", "BenchJvmKt", small, big,
                  str(rounds)])


def quartiles(values: List[float]) -> Tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], statistics.median(values), q[2]


def report(rows: List[dict]) -> None:
    print()
    print(f"{'surface':<24} {'size':<6} {'ours':>11}  {'contender':<18} {'theirs':>11}  ratio ours/theirs (p25–p75)")
    groups: Dict[Tuple[str, str], List[dict]] = {}
    for row in rows:
        groups.setdefault((row["surface"], row["size"]), []).append(row)
    for (surface, size), group in groups.items():
        by: Dict[str, Dict[int, float]] = {}
        for row in group:
            if "us_per_call" in row:
                by.setdefault(row["contender"], {})[row["round"]] = row["us_per_call"]
            elif "calls_per_s" in row:
                # Time per call, so that lower is better everywhere.
                by.setdefault(row["contender"], {})[row["round"]] = 1e6 / row["calls_per_s"]
        ours_names = [name for name in by if name.startswith("mikopbx")]
        for ours in ours_names:
            for theirs in (name for name in by if not name.startswith("mikopbx")):
                common = sorted(set(by[ours]) & set(by[theirs]))
                ratios = [by[ours][r] / by[theirs][r] for r in common]
                low, mid, high = quartiles(ratios)
                ours_us = statistics.median(by[ours][r] for r in common)
                theirs_us = statistics.median(by[theirs][r] for r in common)
                print(f"{surface:<24} {size:<6} {fmt(ours_us):>11}  {theirs:<18} {fmt(theirs_us):>11}  "
                      f"{mid:.2f}× ({low:.2f}–{high:.2f}) [{ours}]")
        if surface == "floor":
            for row in group:
                print(f"{surface:<24} {size:<6} {'':>11}  {'wrk, 1 connection':<18} {fmt(row['us_per_call']):>11}")
        for row in group:
            if "peak_rss_kib" in row:
                grown = (row["peak_rss_kib"] - row["start_rss_kib"]) / 1024
                print(f"{'rust peak RSS, 100 calls':<24} {size:<6} {row['contender']:<18} "
                      f"{row['peak_rss_kib'] / 1024:.1f} MiB ({grown:+.1f} MiB over the start)")


def fmt(us: float) -> str:
    return f"{us:.0f} µs" if us < 1000 else f"{us / 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "9")))
    parser.add_argument("--only", default=",".join(SURFACES))
    args = parser.parse_args()
    only = args.only.split(",")
    WORK.mkdir(parents=True, exist_ok=True)
    nginx, small, big, fanout = start_nginx()
    rows: List[dict] = []
    try:
        if "floor" in only:
            rows += floor(small, big)
        if "rust" in only:
            rows += rust(small, big, args.rounds)
        if "python" in only:
            rows += python(small, big, fanout, args.rounds)
        if "c" in only:
            rows += c(small, big, args.rounds)
        if "jvm" in only:
            rows += jvm(small, big, args.rounds)
    finally:
        nginx.terminate()
        nginx.wait()
    (WORK / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    report(rows)


if __name__ == "__main__":
    main()
