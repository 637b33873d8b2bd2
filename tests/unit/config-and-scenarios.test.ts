import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { passageText } from '@arena/shared';
import { ConfigError, loadConfig } from '../../server/src/config.ts';
import { loadScenarioPacks } from '../../server/src/scenarios/load.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 2567, dataDir: './data', databaseUrl: undefined, reconnectSeconds: 60 });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    // Study link secrets: every ARENA_ENTRY_SECRET… variable, at least 32 characters.
    expect(loadConfig({ ARENA_ENTRY_SECRET_PILOT: 'x'.repeat(32), ARENA_ENTRY_SECRETS_FILE: '', OTHER_SECRET: 'y'.repeat(40) }).entrySecrets).toEqual({ ARENA_ENTRY_SECRET_PILOT: 'x'.repeat(32) });
    expect(() => loadConfig({ ARENA_ENTRY_SECRET_PILOT: 'short' })).toThrow(/ARENA_ENTRY_SECRET_PILOT: a study link secret needs at least 32 characters/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ ARENA_RESEARCHER_TOKEN: 'short' })).toThrow(/ARENA_RESEARCHER_TOKEN/);
  });
});

describe('scenario packs', () => {
  it('ship at least 12 original passages of 300–1,500 words with 2–4 answers', async () => {
    const { packs, scenarios } = await loadScenarioPacks('scenarios');
    expect(packs.map((p) => p.id)).toContain('originals');
    const originals = scenarios.filter((s) => s.pack === 'originals');
    expect(originals.length).toBeGreaterThanOrEqual(12);
    for (const s of originals) {
      const words = passageText(s).split(/\s+/).filter(Boolean).length;
      expect(words, s.id).toBeGreaterThanOrEqual(300);
      expect(words, s.id).toBeLessThanOrEqual(1500);
      expect(s.answers.length).toBeGreaterThanOrEqual(2);
      // The question needs the passage: no answer is a verbatim sentence of it.
      for (const a of s.answers) expect(passageText(s).toLowerCase()).not.toContain(a.toLowerCase().replace(/\.$/, ''));
    }
  });

  function packWith(files: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'packs-'));
    mkdirSync(join(dir, 'p'));
    writeFileSync(join(dir, 'p', 'pack.json'), JSON.stringify({ id: 'p', title: 'P', source: 'test', licence: 'CC0' }));
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, 'p', name), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return dir;
  }

  const good = {
    id: 'ok',
    title: 'T',
    question: 'Q?',
    answers: ['a', 'b'],
    correctIndex: 0,
    evidence: { kind: 'passage', text: 'Some text.' },
    source: 's',
    licence: 'l',
  };

  it('reports a bad file by name and field', async () => {
    await expect(loadScenarioPacks(packWith({ 'ok.json': { ...good, answers: ['only one'] } }))).rejects.toThrow(/p\/ok\.json: answers: at least two answers/);
    await expect(loadScenarioPacks(packWith({ 'ok.json': { ...good, correctIndex: 5 } }))).rejects.toThrow(/ok\.json: correctIndex/);
    await expect(loadScenarioPacks(packWith({ 'ok.json': '{ not json' }))).rejects.toThrow(/ok\.json: invalid JSON/);
    await expect(loadScenarioPacks(packWith({ 'other.json': good }))).rejects.toThrow(/other\.json: id: "ok" does not match the file name/);
    const loaded = await loadScenarioPacks(packWith({ 'ok.json': good }));
    expect(loaded.scenarios[0]).toMatchObject({ id: 'ok', pack: 'p' });
  });
});
