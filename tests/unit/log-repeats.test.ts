import { describe, expect, it } from 'vitest';
import { failureShape, RepeatLimiter } from '../../server/src/log.ts';

function sinkAndClock() {
  const lines: { level: 'error' | 'warn'; line: string }[] = [];
  let t = 0;
  const limiter = new RepeatLimiter(
    { error: (line) => lines.push({ level: 'error', line }), warn: (line) => lines.push({ level: 'warn', line }) },
    { windowMs: 60_000, maxShapes: 3, now: () => t },
  );
  return { lines, limiter, tick: (ms: number) => (t += ms) };
}

describe('the log of failures clients can cause', () => {
  it('gives failures that differ only in numbers, ids and quoted values one shape', () => {
    expect(failureShape("debate (roomId: abc123def456ghi7), couldn't decode message: 193\n    at unpack (x.js:1:2)")).toBe(
      failureShape("debate (roomId: zzzzzzzzzzzzzzzz), couldn't decode message: 7\n    at other (y.js:9:9)"),
    );
    expect(failureShape('Unknown message type "a"')).toBe(failureShape('Unknown message type "bcd"'));
    expect(failureShape('Unknown message type "a"')).not.toBe(failureShape('Data read, but end of buffer not reached'));
  });

  it('writes the first of a kind in full, counts the repeats and sums them up once a window', () => {
    const { lines, limiter, tick } = sinkAndClock();
    for (let i = 0; i < 1000; i++) limiter.error(`Error: Unknown MessagePack token ${i}\n    at unpack (unpack.js:${i}:1)`);
    expect(lines).toEqual([{ level: 'error', line: 'Error: Unknown MessagePack token 0\n    at unpack (unpack.js:0:1)' }]);
    tick(61_000);
    limiter.error('Error: Unknown MessagePack token 5');
    expect(lines.slice(1)).toEqual([
      { level: 'warn', line: '999 more like this in 61 s: Error: Unknown MessagePack token #' },
      { level: 'error', line: 'Error: Unknown MessagePack token 5' },
    ]);
  });

  it('remembers a bounded number of kinds and counts the rest together', () => {
    const { lines, limiter } = sinkAndClock();
    for (const kind of ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta']) limiter.error(`failure ${kind}`);
    limiter.flush();
    expect(lines.map((l) => l.line)).toEqual(['failure alpha', 'failure beta', 'failure gamma', '3 more failures of other kinds in 1 s']);
  });

  it('masks tokens in what it writes', () => {
    const { lines, limiter } = sinkAndClock();
    limiter.error('GET /api/x: Error: bad Bearer abcdefghijklmnop');
    expect(lines[0]!.line).not.toContain('abcdefghijklmnop');
  });
});
