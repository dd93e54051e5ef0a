"""The gateway as a Python app sees it: the official `openai` package with only
base_url and api_key changed. Each check prints what it saw; the Jest test that
runs this script asserts on it (and on what the fake provider received).

Usage: python client_checks.py '{"base_url": ..., "key": ..., "wrong_key": ...}'
"""
import json
import sys

import openai
from openai import OpenAI

cfg = json.loads(sys.argv[1])
client = OpenAI(base_url=cfg["base_url"], api_key=cfg["key"], max_retries=0)
results = {"openai_version": openai.__version__}

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def check(name):
    def wrap(fn):
        try:
            results[name] = fn()
        except Exception as exc:  # reported, so the test shows what went wrong
            results[name] = {"unexpected_error": f"{type(exc).__name__}: {exc}"}
        return fn

    return wrap


@check("completion")
def _():
    raw = client.chat.completions.with_raw_response.create(model="chat", messages=[{"role": "user", "content": "hi from python"}])
    completion = raw.parse()
    return {
        "content": completion.choices[0].message.content,
        "deployment": raw.headers.get("x-llm-router-deployment"),
        "attempts": raw.headers.get("x-llm-router-attempts"),
    }


@check("stream")
def _():
    text = ""
    usage = None
    for chunk in client.chat.completions.create(
        model="claude", messages=[{"role": "user", "content": "stream from python"}], stream=True, stream_options={"include_usage": True}
    ):
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
        if chunk.usage:
            usage = chunk.usage.total_tokens
    return {"text": text, "total_tokens": usage}


@check("tools")
def _():
    messages = [{"role": "user", "content": "Weather in Oslo?"}]
    first = client.chat.completions.create(model="claude", messages=messages, tools=[WEATHER], tool_choice="required")
    call = first.choices[0].message.tool_calls[0]
    messages.append(first.choices[0].message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": "sunny"})
    second = client.chat.completions.create(model="claude", messages=messages, tools=[WEATHER])
    return {
        "finish_reason": first.choices[0].finish_reason,
        "name": call.function.name,
        "arguments": json.loads(call.function.arguments),
        "answer": second.choices[0].message.content,
    }


@check("wrong_key")
def _():
    try:
        OpenAI(base_url=cfg["base_url"], api_key=cfg["wrong_key"], max_retries=0).chat.completions.create(
            model="chat", messages=[{"role": "user", "content": "x"}]
        )
    except openai.AuthenticationError as exc:
        return {"status": exc.status_code, "code": exc.code, "type": type(exc).__name__}
    return {"status": 200}


@check("failover")
def _():
    served = []
    for i in range(4):
        raw = client.chat.completions.with_raw_response.create(model="flaky", messages=[{"role": "user", "content": f"req {i}"}])
        raw.parse()
        served.append(raw.headers.get("x-llm-router-deployment"))
    return {"served": served}


@check("exhausted")
def _():
    try:
        client.chat.completions.create(model="dead", messages=[{"role": "user", "content": "x"}])
    except openai.APIStatusError as exc:
        body = exc.body if isinstance(exc.body, dict) else {}
        return {"status": exc.status_code, "code": body.get("code"), "attempts": len(body.get("attempts", []))}
    return {"status": 200}


@check("bad_request")
def _():
    try:
        client.chat.completions.create(model="chat", messages=[{"role": "user", "content": "x"}], temperature=9)
    except openai.BadRequestError as exc:
        return {"status": exc.status_code, "param": exc.param, "message": exc.message}
    return {"status": 200}


@check("disconnect")
def _():
    stream = client.chat.completions.create(model="slow", messages=[{"role": "user", "content": "a long answer"}], stream=True)
    chunks = 0
    for _chunk in stream:
        chunks += 1
        if chunks == 2:
            break
    # Closing the response hangs up on the gateway mid-stream.
    stream.close()
    return {"chunks": chunks}


print(json.dumps(results))
