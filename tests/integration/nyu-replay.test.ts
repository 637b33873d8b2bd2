import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passageText, replay, type DebateView, type TranscriptRecord } from '@arena/shared';
import { importNyuFolder } from '../../server/src/importers/nyu/import.ts';
import { RESEARCHER_TOKEN, startArena, type TestArena } from '../helpers/arena.ts';
import { NYU_FIXTURE, writeNyuFixture } from '../helpers/nyu-fixture.ts';

let t: TestArena;
beforeAll(async () => {
  t = await startArena();
  const folder = mkdtempSync(join(tmpdir(), 'nyu-replay-'));
  writeNyuFixture(folder, [NYU_FIXTURE.debate]);
  // Imports are private by default; this one is imported public, so its replay is open to anyone.
  await importNyuFolder(t.store, folder, { visibility: 'public' });
  const privateFolder = mkdtempSync(join(tmpdir(), 'nyu-replay-private-'));
  writeNyuFixture(privateFolder, [NYU_FIXTURE.consultancy]);
  await importNyuFolder(t.store, privateFolder);
});
afterAll(() => t.close());

describe('an imported NYU debate in the replay API', () => {
  it('opens as the judge saw it, redacted like a live debate, and in full once finished', async () => {
    const id = `nyu-${NYU_FIXTURE.debate}`;
    const full = await t.api<TranscriptRecord>(`/api/debates/${id}/transcript?seat=full`);
    expect(full.status).toBe(200);
    expect(full.body.status).toBe('finished');
    const state = replay(full.body.header, full.body.events);
    expect(state.verdict).toEqual(full.body.verdict);

    const judge = await t.api<{ steps: DebateView[] }>(`/api/debates/${id}/transcript?seat=judge`);
    expect(judge.status).toBe(200);
    const steps = judge.body.steps;
    expect(steps.length).toBeGreaterThan(3);
    const last = steps.at(-1)!;
    expect(last.verdict?.probabilities).toEqual(full.body.verdict?.probabilities);
    // The story stays hidden: a long stretch of it that nobody quoted never appears.
    const quoted = last.quotes.map((q) => q.text).join(' ');
    const story = passageText(full.body.header.scenario);
    const lines = story.split(/\n+/).map((l) => l.trim()).filter((l) => l.length > 80 && !quoted.includes(l.slice(0, 60)));
    expect(lines.length).toBeGreaterThan(10);
    const bytes = JSON.stringify(steps);
    for (const l of lines) expect(bytes).not.toContain(l);
    expect(JSON.stringify(steps.slice(0, -1))).not.toContain('correctIndex');
  });

  it('an import is private by default: unlisted, and its transcripts for researchers only', async () => {
    const id = `nyu-${NYU_FIXTURE.consultancy}`;
    expect((await t.api(`/api/debates/${id}/transcript?seat=full`)).status).toBe(404);
    expect((await t.api(`/api/debates/${id}/transcript?seat=judge`)).status).toBe(404);
    expect((await t.api('/api/debates?limit=100')).body.debates.map((d: { id: string }) => d.id)).toEqual([`nyu-${NYU_FIXTURE.debate}`]);
    const full = await t.api<TranscriptRecord>(`/api/debates/${id}/transcript?seat=full`, { token: RESEARCHER_TOKEN });
    expect(full.status).toBe(200);
    expect(full.body.header.id).toBe(id);
  });
});
