/**
 * A small dataset in the public format of the NYU debate dataset (Michael et al. 2023):
 * debates/official/<room>.json and debates-metadata.json, with stories and debates written
 * here. Its rooms cover the importer's paths: a human debate judged live with offline
 * judges, scratchpads and feedback; human consultancies (one quoting past the story's
 * end); a debate with no live judge, ended by the debaters, over a story in the older
 * tokenization with no quote limit; an AI consultancy.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The rooms of the fixture, by what they stand for. */
export const NYU_FIXTURE = {
  /** Human debate, judged live to the end, in the paper, with an offline judge. */
  debate: 'lighthouse-0',
  /** Human consultancy, judged live to the end, in the paper. */
  consultancy: 'lighthouse-1',
  /** Human consultancy in the paper whose last quote runs past the story's end. */
  clippedConsultancy: 'lighthouse-2',
  /** Human debate without a live judge: the debaters agreed to end it; judged offline only. */
  noLiveJudge: 'tide-mill-3',
  /** AI consultancy, judged live, not in the paper. */
  aiConsultancy: 'tide-mill-4',
} as const;

const WORDS = ['north', 'south', 'grey', 'salt', 'copper', 'amber', 'quiet', 'narrow', 'second', 'last', 'eastern', 'winter', 'summer', 'broken', 'early'];

/** A story in tokens, one paragraph of plain words per line, thirty lines over 80 characters. */
function lighthouseStory(): string[] {
  const tokens = ['THE', 'LAMP', 'ON', 'THE', 'POINT', '\n', '\n'];
  for (let i = 0; i < 30; i++) {
    const w = WORDS[i % WORDS.length]!;
    const paragraph = `On the ${w} morning of week ${i + 1} the keeper climbed the ${w} stair and wrote in the log that ${i % 2 ? 'the oil casks were counted twice' : 'the glass was cleaned before dusk'} while the ${w} wind kept on`;
    tokens.push(...paragraph.split(' '), '.', '\n');
  }
  tokens.push('Smugglers', 'took', 'the', 'oil', 'in', 'the', 'end', '.');
  return tokens;
}
const LIGHTHOUSE = lighthouseStory();
const OIL = LIGHTHOUSE.indexOf('Smugglers');

/** A story in the older tokenization: whole lines as tokens, some empty. */
const TIDE_MILL = ['The Tide Mill', '\n', '', 'By A. Writer', '\n', 'The', 'miller', 'opened', 'the', 'sluice', 'at', 'high', 'water', '.', '\n', 'The', 'wheel', 'turned', 'until', 'the', 'pond', 'ran', 'dry', '.'];

const SCORING = { LogScoreWithLinearPenalty: { baseCoefficient: 1.0, constant: 0.0, logBase: 2.0, perTurnPenalty: 0.05 } };
const judgeRound = { JudgeFeedbackRound: { reportBeliefs: true, charLimit: 750 } };
const speechRound = (kind: 'Simultaneous' | 'Sequential', quoteLimit: number | null, assignedDebatersOnly: boolean) => ({
  [`${kind}SpeechesRound`]: { charLimit: 750, quoteLimit, assignedDebatersOnly },
});
const DEBATE_RULES = {
  fixedOpening: [judgeRound, speechRound('Simultaneous', 250, false), judgeRound],
  repeatingStructure: [speechRound('Sequential', 250, false), judgeRound],
  fixedClosing: null,
  globalQuoteRestriction: null,
  scoringFunction: SCORING,
};
const CONSULTANCY_RULES = {
  fixedOpening: [judgeRound],
  repeatingStructure: [speechRound('Sequential', 250, true), judgeRound],
  fixedClosing: null,
  globalQuoteRestriction: null,
  scoringFunction: SCORING,
};
const NO_JUDGE_RULES = {
  fixedOpening: [speechRound('Simultaneous', null, false), { NegotiateEndRound: { assignedDebatersOnly: false } }],
  repeatingStructure: [speechRound('Sequential', null, false), { NegotiateEndRound: { assignedDebatersOnly: false } }],
  fixedClosing: null,
  globalQuoteRestriction: null,
  scoringFunction: SCORING,
};

type Content = { Text: { text: string } } | { Quote: { span: [number, number] } };
const text = (t: string): Content => ({ Text: { text: t } });
const quote = (from: number, to: number): Content => ({ Quote: { span: [from, to] } });
const speech = (speaker: string, timestamp: number, content: Content[]) => ({ speaker, timestamp, content });
const judgement = (speaker: string, timestamp: number, distribution: number[], endDebate: boolean, words = '') => ({
  distribution,
  feedback: speech(speaker, timestamp, words ? [text(words)] : []),
  endDebate,
});
const judged = (...a: Parameters<typeof judgement>) => ({ JudgeFeedback: judgement(...a) });
const survey = (role: string, reason: string) => ({ [role]: { answers: { clarity: { first: 3, second: 2 }, 'judge reasoning': 3, 'reason for outcome': reason } } });

interface Room {
  setup: {
    rules: unknown;
    sourceMaterial: { QuALITYSourceMaterial: { articleId: string; title: string; contents: string[] } };
    question: string;
    answers: string[];
    correctAnswerIndex: number;
    roles: Record<string, string>;
    offlineJudges: Record<string, string>;
    creationTime: number;
  };
  rounds: unknown[];
  feedback: Record<string, unknown>;
  scratchpads: Record<string, unknown>;
}

const lighthouse = (articleId: string) => ({ QuALITYSourceMaterial: { articleId, title: 'The Lamp on the Point', contents: LIGHTHOUSE } });
const LAMP_QUESTION = 'Why did the lamp on the point go dark?';
const LAMP_ANSWERS = ['The keeper was ordered to dim it', 'Smugglers took the oil'];

function debateRoom(): Room {
  const offline = { mode: 'stepped', startTimeMillis: 9_000, judgments: [judgement('Olive', 9_100, [0.5, 0.5], false), judgement('Olive', 9_200, [0.3, 0.7], true, 'B quoted the end.')] };
  return {
    setup: {
      rules: DEBATE_RULES,
      sourceMaterial: lighthouse('90001'),
      question: LAMP_QUESTION,
      answers: LAMP_ANSWERS,
      correctAnswerIndex: 1,
      roles: { 'Debater A': 'Alder', 'Debater B': 'Birch', Judge: 'Juniper' },
      offlineJudges: { Olive: 'stepped' },
      creationTime: 1_000,
    },
    rounds: [
      judged('Juniper', 2_000, [0.5, 0.5], false),
      {
        SimultaneousSpeeches: {
          speeches: {
            '0': speech('Alder', 3_500, [text('The keeper wrote it himself: '), quote(7, 12), text(' so he was told to.')]),
            '1': speech('Birch', 3_000, [text('Read the last line: '), quote(OIL, OIL + 4)]),
          },
        },
      },
      judged('Juniper', 4_000, [0.4, 0.6], false, 'Alder, where is the order?'),
      { SequentialSpeeches: { speeches: { '0': speech('Alder', 5_000, [text('The log speaks of dusk, not of oil.')]), '1': speech('Birch', 6_000, [quote(OIL, OIL + 8)]) } } },
      judged('Juniper', 7_000, [0.2, 0.8], true, 'Birch wins.'),
      { OfflineJudgments: { judgments: { Olive: offline } } },
    ],
    feedback: { Juniper: survey('Judge', 'the last line decided it'), Alder: survey('Debater', 'no quote for the order') },
    scratchpads: { 'Debater A': [[text('Quotes: '), quote(7, 12)]] },
  };
}

function consultancyRoom(articleId: string, lastQuoteEnd: number): Room {
  return {
    setup: {
      rules: CONSULTANCY_RULES,
      sourceMaterial: lighthouse(articleId),
      question: LAMP_QUESTION,
      answers: LAMP_ANSWERS,
      correctAnswerIndex: 1,
      roles: { 'Debater A': 'Cedar', Judge: 'Hazel' },
      offlineJudges: {},
      creationTime: 10_000,
    },
    rounds: [
      judged('Hazel', 11_000, [0.6, 0.4], false),
      { SequentialSpeeches: { speeches: { '0': speech('Cedar', 12_000, [text('The keeper wrote '), quote(7, 14), text(' and nothing of smugglers.')]) } } },
      judged('Hazel', 13_000, [0.45, 0.55], false, 'Show me the end of the log.'),
      { SequentialSpeeches: { speeches: { '0': speech('Cedar', 14_000, [text('Here: '), quote(OIL - 3, lastQuoteEnd)]) } } },
      judged('Hazel', 15_000, [0.1, 0.9], true, 'The end says oil.'),
    ],
    feedback: { Hazel: survey('Judge', 'the consultant showed the end') },
    scratchpads: {},
  };
}

function noLiveJudgeRoom(): Room {
  const offline = (who: string, mode: string, p: number[]) => ({ mode, startTimeMillis: 30_000, judgments: [judgement(who, 30_100, p, true, 'read both')] });
  return {
    setup: {
      rules: NO_JUDGE_RULES,
      sourceMaterial: { QuALITYSourceMaterial: { articleId: '90004', title: 'The Tide Mill', contents: TIDE_MILL } },
      question: 'Why did the wheel stop?',
      answers: ['The pond ran dry', 'The sluice was shut'],
      correctAnswerIndex: 0,
      roles: { 'Debater A': 'Rowan', 'Debater B': 'Sorrel' },
      offlineJudges: { Tansy: 'timed', Yarrow: 'stepped' },
      creationTime: 20_000,
    },
    rounds: [
      { SimultaneousSpeeches: { speeches: { '0': speech('Rowan', 21_000, [text('It turned '), quote(15, 24)]), '1': speech('Sorrel', 21_500, [text('The miller '), quote(5, 10)]) } } },
      { NegotiateEnd: { votes: { '0': false, '1': false } } },
      { SequentialSpeeches: { speeches: { '0': speech('Rowan', 22_000, [quote(19, 24)]), '1': speech('Sorrel', 23_000, [text('Opened, then shut.')]) } } },
      { NegotiateEnd: { votes: { '0': true, '1': true } } },
      { OfflineJudgments: { judgments: { Tansy: offline('Tansy', 'timed', [0.8, 0.2]), Yarrow: offline('Yarrow', 'stepped', [0.7, 0.3]) } } },
    ],
    feedback: { Yarrow: { OfflineJudge: { answers: { 'reason for outcome': 'the pond' } } } },
    scratchpads: {},
  };
}

function aiConsultancyRoom(): Room {
  const room = consultancyRoom('90005', OIL + 4);
  room.setup.roles = { 'Debater A': 'GPT-4', Judge: 'Hazel' };
  room.setup.creationTime = 40_000;
  for (const r of room.rounds as Record<string, { speeches?: Record<string, { speaker: string }> }>[]) {
    for (const s of Object.values(r['SequentialSpeeches']?.speeches ?? {})) s.speaker = 'GPT-4';
  }
  return room;
}

function metadata(name: string, room: Room, setting: { isHuman: boolean; isDebate: boolean }, includedInPaper: boolean, status: unknown) {
  const honest = `Debater ${'AB'[room.setup.correctAnswerIndex]}`;
  const ultimateRoles = Object.fromEntries(Object.entries(room.setup.roles).map(([role, who]) => [role === 'Judge' ? 'Judge' : role === honest ? 'Honest Debater' : 'Dishonest Debater', who]));
  const title = room.setup.sourceMaterial.QuALITYSourceMaterial.title;
  return {
    setting,
    name,
    sourceMaterialId: { QuALITYStory: { id: room.setup.sourceMaterial.QuALITYSourceMaterial.articleId, title } },
    storyTitle: title,
    question: room.setup.question,
    roleAssignments: room.setup.roles,
    ultimateRoles,
    offlineJudges: room.setup.offlineJudges,
    creationTime: room.setup.creationTime,
    status,
    latestUpdateTime: room.setup.creationTime + 50_000,
    currentSpeakers: [],
    includedInPaper,
  };
}

const judgeDecided = (room: Room, finalJudgement: number[], numContinues: number) => ({
  Complete: {
    result: { timestamp: room.setup.creationTime + 50_000, correctAnswerIndex: room.setup.correctAnswerIndex, endedBy: { JudgeDecided: {} }, judgingInfo: { correctAnswerIndex: room.setup.correctAnswerIndex, numContinues, finalJudgement, judgeReward: -0.2 } },
    offlineJudgingResults: {},
    feedbackProviders: Object.keys(room.feedback),
  },
});

/** Every room of the fixture with its metadata record. */
function fixtureRooms(): { name: string; room: Room; meta: Record<string, unknown> }[] {
  const debate = debateRoom();
  const consultancy = consultancyRoom('90002', OIL + 4);
  const clipped = consultancyRoom('90003', LIGHTHOUSE.length + 2);
  const noJudge = noLiveJudgeRoom();
  const ai = aiConsultancyRoom();
  const F = NYU_FIXTURE;
  return [
    { name: F.debate, room: debate, meta: metadata(F.debate, debate, { isHuman: true, isDebate: true }, true, judgeDecided(debate, [0.2, 0.8], 2)) },
    { name: F.consultancy, room: consultancy, meta: metadata(F.consultancy, consultancy, { isHuman: true, isDebate: false }, true, judgeDecided(consultancy, [0.1, 0.9], 2)) },
    { name: F.clippedConsultancy, room: clipped, meta: metadata(F.clippedConsultancy, clipped, { isHuman: true, isDebate: false }, true, judgeDecided(clipped, [0.1, 0.9], 2)) },
    {
      name: F.noLiveJudge,
      room: noJudge,
      meta: metadata(F.noLiveJudge, noJudge, { isHuman: true, isDebate: true }, false, {
        Complete: { result: { timestamp: 25_000, correctAnswerIndex: 0, endedBy: { MutualAgreement: {} }, judgingInfo: null }, offlineJudgingResults: {}, feedbackProviders: ['Yarrow'] },
      }),
    },
    { name: F.aiConsultancy, room: ai, meta: metadata(F.aiConsultancy, ai, { isHuman: false, isDebate: false }, false, judgeDecided(ai, [0.1, 0.9], 2)) },
  ];
}

/**
 * Writes the fixture (or the named rooms of it) into `folder` in the dataset's layout,
 * with the whole metadata file plus a record for a room that never began; returns the
 * rooms folder (folder/debates/official).
 */
export function writeNyuFixture(folder: string, rooms: string[] = Object.values(NYU_FIXTURE)): string {
  const official = join(folder, 'debates', 'official');
  mkdirSync(official, { recursive: true });
  const all = fixtureRooms();
  for (const name of rooms) {
    const r = all.find((x) => x.name === name);
    if (!r) throw new Error(`no room "${name}" in the NYU fixture`);
    writeFileSync(join(official, `${name}.json`), JSON.stringify(r.room));
  }
  const waiting = { ...all[1]!.meta, name: 'tide-mill-9', status: { WaitingToBegin: {} }, currentSpeakers: [{ Judge: {} }], includedInPaper: false };
  writeFileSync(join(folder, 'debates-metadata.json'), JSON.stringify([...all.map((r) => r.meta), waiting]));
  return official;
}
