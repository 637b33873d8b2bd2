#!/usr/bin/env python3
"""A remote agent for Oversight Arena in Python, on python-socketio (Debian: python3-socketio).

    python3 arena_agent.py --url http://localhost:2567 --name my-model --key "$ARENA_AGENT_KEY"

Replace `choose` with your model: it gets the turn (the seat's view, the legal actions,
the deadline and, on a second attempt, why the first answer was refused) and returns an
action, or {"action": ..., "meta": {...}} to keep measurements in the transcript.

The turns it plays: a judge's (judge), a debater's speech (speech) and, under the
cross-examination preset (debate-cross-exam), a debater's question to its opponent
(question) and its answer to the question put to it (answer, with <quote> quotes).
"""
import argparse
import json
import re
import sys

import socketio

PROTOCOL = 1  # AGENT_PROTOCOL_VERSION in shared/src/protocol/agents.ts


def words(text):
    """The lower-case words of `text` longer than three letters (a crude stand-in for a retriever)."""
    return {w for w in re.findall(r"[a-z0-9']+", text.lower()) if len(w) > 3}


def best_quote(passage, about, limit):
    """Whole words of the passage's sentence sharing most words with `about`, at most `limit` characters; None when none does.

    The server matches a <quote> against the passage after normalising case, punctuation and
    spaces, and counts the passage's own text of the span against the quote limit, so the
    quote is cut from the passage as it stands, at word boundaries.
    """
    wanted = words(about)
    best, score = None, 0
    for m in re.finditer(r"[^.!?\n]+[.!?]?", passage):
        shared = len(words(m.group()) & wanted)
        if shared > score:
            best, score = m, shared
    if best is None:
        return None
    tokens = list(re.finditer(r"\S+", best.group()))
    start = best.start() + tokens[0].start()
    end = start
    for t in tokens:
        if best.start() + t.end() - start > limit:
            break
        end = best.start() + t.end()
    quote = passage[start:end]
    return quote if len(quote) >= 20 and "<" not in quote else None


def choose(turn):
    """A simple honest policy.

    A judge leans to the first debater's answer and ends when it may. A debater argues for its
    own answer; under cross-examination it asks its opponent to quote the passage for its
    answer, as it was in the first round of speeches, and answers the question put to it with
    the passage's sentence closest to its own answer, quoted.
    """
    view = turn["view"]
    legal = {a["type"]: a for a in turn["legal"]}
    meta = {"model": "python-example"}
    if "judge" in legal:
        n = legal["judge"]["answers"]
        first = view["debaters"][0]["answerIndex"] if view["debaters"] else 0
        p = [round(0.4 / (n - 1), 4) if i != first else 0.0 for i in range(n)]
        p[first] = round(1 - sum(p), 4)
        return {"action": {"type": "judge", "probabilities": p, "end": legal["judge"]["canEnd"]}, "meta": meta}
    answer_of = {d["seat"]: d["answerIndex"] for d in view["debaters"]}
    mine = answer_of.get(turn["seat"], 0)
    if "question" in legal:
        q = legal["question"]
        theirs = answer_of.get(q["to"])
        label = "your answer" if theirs is None else f"answer {theirs + 1}"
        text = f"Quote the words of the passage that show {label}, and say why they are not about another answer."
        # The answer comes from the opponent as it was when the first round of speeches opened (before it heard this one).
        first = next((r["index"] for r in view["rounds"] if r["kind"] not in ("judge", "choose")), q["latestRound"])
        return {"action": {"type": "question", "text": text[: q["maxChars"]], "round": min(first, q["latestRound"])}, "meta": meta}
    if "answer" in legal:
        a = legal["answer"]
        opening = f"The passage answers that, for answer {mine + 1}."
        passage = (view.get("passage") or {}).get("text", "")
        room = min(a["maxQuoteChars"], a["maxChars"] - len(opening) - len(" It says: <quote></quote>."))
        quote = best_quote(passage, view["answers"][mine], room) if passage and room >= 20 else None
        text = f"{opening} It says: <quote>{quote}</quote>." if quote else opening
        return {"action": {"type": "answer", "text": text[: a["maxChars"]]}, "meta": {**meta, "quotes": 1 if quote else 0}}
    return {"action": {"type": "speech", "text": f"The answer is: {view['answers'][mine]}"}, "meta": meta}


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
