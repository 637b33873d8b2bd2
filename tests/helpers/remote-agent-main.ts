/**
 * A remote agent on the TypeScript SDK, run as its own process by the gateway tests:
 *   node tests/helpers/remote-agent-main.ts <url> <name> <key> <behaviour> [frames-file]
 * It prints one JSON line per thing that happened (welcome, turn, refused…). Behaviours:
 *   play           answer every turn with a legal action
 *   malformed-once acknowledge the first turn with garbage, then play
 *   refuse         always answer with an action the engine refuses
 *   silent         never answer
 *   drop-once      on its first turn, drop the connection and come back; then play
 * With a frames file, every raw WebSocket frame received is appended to it (one JSON string a line).
 */
import { appendFileSync } from 'node:fs';
import { AGENT_MESSAGE, type ClientAction } from '@arena/shared';
import { connect, HandshakeRefused, type AgentTurnMessage } from '../../sdk/src/index.ts';

const [url, name, key, behaviour = 'play', framesFile] = process.argv.slice(2) as [string, string, string, string?, string?];
const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

function legalMove(turn: AgentTurnMessage): ClientAction {
  const judge = turn.legal.find((l) => l.type === 'judge');
  if (judge && judge.type === 'judge') {
    const p = Array.from({ length: judge.answers }, (_, i) => (i === judge.answers - 1 ? 0 : 1 / judge.answers));
    p[judge.answers - 1] = 1 - p.reduce((a, b) => a + b, 0);
    return { type: 'judge', probabilities: p, end: judge.canEnd };
  }
  const mine = turn.view.debaters.find((d) => d.seat === turn.seat);
  return { type: 'speech', text: `I argue for "${turn.view.answers[mine?.answerIndex ?? 0]}".` };
}

let turns = 0;
let dropped = false;
const agent = connect({ url, key, name }, async (turn) => {
  turns++;
  say({ event: 'turn', turnId: turn.turnId, attempt: turn.attempt, seat: turn.seat, debateId: turn.debateId, refusal: turn.refusal ?? null, deadline: turn.deadline });
  if (behaviour === 'silent') return new Promise<never>(() => {});
  if (behaviour === 'malformed-once' && turns === 1) return { action: { type: 'shout', text: 'not an action' } } as never;
  if (behaviour === 'refuse') return { type: 'judge', probabilities: [2, -1], end: true };
  if (behaviour === 'drop-once' && !dropped) {
    dropped = true;
    // Drop the transport under the SDK (as a network failure would): it reconnects by itself,
    // and the answer, ready only after that, goes out on the new connection.
    const back = new Promise<void>((resolve) => agent.socket.once('connect', () => resolve()));
    agent.socket.io.engine.close();
    say({ event: 'dropped' });
    await back;
  }
  return { action: legalMove(turn), meta: { model: 'ts-test', tokens: 12 } };
});

if (framesFile) {
  // Record from the first frame of every WebSocket the SDK opens (each reconnect opens one).
  const hook = () => {
    const ws = (agent.socket.io.engine as unknown as { transport: { ws?: { on(e: string, f: (d: Buffer) => void): void } } }).transport.ws;
    ws?.on('message', (d: Buffer) => appendFileSync(framesFile, `${JSON.stringify(d.toString('utf8'))}\n`));
  };
  hook();
  agent.socket.io.on('reconnect_attempt', () => setImmediate(hook));
}
agent.socket.on('connect', () => say({ event: 'connected' }));
// Every turn message as it arrives, resends included (the handler above runs once per turn attempt).
agent.socket.on(AGENT_MESSAGE.turn, (turn) => say({ event: 'turn-message', turnId: turn.turnId, attempt: turn.attempt }));
agent.socket.on(AGENT_MESSAGE.cancel, (c) => say({ event: 'cancel', ...c }));
agent.socket.on('disconnect', (reason) => say({ event: 'disconnected', reason, closing: agent.closing }));
agent.ready.then(
  (w) => say({ event: 'welcome', name: w.name }),
  (err: unknown) => {
    say({ event: 'refused', code: err instanceof HandshakeRefused ? err.refusal.code : null, message: String(err) });
    process.exit(2);
  },
);
