import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rulesFor, Scenario } from '@arena/shared';
import { createAgent } from '../../server/src/agent-catalog.ts';
import { rejudgeHeader } from '../../server/src/rejudge/header.ts';
import { playDebate } from '../../server/src/selfplay/run-debate.ts';

const scenario = Scenario.parse(JSON.parse(readFileSync('scenarios/originals/the-lantern-room.json', 'utf8')));

describe('provenance is set by the code path that creates a debate', () => {
  it('self-play records "selfplay", and a re-judging of it "rejudge"', async () => {
    const agent = (seat: string) => createAgent(seat === 'judge' ? 'builtin:passage-judge' : 'builtin:passage-debater', { seed: `p/${seat}` });
    const record = await playDebate({ id: 'prov-1', scenario, rules: rulesFor('debate'), seed: 'p', startAt: 0, agents: { A: agent('A'), B: agent('B'), judge: agent('judge') } });
    expect(record.header.provenance).toBe('selfplay');
    const again = rejudgeHeader(record, { id: 'rj-prov-1', seed: 's', createdAt: 1, judge: { kind: 'human' } });
    expect(again.provenance).toBe('rejudge');
  });
});
