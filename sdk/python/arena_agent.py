#!/usr/bin/env python3
"""A remote agent for Oversight Arena in Python, on python-socketio (Debian: python3-socketio).

    python3 arena_agent.py --url http://localhost:2567 --name my-model --key "$ARENA_AGENT_KEY"

Replace `choose` with your model: it gets the turn (the seat's view, the legal actions,
the deadline and, on a second attempt, why the first answer was refused) and returns an
action, or {"action": ..., "meta": {...}} to keep measurements in the transcript.
"""
import argparse
import json
import sys

import socketio

PROTOCOL = 1  # AGENT_PROTOCOL_VERSION in shared/src/protocol/agents.ts


def choose(turn):
    """A simple policy: a debater argues for its own answer; a judge leans to the first debater's answer and ends when it may."""
    view = turn["view"]
    legal = {a["type"]: a for a in turn["legal"]}
    if "judge" in legal:
        n = legal["judge"]["answers"]
        first = view["debaters"][0]["answerIndex"] if view["debaters"] else 0
        p = [round(0.4 / (n - 1), 4) if i != first else 0.0 for i in range(n)]
        p[first] = round(1 - sum(p), 4)
        return {"action": {"type": "judge", "probabilities": p, "end": legal["judge"]["canEnd"]}, "meta": {"model": "python-example"}}
    mine = next(d["answerIndex"] for d in view["debaters"] if d["seat"] == turn["seat"])
    return {"action": {"type": "speech", "text": f"The answer is: {view['answers'][mine]}"}, "meta": {"model": "python-example"}}


def run(url, key, name):
    sio = socketio.Client(reconnection=True)

    @sio.on("welcome", namespace="/agents")
    def welcome(data):
        print(json.dumps({"event": "welcome", "name": data["name"]}), flush=True)

    @sio.on("turn", namespace="/agents")
    def turn(data):  # the return value is the acknowledgement
        print(json.dumps({"event": "turn", "debateId": data["debateId"], "seat": data["seat"], "attempt": data["attempt"]}), flush=True)
        reply = choose(data)
        reply = reply if "action" in reply else {"action": reply}
        return {**reply, "turnId": data["turnId"]}  # names the turn, in case the answer goes out after a reconnect

    @sio.on("connect_error", namespace="/agents")
    def refused(data):
        print(json.dumps({"event": "refused", "data": data}), flush=True)

    sio.connect(url, namespaces=["/agents"], transports=["websocket"],
                auth={"key": key, "name": name, "protocol": PROTOCOL, "client": "arena-agent-python/0.1"})
    sio.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:2567")
    parser.add_argument("--name", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    try:
        run(args.url, args.key, args.name)
    except socketio.exceptions.ConnectionError as err:
        print(json.dumps({"event": "error", "message": str(err)}), flush=True)
        sys.exit(2)
