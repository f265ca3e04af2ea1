"""Many concurrent long polls on one server: wake-up latency, and the latency of other requests.

    python benchmarks/longpoll_bench.py [--polls 500] [--queues 500] [--workers 1] [--threads 8]
        [--duration 20] [--rate 50] [--wait 20] [--json]

An ``awsmock server`` on a fresh SQLite data dir; ``--queues`` queues; ``--polls`` consumers, each
on its own keep-alive connection, each calling ``ReceiveMessage`` (``WaitTimeSeconds=--wait``,
consumer *i* on queue *i* mod queues) again as soon as it is answered. The load generator is
one asyncio process sending the exact requests botocore sends (``server_bench.capture``), so it
holds hundreds of connections without a thread each.

Phases, each measured separately:

1. **baseline**: no poll running; a loop of ``GetQueueUrl`` and ``ListQueues`` (one request at a
   time on its own connection) for a few seconds: their usual latency.
2. **parked**: every poll is sent and waits; the same loop runs again.
3. **traffic**: for ``--duration`` seconds a sender sends ``--rate`` messages a second, each to
   a queue picked at random, carrying its send time; each answered poll reports the message's
   wake-up latency (send answered -> receive answered, both measured here); the loop runs
   meanwhile. Polls answered empty at their wait time are counted.

The load generator shares the machine's cores with the server: the cores are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.server_bench import capture, client
from benchmarks.workers_bench import start_awsmock


def request_bytes(template: dict[str, Any], body: bytes) -> bytes:
    """An HTTP/1.1 request like the captured ``template``, with ``body``."""
    headers = {k: v for k, v in template["headers"].items() if k.lower() not in ("content-length", "host")}
    lines = [f"{template['method']} {template['path']} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> tuple[int, bytes]:
    """Send one request and read its answer (status, body)."""
    writer.write(data)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"n": len(ordered), "p50_ms": at(0.50), "p90_ms": at(0.90), "p99_ms": at(0.99),
            "max_ms": round(ordered[-1] * 1000, 1), "mean_ms": round(statistics.fmean(ordered) * 1000, 1)}


class Bench:
    def __init__(self, port: int, urls: list[str], args: argparse.Namespace) -> None:
        self.port = port
        self.urls = urls
        self.args = args
        base = f"http://127.0.0.1:{port}"
        self.receive = capture("sqs", base, lambda c: c.receive_message(QueueUrl=urls[0], WaitTimeSeconds=args.wait))
        self.send = capture("sqs", base, lambda c: c.send_message(QueueUrl=urls[0], MessageBody="x"))
        self.get_url = request_bytes(*self._one(base, lambda c: c.get_queue_url(QueueName="lp-0")))
        self.list = request_bytes(*self._one(base, lambda c: c.list_queues(MaxResults=10)))
        self.stop = False
        self.wakeups: list[float] = []
        self.empty = 0
        self.errors = 0
        self.sent_latency: list[float] = []
        self.parked = 0

    @staticmethod
    def _one(base: str, call: Any) -> tuple[dict[str, Any], bytes]:
        template = capture("sqs", base, call)
        return template, template["body"]

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)

    async def poller(self, i: int, started: asyncio.Event) -> None:
        url = self.urls[i % len(self.urls)]
        body = json.dumps({"QueueUrl": url, "WaitTimeSeconds": self.args.wait, "MaxNumberOfMessages": 1}).encode()
        data = request_bytes(self.receive, body)
        reader, writer = await self.connect()
        self.parked += 1
        if self.parked == self.args.polls:
            started.set()
        try:
            while not self.stop:
                status, answer = await exchange(reader, writer, data)
                now = time.monotonic()
                if status != 200:
                    self.errors += 1
                    continue
                messages = json.loads(answer).get("Messages") or []
                if not messages:
                    self.empty += 1
                for m in messages:
                    self.wakeups.append(now - float(m["Body"]))
        finally:
            writer.close()

    async def loop(self, seconds: float) -> list[float]:
        """GetQueueUrl and ListQueues in turn, one at a time, for ``seconds``: their latencies."""
        reader, writer = await self.connect()
        took: list[float] = []
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                for data in (self.get_url, self.list):
                    began = time.monotonic()
                    status, _ = await exchange(reader, writer, data)
                    took.append(time.monotonic() - began)
                    if status != 200:
                        self.errors += 1
                await asyncio.sleep(0.01)
        finally:
            writer.close()
        return took

    async def sender(self, seconds: float) -> int:
        reader, writer = await self.connect()
        sent = 0
        pause = 1.0 / self.args.rate
        end = time.monotonic() + seconds
        nxt = time.monotonic()
        try:
            while time.monotonic() < end:
                url = random.choice(self.urls)
                began = time.monotonic()
                body = json.dumps({"QueueUrl": url, "MessageBody": repr(began)}).encode()
                status, _ = await exchange(reader, writer, request_bytes(self.send, body))
                self.sent_latency.append(time.monotonic() - began)
                if status != 200:
                    self.errors += 1
                sent += 1
                nxt += pause
                await asyncio.sleep(max(0.0, nxt - time.monotonic()))
        finally:
            writer.close()
        return sent

    async def run(self) -> dict[str, Any]:
        args = self.args
        baseline = await self.loop(args.loop_seconds)
        started = asyncio.Event()
        polls = [asyncio.create_task(self.poller(i, started)) for i in range(args.polls)]
        await asyncio.wait_for(started.wait(), 60)
        await asyncio.sleep(2.0)  # every poll sent and parked
        answered_early = len(self.wakeups) + self.empty
        parked = await self.loop(args.loop_seconds)
        loop_task = asyncio.create_task(self.loop(args.duration))
        sent = await self.sender(args.duration)
        traffic = await loop_task
        await asyncio.sleep(1.0)  # the last wake-ups
        self.stop = True
        for task in polls:
            task.cancel()
        await asyncio.gather(*polls, return_exceptions=True)
        return {
            "answered_before_any_send": answered_early,
            "loop_baseline": percentiles(baseline),
            "loop_with_polls_parked": percentiles(parked),
            "loop_during_traffic": percentiles(traffic),
            "sent": sent,
            "received": len(self.wakeups),
            "wakeup": percentiles(self.wakeups),
            "send": percentiles(self.sent_latency),
            "answered_empty_at_wait_time": self.empty,
            "errors": self.errors,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--polls", type=int, default=500)
    parser.add_argument("--queues", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=50.0, help="messages sent per second")
    parser.add_argument("--wait", type=int, default=20, help="WaitTimeSeconds of each poll")
    parser.add_argument("--loop-seconds", type=float, default=4.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="awsmock-longpoll-")
    server = start_awsmock(args.workers, data_dir, args.threads)
    try:
        sqs = client("sqs", server.url)
        urls = [sqs.create_queue(QueueName=f"lp-{i}")["QueueUrl"] for i in range(args.queues)]
        bench = Bench(server.port, urls, args)
        result = asyncio.run(bench.run())
    finally:
        server.stop()
    result = {"polls": args.polls, "queues": args.queues, "workers": args.workers, "threads": args.threads,
              "rate": args.rate, "duration": args.duration, "cores": os.cpu_count(),
              "load_after": round(os.getloadavg()[0], 1), **result}
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>28}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
