"""A minimal local HTTP server for the benchmarks, run in its own process (and core).

It answers every request with one fixed PandaPon envelope, so that what a benchmark measures
is the client, not the server. It can record the arrival time of every request
(``time.monotonic()``, which on Linux is one system-wide clock, comparable across processes)
for the limiter benchmark. Control paths (never used by the client under test):

- ``GET /__arrivals``: the recorded arrival times as a JSON list, and clears them;
- ``GET /__cpu``: the server process's CPU seconds so far.

Usage: ``python _local_server.py [--cpu N] [--kind aiohttp|asyncio]``; it prints
``READY <port>`` on stdout once listening and stops when stdin closes.

``--kind aiohttp`` (default) is aiohttp's low-level server; ``--kind asyncio`` is a bare
``asyncio.Protocol`` speaking just enough HTTP/1.1 for keep-alive POSTs, several times
cheaper per request, to show that the server is not what limits the measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from typing import Any

ORDER_ID = "2059624776425880794"

# A 1688 order detail shaped like the platform's (baseInfo, productItems, nativeLogistics…):
# the typed benchmark structures it into AlibabaOrderDetail.
DETAIL: dict[str, Any] = {
    "baseInfo": {
        "id": int(ORDER_ID),
        "idOfStr": ORDER_ID,
        "businessType": "cn",
        "buyerID": "b2b-2201234567890",
        "sellerID": "b2b-1234567890123",
        "createTime": "20240301120000000+0800",
        "modifyTime": "20240301121500000+0800",
        "status": "waitsellersend",
        "totalAmount": 128.5,
        "sumProductPayment": 118.5,
        "shippingFee": 10.0,
        "discount": 0,
        "refund": 0,
        "tradeType": "50060",
        "currency": "CNY",
        "buyerContact": {"name": "张三", "phone": "0571-88888888", "mobile": "13800000000",
                         "companyName": "某某贸易有限公司"},
        "sellerContact": {"name": "李四", "phone": "0579-12345678", "mobile": "13900000000",
                          "companyName": "义乌某某工厂", "wangwangNick": "seller_nick"},
        "receiverInfo": {"toFullName": "王五", "toMobile": "13700000000",
                         "toArea": "浙江省 杭州市 余杭区", "toDivisionCode": "330110",
                         "toPost": "311100", "address": "文一西路 969 号"},
        "stepPayAll": False,
        "overSeaOrder": True,
    },
    "productItems": [
        {
            "subItemID": 4123456789012345678 + index,
            "subItemIDString": str(4123456789012345678 + index),
            "productID": 612345678901 + index,
            "skuID": 4987654321098 + index,
            "specId": "3a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "name": f"夏季新款纯棉短袖T恤 款式 {index}",
            "productCargoNumber": f"TX-{index:04d}",
            "quantity": 3,
            "price": 19.75,
            "itemAmount": 59.25,
            "unit": "件",
            "status": "waitsellersend",
            "skuInfos": [{"name": "颜色", "value": "白色"}, {"name": "尺码", "value": "XL"}],
            "productImgUrl": ["https://cbu01.alicdn.com/img/ibank/example.jpg"],
        }
        for index in range(2)
    ],
    "nativeLogistics": {"address": "文一西路 969 号", "area": "余杭区", "city": "杭州市",
                        "contactPerson": "王五", "mobile": "13700000000",
                        "province": "浙江省", "zip": "311100"},
    "tradeTerms": [{"payStatus": "2", "payTime": "20240301121500000+0800", "payWay": "13",
                    "phasAmount": 128.5}],
}

ENVELOPE = json.dumps(
    {"requestId": "0a1b2c3d4e5f", "code": 200, "developId": 1001, "msg": "success",
     "data": DETAIL},
    ensure_ascii=False, separators=(",", ":"),
).encode()

# A small answer (a batch pay result) for the small-answer modes, on its own path.
SMALL_PATH = "/alibaba/order/batch/submit/to/pay"
SMALL_ENVELOPE = json.dumps(
    {"requestId": "0a1b2c3d4e5f", "code": 200, "developId": 1001, "msg": "success",
     "data": {"successOrderIds": [ORDER_ID], "payFailOrders": []}},
    separators=(",", ":"),
).encode()


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


class Recorder:
    def __init__(self, record: bool) -> None:
        self.record = record
        self.arrivals: list[float] = []

    def control(self, path: str) -> bytes | None:
        if path == "/__arrivals":
            body = json.dumps(self.arrivals).encode()
            self.arrivals = []
            return body
        if path == "/__cpu":
            return json.dumps(cpu_seconds()).encode()
        return None


async def serve_aiohttp(recorder: Recorder) -> asyncio.AbstractServer:
    from aiohttp import web

    async def handler(request: web.BaseRequest) -> web.StreamResponse:
        arrived = time.monotonic()
        await request.read()
        if request.path.startswith("/__"):
            control = recorder.control(request.path)
            if control is not None:
                return web.Response(body=control, content_type="application/json")
        if recorder.record:
            recorder.arrivals.append(arrived)
        return web.Response(body=SMALL_ENVELOPE if request.path == SMALL_PATH else ENVELOPE,
                            content_type="application/json")

    server = web.Server(handler, access_log=None)
    loop = asyncio.get_running_loop()
    return await loop.create_server(server, "127.0.0.1", 0, backlog=1024)


def _response(body: bytes) -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


class _HTTPProtocol(asyncio.Protocol):
    """Keep-alive HTTP/1.1 with Content-Length bodies: all the benchmark clients send."""

    envelope_response = _response(ENVELOPE)

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end]
            length = 0
            lower = head.lower()
            marker = lower.find(b"\r\ncontent-length:")
            if marker >= 0:
                line_end = lower.find(b"\r\n", marker + 2)
                line_end = len(lower) if line_end < 0 else line_end
                length = int(lower[marker + 17:line_end].strip())
            total = head_end + 4 + length
            if len(self.buffer) < total:
                return
            path = head.split(b" ", 2)[1].decode()
            self.buffer = self.buffer[total:]
            control = self.recorder.control(path) if path.startswith("/__") else None
            if control is None and self.recorder.record:
                self.recorder.arrivals.append(time.monotonic())
            assert self.transport is not None
            self.transport.write(
                (_response(SMALL_ENVELOPE) if path == SMALL_PATH else self.envelope_response)
                if control is None else _response(control))


async def serve_asyncio(recorder: Recorder) -> asyncio.AbstractServer:
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _HTTPProtocol(recorder), "127.0.0.1", 0,
                                    backlog=1024)


async def amain(kind: str, record: bool) -> None:
    recorder = Recorder(record)
    server = await (serve_aiohttp(recorder) if kind == "aiohttp" else serve_asyncio(recorder))
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    loop = asyncio.get_running_loop()
    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    await stdin_closed
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpu", type=int, default=None, help="pin the server to this CPU")
    parser.add_argument("--kind", choices=("aiohttp", "asyncio"), default="aiohttp")
    parser.add_argument("--record-arrivals", action="store_true")
    args = parser.parse_args()
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    asyncio.run(amain(args.kind, args.record_arrivals))


if __name__ == "__main__":
    main()


class ServerProcess:
    """The server in a child process: ``with ServerProcess(...) as server: server.url``."""

    def __init__(self, *, kind: str = "aiohttp", cpu: int | None = None,
                 record_arrivals: bool = False) -> None:
        import subprocess

        command = [sys.executable, os.path.abspath(__file__), "--kind", kind]
        if cpu is not None:
            command += ["--cpu", str(cpu)]
        if record_arrivals:
            command.append("--record-arrivals")
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().split()
        if len(line) != 2 or line[0] != "READY":
            self.close()
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        self.url = f"http://127.0.0.1:{line[1]}"

    def cpu_seconds(self) -> float:
        """CPU seconds the server has used so far (from /proc, no request needed)."""
        with open(f"/proc/{self.process.pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except Exception:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def pin_to_cpu(cpu: int) -> bool:
    """Pin this process to one CPU when the machine has more than one; True if pinned."""
    if not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2:
        return False
    os.sched_setaffinity(0, {cpu})
    return True
