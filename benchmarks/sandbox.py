"""Emulator throughput and latency under 50 concurrent clients.

Runs an emulator as a subprocess on a free loopback port (rate limit off), drives it with 50 httpx
async clients for a bounded number of requests, and reports requests/s, p50/p99 latency and errors
(median of several runs). The baseline, in the same process, is GET /_sandbox/health: the cost of
HTTP + the ASGI stack without auth, SQL or serialisation, so the ratio shows what the API work adds.
Measured: the carriers' GET /trigger/call_history (--family pbx), or the extension PBX's list of
an extension's agents, with an OAuth token (--family extension).

    python benchmarks/sandbox.py [--family pbx|extension] [--runs 3] [--requests 5000] [--clients 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx

from pbxconn.sandbox.process import start_sandbox

TARGETS = {"pbx": ("/api/v2/trigger/call_history", {"initial_call_id": 0, "limit": 20}),
           "extension": ("/api/ver1.0/extension/100/agent/", {})}


async def _load(url: str, path: str, params: dict, requests: int, clients: int, max_seconds: float,
                token: str) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    remaining = requests
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, limits=limits,
                                 trust_env=False, timeout=10) as client:
        async def worker() -> None:
            nonlocal remaining, errors
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                started = time.perf_counter()
                try:
                    response = await client.get(path, params=params)
                    if response.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors,
        "requests": len(latencies),
    }


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", choices=sorted(TARGETS), default="pbx")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--max-seconds", type=float, default=60)
    args = parser.parse_args()
    sandbox = start_sandbox("--rate-limit", "0", family=args.family)
    target, target_params = TARGETS[args.family]
    token = "sandbox-key"
    if args.family == "extension":
        from pbxconn.contract.oauth import authorization_code_token

        token = authorization_code_token(sandbox.url, "sandbox-public", "sandbox-public-secret")
    try:
        for label, path, params in (("baseline GET /_sandbox/health", "/_sandbox/health", {}),
                                    (f"GET {target}", target, target_params)):
            runs = [asyncio.run(_load(sandbox.url, path, params, args.requests, args.clients, args.max_seconds, token))
                    for _ in range(args.runs)]
            med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            print(f"{label}: {med['rps']:.0f} req/s, p50 {med['p50_ms']:.1f} ms, p99 {med['p99_ms']:.1f} ms,"
                  f" errors {sum(r['errors'] for r in runs)} of {sum(r['requests'] for r in runs)}"
                  f" (median of {args.runs} runs, {args.clients} clients)")
            if label.startswith("baseline"):
                base_rps = med["rps"]
            else:
                print(f"ratio vs baseline: {med['rps'] / base_rps:.2f}x the health endpoint's throughput")
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
