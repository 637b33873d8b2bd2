import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';
import { EXAMPLE_SPEC } from '../../server/src/studies/example.ts';
import { resolveStudy } from '../../server/src/studies/resolve.ts';
import { parseSpec, readSpecFile, redirectFor, SpecError, specHash } from '../../server/src/studies/spec.ts';
import { runArena } from '../helpers/cli.ts';

const { scenarios } = await loadScenarioPacks('scenarios');
const all = new Map(scenarios.map((s) => [s.id, s]));
const anyAgent = (id: string) => (id.startsWith('builtin:') ? null : `unknown agent "${id}"`);

describe('study spec', () => {
  it('the example written by init is valid and its design is 11 scenarios × 3 conditions', () => {
    const spec = parseSpec(EXAMPLE_SPEC, 'example.yaml');
    const design = resolveStudy(spec, all, anyAgent);
    expect(design.cells).toHaveLength(33);
    expect(design.checks[0]!.answers[design.checks[0]!.correctIndex]).toBe('Purple');
    expect(redirectFor(spec, 'C1A2B3C4')).toBe('https://app.prolific.com/submissions/complete?cc=C1A2B3C4');
  });

  it('errors name the file and the field', () => {
    const bad = EXAMPLE_SPEC.replace('itemsPerParticipant: 3', 'itemsPerParticipant: -1');
    expect(() => parseSpec(bad, 'study.yaml')).toThrow(/^study\.yaml: itemsPerParticipant: /);
    const noCode = EXAMPLE_SPEC.replace('{code}', 'x');
    expect(() => parseSpec(noCode, 'study.yaml')).toThrow(/completion\.redirect: must contain \{code\}/);
    const twice = EXAMPLE_SPEC.replace('declined: DECLINE01', 'declined: C1A2B3C4');
    expect(() => parseSpec(twice, 'study.yaml')).toThrow(/completion\.codes: each outcome needs its own code/);
    expect(() => parseSpec('id: [', 'broken.yaml')).toThrow(/^broken\.yaml: not valid YAML or JSON/);
    const spec = parseSpec(EXAMPLE_SPEC);
    expect(() => resolveStudy({ ...spec, scenarios: { packs: [], ids: ['nope'] } }, all, anyAgent, 's.yaml')).toThrow(/^s\.yaml: scenarios\.ids\.0: no scenario "nope"/);
    expect(() => resolveStudy({ ...spec, conditions: [{ name: 'debate', preset: 'debate', debaters: 'gpt-x' }] }, all, anyAgent, 's.yaml')).toThrow(/conditions\.0\.debaters: unknown agent "gpt-x"/);
    expect(() => resolveStudy({ ...spec, practice: [{ scenario: 'the-lantern-room', condition: 'debate' }] }, all, anyAgent, 's.yaml')).toThrow(/practice\.0\.scenario: "the-lantern-room" is also a study item/);
    expect(() => resolveStudy({ ...spec, conditions: [{ name: 'd', preset: 'debate', rules: { speechChars: 0 } }] }, all, anyAgent, 's.yaml')).toThrow(/conditions\.0\.rules: speechChars/);
  });

  it('stored debates and human debaters: items must be named, names must not clash, human seats need the lobby settings', () => {
    const raw = parseYaml(EXAMPLE_SPEC) as Record<string, unknown>;
    const text = (o: Record<string, unknown>) => JSON.stringify(o);
    const { scenarios: _s, conditions: _c, practice: _p, ...noItems } = raw;
    expect(() => parseSpec(text(noItems), 's.yaml')).toThrow(/s\.yaml: scenarios: name the items/);
    const rejudgeOnly = parseSpec(text({ ...noItems, debates: { sources: ['nyu-debate-2023'], limit: 20 } }), 's.yaml');
    expect(rejudgeOnly.debates).toMatchObject({ condition: 'rejudge', ids: [], packs: [] });
    expect(() => parseSpec(text({ ...noItems, debates: {} }), 's.yaml')).toThrow(/debates: name at least one debate id, source or pack/);
    expect(() => parseSpec(text({ ...raw, debates: { ids: ['x'], condition: 'debate' } }), 's.yaml')).toThrow(/debates\.condition: "debate" is already a condition's name/);
    expect(() => parseSpec(text({ ...raw, conditions: [{ name: 'people', preset: 'debate', debaters: 'human' }], practice: [] }), 's.yaml')).toThrow(/humanDebaters: a condition has human debaters/);
    const people = parseSpec(text({ ...raw, conditions: [{ name: 'people', preset: 'debate', debaters: { A: 'human', B: 'builtin:passage-debater' } }], practice: [], humanDebaters: {} }));
    expect(people.humanDebaters).toMatchObject({ lobbySeconds: 120, debatesPerDebater: 3 });
    const design = resolveStudy(people, all, anyAgent);
    // Seats not named (C and D, for questions with more answers) take seat A's fill.
    expect(design.conditions.get('people')).toMatchObject({ humanSeats: ['A', 'C', 'D'], debaters: { B: 'builtin:passage-debater' } });
    // Offline (no store at hand), a spec with stored debates validates without them; at launch they are chosen.
    expect(resolveStudy(rejudgeOnly, all, anyAgent, 's.yaml', null).cells).toHaveLength(0);
    expect(() => resolveStudy(rejudgeOnly, all, anyAgent, 's.yaml', [])).toThrow(/itemsPerParticipant: 3 items per participant, but only 0 distinct stories/);
  });

  it('JSON works as well as YAML, and the hash ignores key order and formatting', () => {
    const spec = parseSpec(EXAMPLE_SPEC);
    const reordered = parseSpec(JSON.stringify(Object.fromEntries(Object.entries(parseYaml(EXAMPLE_SPEC) as object).reverse())));
    expect(specHash(reordered)).toBe(specHash(spec));
    expect(specHash(parseSpec(EXAMPLE_SPEC.replace('seed: pilot-2026-1', 'seed: pilot-2026-2')))).not.toBe(specHash(spec));
  });

  it('arena study init writes the example and validate checks a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'study-spec-'));
    const file = join(dir, 'study.yaml');
    expect(await runArena('study', 'init', '--out', file)).toMatch(/wrote/);
    expect(readFileSync(file, 'utf8')).toBe(EXAMPLE_SPEC);
    expect(await runArena('study', 'validate', file)).toMatch(/valid\. Study pilot-originals.*33 cells × 2 = 66 judgements/s);
    writeFileSync(file, EXAMPLE_SPEC.replace('judgementsPerCell: 2', 'judgementsPerCell: two'));
    await expect(runArena('study', 'validate', file)).rejects.toThrow(`${file}: judgementsPerCell:`);
    await expect(readSpecFile(join(dir, 'missing.yaml'))).rejects.toBeInstanceOf(SpecError);
    // Stored debates are chosen from the server's store at launch; validate says so, simulate declines them.
    writeFileSync(file, `${EXAMPLE_SPEC}\ndebates:\n  sources: [nyu-debate-2023]\n`);
    expect(await runArena('study', 'validate', file)).toMatch(/plus 2 re-judgings of each stored debate/);
    await expect(runArena('study', 'simulate', file, '--out', join(dir, 'out'))).rejects.toThrow(/cannot re-judge stored debates/);
  });

  it('validate refuses a design whose queue holds more items argued by paid agents than paidAgents.perParticipant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'study-paid-'));
    const agents = join(dir, 'agents.json');
    // A configured LLM agent (never called here): every move of it would cost money.
    writeFileSync(agents, JSON.stringify({ agents: { 'llm-debater': { provider: 'openai', model: 'm', baseURL: 'http://127.0.0.1:9/v1', roles: ['debater'] } } }));
    const file = join(dir, 'study.yaml');
    // Debate and consultancy argued by the LLM: 2 of each participant's 3 items, plus the practice item (a debate).
    const paid = EXAMPLE_SPEC.replaceAll('debaters: builtin:passage-debater        # or per seat', 'debaters: llm-debater  # or per seat').replace('    debaters: builtin:passage-debater\n  - name: blind', '    debaters: llm-debater\n  - name: blind');
    writeFileSync(file, `${paid}\npaidAgents: { perParticipant: 2 }\n`);
    await expect(runArena('study', 'validate', file, '--agents', agents)).rejects.toThrow(/can hold 3 items argued by paid agents, above paidAgents\.perParticipant \(2\)/);
    writeFileSync(file, `${paid}\npaidAgents: { perParticipant: 3 }\n`);
    expect(await runArena('study', 'validate', file, '--agents', agents)).toMatch(/valid\./);
  });
});
