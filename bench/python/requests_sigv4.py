"""Row (f) of the comparison: Python `requests` + botocore `SigV4Auth`, the peer a scripting
user picks. Sends N signed GETs of URL with CONCURRENCY threads (one requests.Session each),
then prints one JSON object: n, concurrency, seconds, throughput (req/s), p50_us, p99_us,
cpu_us (this process's CPU time per request).

    .venv/bin/python bench/python/requests_sigv4.py URL N CONCURRENCY

Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; region AWS_REGION.
"""

import json
import os
import sys
import threading
import time

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main() -> None:
    url, n, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    credentials = Credentials(
        os.environ["AWS_ACCESS_KEY_ID"],
        os.environ["AWS_SECRET_ACCESS_KEY"],
        os.environ.get("AWS_SESSION_TOKEN"),
    )
    region = os.environ.get("AWS_REGION", "us-east-1")
    per_thread = max(1, n // concurrency)
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []

    def worker() -> None:
        session = requests.Session()
        mine = []
        for _ in range(per_thread):
            start = time.perf_counter()
            request = AWSRequest(method="GET", url=url)
            SigV4Auth(credentials, "execute-api", region).add_auth(request)
            answer = session.get(url, headers=dict(request.headers), allow_redirects=False)
            answer.content
            if answer.status_code != 200:
                failures.append(f"status {answer.status_code}")
                return
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    cpu = time.process_time()
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    if failures or not latencies:
        print(f"requests failed: {failures[:3]}", file=sys.stderr)
        sys.exit(1)
    latencies.sort()

    def quantile(q: float) -> float:
        return latencies[round((len(latencies) - 1) * q)] * 1e6

    print(
        json.dumps(
            {
                "n": len(latencies),
                "concurrency": concurrency,
                "seconds": seconds,
                "throughput": len(latencies) / seconds,
                "p50_us": quantile(0.50),
                "p99_us": quantile(0.99),
                "cpu_us": cpu * 1e6 / len(latencies),
            }
        )
    )


if __name__ == "__main__":
    main()
