"""In-process routers in Python, measured the way bench/gateways measures ours:
the official openai client straight at the fake provider ("python-direct")
against LiteLLM's in-process Router over the same route ("litellm-router"),
in rotated rounds, sequential at the 0 ms route, 32 in flight at the 50 ms
route, and the request rate with 32 in flight at the 0 ms route.

Usage: python inprocess.py '<json settings>'; prints one JSON document.
"""
import asyncio
import importlib.metadata
import json
import os
import sys
import time

# No network here: LiteLLM must not try to download its price map or send telemetry.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_TELEMETRY", "False")

import litellm  # noqa: E402
from litellm import Router  # noqa: E402
from openai import AsyncOpenAI  # noqa: E402

litellm.telemetry = False
litellm.suppress_debug_info = True

cfg = json.loads(sys.argv[1])
MESSAGES = [
    {"role": "system", "content": "You are a concise assistant."},
    {"role": "user", "content": "Give me a one-line answer about routing requests across model deployments."},
]


def direct_call(base_url):
    client = AsyncOpenAI(api_key="sk-bench-fake", base_url=base_url, max_retries=0)

    async def call():
        await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, max_tokens=64)

    return call


def router_call(base_url):
    # The same shape our Router gets: one group, one deployment, router defaults.
    router = Router(model_list=[{"model_name": "chat", "litellm_params": {"model": "openai/gpt-4o-mini", "api_base": base_url, "api_key": "sk-bench-fake"}}])

    async def call():
        await router.acompletion(model="chat", messages=MESSAGES, max_tokens=64)

    return call


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    rank = min(len(s), max(1, -(-p * len(s) // 100)))
    return s[int(rank) - 1]


async def sequential(call, count):
    lat = []
    errors = 0
    for _ in range(count):
        t = time.perf_counter()
        try:
            await call()
            lat.append((time.perf_counter() - t) * 1000)
        except Exception:
            errors += 1
    return {"p50": pct(lat, 50), "p99": pct(lat, 99), "ok": len(lat), "errors": errors}


async def closed_loop(call, concurrency, duration_s):
    lat = []
    errors = 0
    stop = time.perf_counter() + duration_s
    start = time.perf_counter()

    async def lane():
        nonlocal errors
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                await call()
                lat.append((time.perf_counter() - t) * 1000)
            except Exception:
                errors += 1

    await asyncio.gather(*[lane() for _ in range(concurrency)])
    wall = time.perf_counter() - start
    return {"p50": pct(lat, 50), "p99": pct(lat, 99), "ok": len(lat), "errors": errors, "throughput": len(lat) / wall}


async def main():
    systems = {
        "python-direct": {"fast": direct_call(cfg["fast_url"]), "slow": direct_call(cfg["slow_url"])},
        "litellm-router": {"fast": router_call(cfg["fast_url"]), "slow": router_call(cfg["slow_url"])},
    }
    names = list(systems)
    for name in names:  # warm-up: connections, imports, first-call caches
        await sequential(systems[name]["fast"], cfg["warmup"])
        await sequential(systems[name]["slow"], 5)
    rounds = {name: [] for name in names}
    for r in range(cfg["rounds"]):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            s = systems[name]
            rounds[name].append(
                {
                    "sequential": await sequential(s["fast"], cfg["sequential_calls"]),
                    "concurrent": await closed_loop(s["slow"], cfg["concurrency"], cfg["duration_s"]),
                    "rate": await closed_loop(s["fast"], cfg["concurrency"], cfg["duration_s"]),
                }
            )
    print(json.dumps({"litellm_version": importlib.metadata.version("litellm"), "openai_version": importlib.metadata.version("openai"), "rounds": rounds}))


asyncio.run(main())
