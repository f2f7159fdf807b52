"""API benchmark: upload throughput and worker memory, and list latency under concurrency.

Runs gunicorn (this repo's gunicorn.conf.py) on a fresh DATA_DIR and measures, from outside:
  1. uploading a generated CSV of --upload-mb MB: MB/s and the peak RSS of the gunicorn
     worker that handled it (VmHWM), as a multiple of the file size (target < 5x);
  2. GET /api/v1/datasets with --datasets datasets in the history, --clients concurrent
     clients (closed loop, keep-alive): p50/p95/p99 latency (target p99 < 100 ms), and the CPU
     per request of the server's workers and of the load generator, which shares the machine
     (scripts/http_load.py: one thread drives every connection);
  3. streams: --clients clients list datasets for --stream-seconds while one user holds
     --streams job event streams open (target: no request fails), against the same load
     without streams, and under stock gthread workers (the peer: streams holding threads);
  4. login-flood: --clients clients list datasets, alone and while --flooders threads send
     wrong passwords back to back; the others' p99 both ways and the flood's answers.
Upload and list run on each store of --store, side by side in one run: `embedded` (SQLite in a
fresh DATA_DIR), `mongodb` (MONGO_URI when set, each scenario on a new database; else a local
SecantusDB server this script starts and stops, scripts/local_mongo.py), or `both` (the default
when MONGO_URI is set).

    .venv/bin/python scripts/bench_api.py                 # the full run (50 MB, 1,000 datasets, 50 clients)
    .venv/bin/python scripts/bench_api.py --quick         # a smoke run
    .venv/bin/python scripts/bench_api.py --scenarios streams,login-flood
Prints a table and writes bench_results/api.json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts import http_load  # noqa: E402
from scripts.processes import free_port, stop  # noqa: E402
from tests.jobs.processes import wait_until_up  # noqa: E402


def make_csv(path: Path, size_mb: float) -> int:
    """A realistic mixed-type CSV of about size_mb megabytes."""
    import numpy as np

    rng = np.random.default_rng(0)
    target = int(size_mb * 1024 * 1024)
    cities = np.array(["Paris", "Berlin", "Rome", "Madrid", "Lisbon", "Vienna", "Prague", "Oslo"])
    with open(path, "w") as f:
        f.write("id,date,city,price,quantity,score,flag\n")
        written, row = 0, 0
        while written < target:
            n = 20_000
            ids = np.arange(row, row + n)
            dates = np.datetime64("2020-01-01") + (ids % 1500).astype("timedelta64[D]")
            lines = [
                f"{i},{d},{c},{p:.2f},{q},{s:.5f},{'true' if fl else 'false'}\n"
                for i, d, c, p, q, s, fl in zip(
                    ids,
                    dates,
                    cities[rng.integers(0, len(cities), n)],
                    rng.uniform(1, 1000, n),
                    rng.integers(0, 500, n),
                    rng.normal(size=n),
                    rng.integers(0, 2, n),
                    strict=True,
                )
            ]
            chunk = "".join(lines)
            f.write(chunk)
            written += len(chunk)
            row += n
    return path.stat().st_size


class Client:
    def __init__(self, port: int, token: str | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.token = token

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def json(self, method: str, path: str, payload=None):
        status, body = self.request(
            method,
            path,
            json.dumps(payload).encode() if payload is not None else None,
            {"Content-Type": "application/json"},
        )
        return status, json.loads(body or b"null")

    def upload(self, data_path: Path, filename: str) -> tuple[int, dict]:
        boundary = uuid.uuid4().hex
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        size = len(head) + data_path.stat().st_size + len(tail)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(size),
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.conn.putrequest("POST", "/api/v1/datasets")
        for k, v in headers.items():
            self.conn.putheader(k, v)
        self.conn.endheaders()
        self.conn.send(head)
        with open(data_path, "rb") as f:
            while chunk := f.read(1 << 20):
                self.conn.send(chunk)
        self.conn.send(tail)
        response = self.conn.getresponse()
        return response.status, json.loads(response.read() or b"null")


def start_gunicorn(
    data_dir: Path,
    port: int,
    workers: int | None,
    threads: int | None,
    *,
    env_extra: dict[str, str] | None = None,
    worker_class: str | None = None,
) -> subprocess.Popen:
    """gunicorn with this repo's config; workers/threads None keep the config's defaults;
    `worker_class` overrides the config's (the streams scenario's peer: stock gthread)."""
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "warning",
        "MAX_UPLOAD_MB": "500",
        **(env_extra or {}),
    }
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    if threads:
        env["GUNICORN_THREADS"] = str(threads)
    command = [
        str(REPO / ".venv/bin/gunicorn"),
        "-c",
        "gunicorn.conf.py",
        "backend.app:create_app()",
    ]
    if worker_class:
        command[1:1] = ["-k", worker_class]
    process = subprocess.Popen(command, cwd=REPO, env=env)
    wait_until_up(f"http://127.0.0.1:{port}/health", process)
    time.sleep(1.0)
    return process


def stop_server(server: subprocess.Popen) -> None:
    stop(server, timeout_s=40)  # stock gthread waits for streams that hold its threads


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True
    ).stdout.split()
    return [int(p) for p in out]


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes have used (/proc/PID/stat; all their threads)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def sign_up(port: int, name: str | None = None) -> str:
    client = Client(port)
    name = name or f"bench{uuid.uuid4().hex[:8]}"
    client.json(
        "POST", "/api/v1/auth/register", {"username": name, "password": "benchmark-password"}
    )
    return client.json(
        "POST", "/api/v1/auth/login", {"username": name, "password": "benchmark-password"}
    )[1]["token"]


def bench_upload(data_dir: Path, size_mb: float, env_extra: dict[str, str] | None = None) -> dict:
    port = free_port()
    server = start_gunicorn(data_dir, port, workers=1, threads=4, env_extra=env_extra)
    try:
        token = sign_up(port)
        csv_path = data_dir.parent / "upload.csv"
        size = make_csv(csv_path, size_mb)
        (worker,) = worker_pids(server.pid)
        rss_before_kb = status_kb(worker, "VmRSS")
        started = time.perf_counter()
        status, body = Client(port, token).upload(csv_path, "big.csv")
        seconds = time.perf_counter() - started
        assert status == 201, body
        peak_kb = status_kb(worker, "VmHWM")
        return {
            "file_mb": round(size / 2**20, 1),
            "rows": body["n_rows"],
            "seconds": round(seconds, 2),
            "mb_per_s": round(size / 2**20 / seconds, 1),
            "worker_rss_before_mb": round(rss_before_kb / 1024, 1),
            "worker_peak_rss_mb": round(peak_kb / 1024, 1),
            "peak_over_file_size": round(peak_kb * 1024 / size, 2),
            "peak_growth_over_file_size": round((peak_kb - rss_before_kb) * 1024 / size, 2),
        }
    finally:
        stop_server(server)


def bench_list(
    data_dir: Path,
    n_datasets: int,
    clients: int,
    requests_per_client: int,
    workers: int | None,
    threads: int | None,
    env_extra: dict[str, str] | None = None,
) -> dict:
    port = free_port()
    server = start_gunicorn(data_dir, port, workers=workers, threads=threads, env_extra=env_extra)
    try:
        token = sign_up(port)
        seeder = Client(port, token)
        small = data_dir.parent / "small.csv"
        small.write_text("a,b,c\n1,x,2020-01-01\n2,y,2020-01-02\n")
        started = time.perf_counter()
        for i in range(n_datasets):
            status, _ = seeder.upload(small, f"dataset-{i:04d}.csv")
            assert status == 201
        seed_s = time.perf_counter() - started
        # CPU per request, besides latency: on a machine shared with other work the latency
        # moves with their load, the CPU per request much less (compare runs by it). The
        # generator runs on the same cores as the server, so its CPU is reported too.
        workers = worker_pids(server.pid)
        server_cpu = cpu_seconds(workers)
        loop = http_load.run(
            "127.0.0.1",
            port,
            "/api/v1/datasets?page_size=20",
            clients=clients,
            headers={"Authorization": f"Bearer {token}"},
            requests_per_client=requests_per_client,
            timeout_s=120,
            ok_status=200,
        )
        server_cpu = cpu_seconds(workers) - server_cpu
        measured = len(loop.latencies) + sum(loop.failures.values())
        return {
            "datasets": n_datasets,
            "seed_uploads_per_s": round(n_datasets / seed_s, 1),
            "clients": clients,
            "requests": measured,
            "errors": sum(loop.failures.values()),
            "failures": loop.failures,
            "reconnects": loop.reconnects,
            "gunicorn_workers": len(workers),
            "threads_per_worker": threads or "gunicorn.conf.py default",
            "throughput_rps": round(measured / loop.wall_s, 1),
            **percentiles(loop.latencies),
            # Each client's median latency, lowest and highest: far apart when the workers hold
            # unequal shares of the connections.
            **client_medians(loop.by_client),
            # The server's CPU over the run and each client's warm-up request.
            "server_cpu_ms_per_request": round(server_cpu * 1000 / (measured + clients), 3),
            "client_cpu_ms_per_request": round(loop.cpu_s * 1000 / measured, 3),
            "load_average_1m": round(os.getloadavg()[0], 2),
        }
    finally:
        stop_server(server)


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(x * 1000 for x in seconds)
    if not ms:
        return {key: float("nan") for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")}
    return {
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
        "p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 1),
        "max_ms": round(ms[-1], 1),
    }


def client_medians(by_client: list[list[float]]) -> dict[str, float]:
    medians = sorted(statistics.median(x) * 1000 for x in by_client if x)
    if not medians:
        return {"client_median_min_ms": float("nan"), "client_median_max_ms": float("nan")}
    return {
        "client_median_min_ms": round(medians[0], 1),
        "client_median_max_ms": round(medians[-1], 1),
    }


def closed_loop(
    port: int, token: str, clients: int, seconds: float, path: str, timeout_s: float
) -> dict:
    """`clients` connections each sending GET `path` back to back for `seconds` (the light
    closed-loop client, scripts/http_load.py): latencies, failures (a status other than 200,
    an error or a timeout of `timeout_s`)."""
    loop = http_load.run(
        "127.0.0.1",
        port,
        path,
        clients=clients,
        headers={"Authorization": f"Bearer {token}"},
        seconds=seconds,
        timeout_s=timeout_s,
        ok_status=200,
        warm_up=False,
    )
    return {
        "clients": clients,
        "seconds": round(loop.wall_s, 1),
        "ok": len(loop.latencies),
        "failed": sum(loop.failures.values()),
        "failures": loop.failures,
        "throughput_rps": round(len(loop.latencies) / loop.wall_s, 1),
        **percentiles(loop.latencies),
    }


class EventStreams:
    """`n` open job event streams (raw sockets, so nothing buffers them), read in the background."""

    def __init__(self, port: int, token: str, job_ids: list[str], n: int) -> None:
        import socket

        self.socks = []
        self.heads: list[bytes] = []
        self.bytes_read = 0
        self._stop = threading.Event()
        for i in range(n):
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            job_id = job_ids[i % len(job_ids)]
            sock.sendall(
                f"GET /api/v1/jobs/{job_id}/events HTTP/1.1\r\nHost: bench\r\n"
                f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
            )
            self.socks.append(sock)
        deadline = time.monotonic() + 10
        for sock in self.socks:  # a server out of threads leaves later streams unanswered
            sock.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                self.heads.append(sock.recv(65536).split(b"\r\n", 1)[0])
            except TimeoutError:
                self.heads.append(b"(no answer within 10 s)")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        import selectors

        selector = selectors.DefaultSelector()
        for sock in self.socks:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        while not self._stop.is_set():
            for key, _ in selector.select(0.5):
                with contextlib.suppress(BlockingIOError):
                    self.bytes_read += len(key.fileobj.recv(65536))

    def close(self) -> None:
        self._stop.set()
        self._reader.join(5)
        for sock in self.socks:
            sock.close()


def bench_streams(
    data_dir: Path, clients: int, streams: int, seconds: float, peer_seconds: float
) -> dict:
    """50 clients list datasets for `seconds` while one user holds `streams` event streams open on
    two running jobs; the baseline is the same with the jobs running but no stream open; then the
    same under stock gthread (the peer: how it was)."""
    out: dict = {"streams": streams, "clients": clients}
    for label, worker_class, duration in (
        ("hub", None, seconds),
        ("gthread_peer", "gthread", peer_seconds),
    ):
        if duration <= 0:
            continue
        port = free_port()
        env = {
            "JOB_EXTRA_KINDS": "tests.job_kinds",
            "PYTHONPATH": str(REPO),
            "MAX_STREAMS_PER_USER": str(streams),
        }
        server = start_gunicorn(
            data_dir / label,
            port,
            workers=None,
            threads=None,
            env_extra=env,
            worker_class=worker_class,
        )
        try:
            viewer, lister = sign_up(port), sign_up(port)
            seeder = Client(port, lister)
            small = data_dir / "small.csv"
            small.write_text("a,b,c\n1,x,2020-01-01\n2,y,2020-01-02\n")
            for i in range(50):
                assert seeder.upload(small, f"dataset-{i:03d}.csv")[0] == 201
            path = "/api/v1/datasets?page_size=20"
            result: dict = {
                "worker_class": worker_class or "gunicorn.conf.py (EventStreamWorker)",
                "gunicorn_workers": len(worker_pids(server.pid)),
            }
            # Two long toy jobs (the viewer's running cap is 2), each watched by half of the streams;
            # they run during the baseline too, so the two differ by the streams alone.
            owner = Client(port, viewer)
            job_ids = [
                owner.json(
                    "POST",
                    "/api/v1/jobs",
                    {"kind": "toy_training", "params": {"epochs": 10_000, "epoch_s": 0.2}},
                )[1]["id"]
                for _ in range(2)
            ]
            if label == "hub":
                result["baseline_no_streams"] = closed_loop(
                    port, lister, clients, min(duration, 20), path, timeout_s=10
                )
            open_streams = EventStreams(port, viewer, job_ids, streams)
            try:
                time.sleep(1.0)
                result["stream_heads"] = sorted(
                    {h.decode(errors="replace") for h in open_streams.heads}
                )
                result["with_streams"] = closed_loop(
                    port, lister, clients, duration, path, timeout_s=10
                )
                result["stream_bytes_read"] = open_streams.bytes_read
            finally:
                open_streams.close()
            out[label] = result
        finally:
            stop_server(server)  # its jobs end with it (interrupted)
    hub = out["hub"]
    hub["p99_ratio_with_over_without_streams"] = round(
        hub["with_streams"]["p99_ms"] / hub["baseline_no_streams"]["p99_ms"], 2
    )
    return out


def bench_login_flood(data_dir: Path, clients: int, flooders: int, seconds: float) -> dict:
    """Others' GET /datasets latency alone, then while `flooders` threads send wrong passwords
    back to back (to one account, from one address); the flood's answers by status."""
    port = free_port()
    server = start_gunicorn(data_dir, port, workers=None, threads=None)
    try:
        victim = f"victim{uuid.uuid4().hex[:6]}"
        sign_up(port, victim)
        other = sign_up(port)
        path = "/api/v1/datasets?page_size=20"
        baseline = closed_loop(port, other, clients, seconds, path, timeout_s=10)
        statuses: dict[int, int] = {}
        flood_latencies: list[float] = []
        lock = threading.Lock()
        stop = threading.Event()

        def flood() -> None:
            client = Client(port)
            while not stop.is_set():
                t = time.perf_counter()
                status, _ = client.json(
                    "POST",
                    "/api/v1/auth/login",
                    {"username": victim, "password": "wrong guess 123"},
                )
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    flood_latencies.append(time.perf_counter() - t)

        flood_threads = [threading.Thread(target=flood) for _ in range(flooders)]
        for t in flood_threads:
            t.start()
        time.sleep(1.0)
        during = closed_loop(port, other, clients, seconds, path, timeout_s=10)
        stop.set()
        for t in flood_threads:
            t.join()
        flood_seconds = seconds + 1.0
        return {
            "clients": clients,
            "flooders": flooders,
            "others_without_flood": baseline,
            "others_during_flood": during,
            "p99_ratio_during_over_without": round(during["p99_ms"] / baseline["p99_ms"], 2),
            "flood_requests": sum(statuses.values()),
            "flood_per_s": round(sum(statuses.values()) / flood_seconds, 1),
            "flood_statuses": {str(k): v for k, v in sorted(statuses.items())},
            "flood_latency": percentiles(flood_latencies),
        }
    finally:
        stop_server(server)


def print_streams(streams: dict) -> None:
    hub = streams["hub"]
    print(
        f"\n{streams['clients']} clients GET /datasets, {streams['streams']} event streams open (one user)"
    )
    print(f"{'':<34}{'requests':>10}{'failed':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    rows = [
        ("hub: no streams (baseline)", hub["baseline_no_streams"]),
        (f"hub: {streams['streams']} streams open", hub["with_streams"]),
    ]
    if "gthread_peer" in streams:
        rows.append(("stock gthread: streams open", streams["gthread_peer"]["with_streams"]))
    for label, r in rows:
        print(
            f"  {label:<32}{r['ok'] + r['failed']:>10}{r['failed']:>8}{r['p50_ms']:>9}{r['p99_ms']:>9}{r['max_ms']:>9}"
        )
    print(
        f"  {'p99 ratio with/without streams':<32}{hub['p99_ratio_with_over_without_streams']:>10}"
    )
    print(
        f"  {'target: no request fails':<32}{'PASS' if hub['with_streams']['failed'] == 0 else 'FAIL':>10}"
    )


def print_login_flood(flood: dict) -> None:
    print(
        f"\nlogin flood: {flood['flooders']} threads of wrong passwords, {flood['clients']} other clients GET /datasets"
    )
    print(f"{'':<34}{'requests':>10}{'failed':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for label, key in (
        ("others, no flood", "others_without_flood"),
        ("others, during the flood", "others_during_flood"),
    ):
        r = flood[key]
        print(
            f"  {label:<32}{r['ok'] + r['failed']:>10}{r['failed']:>8}{r['p50_ms']:>9}{r['p99_ms']:>9}{r['max_ms']:>9}"
        )
    print(f"  {'p99 ratio during/without':<32}{flood['p99_ratio_during_over_without']:>10}")
    print(
        f"  {'flood answers':<32}{json.dumps(flood['flood_statuses']):>10} ({flood['flood_per_s']}/s)"
    )


@contextlib.contextmanager
def mongo_server(tmp: Path, needed: bool):  # noqa: ANN201
    """(server URI without a database, URI options) for the mongodb runs: MONGO_URI's server, or a local
    SecantusDB started here and stopped at the end; None when no run needs one."""
    if not needed:
        yield None
    elif os.environ.get("MONGO_URI"):
        head, _, query = os.environ["MONGO_URI"].partition("?")
        scheme, _, rest = head.partition("://")
        yield f"{scheme}://{rest.split('/', 1)[0]}", query
    else:
        from scripts.local_mongo import LocalMongo

        with LocalMongo(tmp / "secantus", log_path=tmp / "secantus.log") as server:
            yield server.uri, ""


def store_env(name: str, mongo_base: tuple[str, str] | None, database: str) -> dict[str, str]:
    """The environment that selects the store: an empty MONGO_URI is the embedded one."""
    if name == "embedded":
        return {"MONGO_URI": ""}
    base, query = mongo_base
    return {
        "MONGO_URI": f"{base}/{database}_{uuid.uuid4().hex[:8]}" + (f"?{query}" if query else "")
    }


def print_side_by_side(
    title: str, rows: list[tuple[str, dict | None]], keys: tuple[str, ...], target
) -> None:  # noqa: ANN001
    rows = [(name, r) for name, r in rows if r]
    if not rows:
        return
    print(f"{title:<34}" + "".join(f"{name:>12}" for name, _ in rows))
    for key in keys:
        print(f"  {key:<32}" + "".join(f"{r[key]:>12}" for _, r in rows))
    label, check = target
    print(f"  {label:<32}" + "".join(f"{'PASS' if check(r) else 'FAIL':>12}" for _, r in rows))
    if len(rows) == 2 and "p99_ms" in keys:
        print(
            f"  {'p99 ratio ' + rows[1][0] + '/' + rows[0][0]:<32}{rows[1][1]['p99_ms'] / rows[0][1]['p99_ms']:>12.2f}"
        )
    if len(rows) == 2 and "mb_per_s" in keys:
        print(
            f"  {'MB/s ratio ' + rows[1][0] + '/' + rows[0][0]:<32}{rows[1][1]['mb_per_s'] / rows[0][1]['mb_per_s']:>12.2f}"
        )


def _list_arg(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--upload-mb", type=float, default=50)
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests-per-client", type=int, default=100)
    parser.add_argument(
        "--mongodb-requests-per-client",
        type=int,
        default=4,
        help="the same for the mongodb list: the local SecantusDB answers ~14 pages/s",
    )
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py's")
    parser.add_argument("--threads", type=int, default=None, help="default: gunicorn.conf.py's")
    parser.add_argument("--quick", action="store_true", help="5 MB, 100 datasets, 10 clients")
    parser.add_argument(
        "--scenarios",
        default="upload,list,streams,login-flood",
        help="comma-separated: upload, list, streams, login-flood",
    )
    parser.add_argument(
        "--streams", type=int, default=24, help="streams scenario: open event streams"
    )
    parser.add_argument(
        "--stream-seconds", type=float, default=60, help="streams scenario: load duration"
    )
    parser.add_argument(
        "--peer-seconds",
        type=float,
        default=15,
        help="streams scenario: the same under stock gthread (0: skip)",
    )
    parser.add_argument(
        "--flooders", type=int, default=4, help="login flood: threads sending wrong passwords"
    )
    parser.add_argument("--flood-seconds", type=float, default=20)
    parser.add_argument(
        "--store",
        choices=["embedded", "mongodb", "both"],
        default="both" if os.environ.get("MONGO_URI") else "embedded",
        help="store(s) for upload and list, side by side (default: both when MONGO_URI is set)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench_results" / "api.json")
    args = parser.parse_args()
    if args.quick:
        args.upload_mb, args.datasets, args.clients, args.requests_per_client = 5, 100, 10, 20
    stores = ["embedded", "mongodb"] if args.store == "both" else [args.store]
    store = stores[0]
    scenarios = set(_list_arg(args.scenarios))
    result: dict = {
        "store": store,
        "cpu_count": os.cpu_count(),
        "targets": {
            "peak_over_file_size_max": 5.0,
            "list_p99_ms_max": 100.0,
            "streams_failed_max": 0,
        },
    }
    with (
        tempfile.TemporaryDirectory() as tmp,
        mongo_server(Path(tmp), "mongodb" in stores) as mongo_base,
    ):
        for name in stores:
            per_store = result if name == store else result.setdefault(name, {})
            if name == "mongodb":
                per_store["mongo_server"] = (
                    "MONGO_URI"
                    if os.environ.get("MONGO_URI")
                    else "local SecantusDB (scripts/local_mongo.py)"
                )
            if "upload" in scenarios:
                env = store_env(name, mongo_base, "bench_upload")
                per_store["upload"] = bench_upload(
                    Path(tmp) / f"upload-{name}", args.upload_mb, env
                )
            if "list" in scenarios:
                env = store_env(name, mongo_base, "bench_list")
                per_store["list"] = bench_list(
                    Path(tmp) / f"list-{name}",
                    args.datasets,
                    args.clients,
                    args.mongodb_requests_per_client
                    if name == "mongodb"
                    else args.requests_per_client,
                    args.workers,
                    args.threads,
                    env,
                )
        if "streams" in scenarios:
            (Path(tmp) / "streams").mkdir()
            result["streams"] = bench_streams(
                Path(tmp) / "streams",
                args.clients,
                args.streams,
                args.stream_seconds,
                args.peer_seconds,
            )
        if "login-flood" in scenarios:
            result["login_flood"] = bench_login_flood(
                Path(tmp) / "flood-data", args.clients, args.flooders, args.flood_seconds
            )
    print(f"\nstores: {', '.join(stores)}, {os.cpu_count()} CPUs")
    by_store = [(name, result if name == store else result[name]) for name in stores]
    print_side_by_side(
        "upload",
        [(n, r.get("upload")) for n, r in by_store],
        (
            "file_mb",
            "rows",
            "seconds",
            "mb_per_s",
            "worker_rss_before_mb",
            "worker_peak_rss_mb",
            "peak_over_file_size",
        ),
        ("target: peak < 5x file size", lambda u: u["peak_over_file_size"] < 5),
    )
    print_side_by_side(
        "GET /datasets",
        [(n, r.get("list")) for n, r in by_store],
        (
            "datasets",
            "clients",
            "requests",
            "errors",
            "throughput_rps",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "max_ms",
            "client_median_min_ms",
            "client_median_max_ms",
            "server_cpu_ms_per_request",
            "client_cpu_ms_per_request",
            "load_average_1m",
        ),
        ("target: p99 < 100 ms", lambda r: r["p99_ms"] < 100),
    )
    if "streams" in result:
        print_streams(result["streams"])
    if "login_flood" in result:
        print_login_flood(result["login_flood"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
