"""API benchmark: upload throughput and worker memory, and list latency under concurrency.

Runs gunicorn (this repo's gunicorn.conf.py) on a fresh DATA_DIR and measures, from outside:
  1. uploading a generated CSV of --upload-mb MB: MB/s and the peak RSS of the gunicorn
     worker that handled it (VmHWM), as a multiple of the file size (target < 5x);
  2. GET /api/v1/datasets with --datasets datasets in the history, --clients concurrent
     clients (closed loop, keep-alive): p50/p99 latency (target p99 < 100 ms).
Embedded store by default; MONGO_URI in the environment benchmarks MongoDB instead.

    .venv/bin/python scripts/bench_api.py                 # the full run (50 MB, 1,000 datasets, 50 clients)
    .venv/bin/python scripts/bench_api.py --quick         # a smoke run
Prints a table and writes bench_results/api.json.
"""

from __future__ import annotations

import argparse
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

from tests.jobs.processes import free_port, wait_until_up  # noqa: E402


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

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def json(self, method: str, path: str, payload=None):
        status, body = self.request(method, path, json.dumps(payload).encode() if payload is not None else None, {"Content-Type": "application/json"})
        return status, json.loads(body or b"null")

    def upload(self, data_path: Path, filename: str) -> tuple[int, dict]:
        boundary = uuid.uuid4().hex
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        size = len(head) + data_path.stat().st_size + len(tail)
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(size)}
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


def start_gunicorn(data_dir: Path, port: int, workers: int | None, threads: int | None) -> subprocess.Popen:
    """gunicorn with this repo's config; workers/threads None keep the config's defaults."""
    env = {**os.environ, "DATA_DIR": str(data_dir), "PORT": str(port), "HOST": "127.0.0.1",
           "GUNICORN_ACCESS_LOG": "/dev/null", "LOG_LEVEL": "warning", "MAX_UPLOAD_MB": "500"}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    if threads:
        env["GUNICORN_THREADS"] = str(threads)
    process = subprocess.Popen(
        [str(REPO / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "backend.app:create_app()"], cwd=REPO, env=env
    )
    wait_until_up(f"http://127.0.0.1:{port}/health", process)
    time.sleep(1.0)
    return process


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def sign_up(port: int) -> str:
    client = Client(port)
    name = f"bench{uuid.uuid4().hex[:8]}"
    client.json("POST", "/api/v1/auth/register", {"username": name, "password": "benchmark-password"})
    return client.json("POST", "/api/v1/auth/login", {"username": name, "password": "benchmark-password"})[1]["token"]


def bench_upload(data_dir: Path, size_mb: float) -> dict:
    port = free_port()
    server = start_gunicorn(data_dir, port, workers=1, threads=4)
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
        server.terminate()
        server.wait(30)


def bench_list(
    data_dir: Path, n_datasets: int, clients: int, requests_per_client: int, workers: int | None, threads: int | None
) -> dict:
    port = free_port()
    server = start_gunicorn(data_dir, port, workers=workers, threads=threads)
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
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()
        barrier = threading.Barrier(clients)

        def run() -> None:
            nonlocal errors
            client = Client(port, token)
            client.request("GET", "/api/v1/datasets")  # warm the connection
            barrier.wait()
            mine = []
            for _ in range(requests_per_client):
                t = time.perf_counter()
                status, _ = client.request("GET", "/api/v1/datasets?page_size=20")
                mine.append(time.perf_counter() - t)
                if status != 200:
                    with lock:
                        errors += 1
            with lock:
                latencies.extend(mine)

        threads_ = [threading.Thread(target=run) for _ in range(clients)]
        t0 = time.perf_counter()
        for t in threads_:
            t.start()
        for t in threads_:
            t.join()
        wall = time.perf_counter() - t0
        latencies.sort()
        ms = [x * 1000 for x in latencies]
        return {
            "datasets": n_datasets,
            "seed_uploads_per_s": round(n_datasets / seed_s, 1),
            "clients": clients,
            "requests": len(ms),
            "errors": errors,
            "gunicorn_workers": len(worker_pids(server.pid)),
            "threads_per_worker": threads or "gunicorn.conf.py default",
            "throughput_rps": round(len(ms) / wall, 1),
            "p50_ms": round(statistics.median(ms), 1),
            "p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 1),
            "max_ms": round(ms[-1], 1),
        }
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upload-mb", type=float, default=50)
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests-per-client", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None, help="default: gunicorn.conf.py's")
    parser.add_argument("--threads", type=int, default=None, help="default: gunicorn.conf.py's")
    parser.add_argument("--quick", action="store_true", help="5 MB, 100 datasets, 10 clients")
    parser.add_argument("--out", type=Path, default=REPO / "bench_results" / "api.json")
    args = parser.parse_args()
    if args.quick:
        args.upload_mb, args.datasets, args.clients, args.requests_per_client = 5, 100, 10, 20
    store = "mongodb" if os.environ.get("MONGO_URI") else "embedded"
    with tempfile.TemporaryDirectory() as tmp:
        upload = bench_upload(Path(tmp) / "upload-data", args.upload_mb)
        listing = bench_list(Path(tmp) / "list-data", args.datasets, args.clients, args.requests_per_client, args.workers, args.threads)
    result = {"store": store, "cpu_count": os.cpu_count(), "upload": upload, "list": listing,
              "targets": {"peak_over_file_size_max": 5.0, "list_p99_ms_max": 100.0}}
    print(f"\nstore: {store}, {os.cpu_count()} CPUs")
    print(f"{'upload':<34}{'value':>12}")
    for key in ("file_mb", "rows", "seconds", "mb_per_s", "worker_rss_before_mb", "worker_peak_rss_mb", "peak_over_file_size"):
        print(f"  {key:<32}{upload[key]:>12}")
    print(f"  {'target: peak < 5x file size':<32}{'PASS' if upload['peak_over_file_size'] < 5 else 'FAIL':>12}")
    print(f"{'GET /datasets':<34}{'value':>12}")
    for key in ("datasets", "clients", "requests", "errors", "throughput_rps", "p50_ms", "p99_ms", "max_ms"):
        print(f"  {key:<32}{listing[key]:>12}")
    print(f"  {'target: p99 < 100 ms':<32}{'PASS' if listing['p99_ms'] < 100 else 'FAIL':>12}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
