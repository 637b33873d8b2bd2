import { answerLabel, answerPosition, findQuote, passageIndex, spanText, splitQuoteTags, type Rules } from '@arena/shared';
import { toProbabilities } from '../builtin/common.ts';

export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

export interface JudgeDecision {
  probabilities: number[];
  end: boolean | null;
  comment: string;
}

/** Answers are numbered (shared/src/game/naming.ts); a model that answers with letters A–D is understood too. */
const LETTERS = ['A', 'B', 'C', 'D'];

function numberOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const m = /^\s*([0-9]*\.?[0-9]+)\s*(%?)\s*$/.exec(v);
    if (m) return Number(m[1]) / (m[2] ? 100 : 1);
  }
  return null;
}

/** Percentages (sum near 100) become fractions; then clamp to [0.01, 0.99] and sum to exactly 1. */
function normalise(raw: number[]): number[] {
  const sum = raw.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new ParseError('the probabilities sum to zero');
  const scaled = sum > 1.5 ? raw.map((x) => x / 100) : raw;
  return toProbabilities(scaled);
}

function fromJson(text: string, answers: number): JudgeDecision | null {
  // The outermost {...} block, fenced or not.
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  let obj: unknown;
  try {
    obj = JSON.parse(text.slice(start, end + 1));
  } catch {
    return null;
  }
  if (!obj || typeof obj !== 'object') return null;
  const o = obj as Record<string, unknown>;
  const src = o.probabilities ?? o.probs ?? o;
  let raw: (number | null)[] = [];
  if (Array.isArray(src)) raw = src.map(numberOf);
  else if (src && typeof src === 'object') {
    const rec = src as Record<string, unknown>;
    raw = LETTERS.slice(0, answers).map((l, i) => numberOf(rec[answerLabel(i)] ?? rec[l] ?? rec[l.toLowerCase()]));
  }
  if (raw.length !== answers || raw.some((x) => x === null)) return null;
  const endValue = o.end ?? o.final ?? o.done;
  return {
    probabilities: normalise(raw as number[]),
    end: typeof endValue === 'boolean' ? endValue : null,
    comment: typeof o.comment === 'string' ? o.comment : '',
  };
}

function fromLines(text: string, answers: number): JudgeDecision | null {
  const found = new Map<number, number>();
  const re = /^[ \t]*[*_]*\(?(?:answer[ \t]+)?([A-D]|[1-4])\)?[*_]*[ \t]*[:=\-–][ \t]*([0-9]*\.?[0-9]+)[ \t]*(%?)/gim;
  for (const m of text.matchAll(re)) {
    const named = m[1] ?? '';
    const i = /^[1-4]$/.test(named) ? answerPosition(named, answers) : LETTERS.indexOf(named.toUpperCase());
    if (i < 0 || i >= answers || found.has(i)) continue;
    found.set(i, Number(m[2]) / (m[3] ? 100 : 1));
  }
  if (found.size !== answers) return null;
  const endMatch = /(?:^|\n)\s*end\s*[:=]\s*(true|false|yes|no)/i.exec(text);
  return {
    probabilities: normalise([...Array(answers).keys()].map((i) => found.get(i) as number)),
    end: endMatch ? /true|yes/i.test(endMatch[1] ?? '') : null,
    comment: '',
  };
}

/** Reads a judge's reply: JSON ({"probabilities": {"A": 0.7, …}} or an array), else lines like "A: 0.7". */
export function parseJudgeReply(text: string, answers: number): JudgeDecision {
  const decision = fromJson(text, answers) ?? fromLines(text, answers);
  if (!decision) throw new ParseError(`could not read ${answers} probabilities from the reply: ${JSON.stringify(text.slice(0, 200))}`);
  return decision;
}

/**
 * Cuts a debater's reply to the rules' limits the way the engine counts them (quotes by
 * the passage text they match): drops quotes that would pass the quote budget, and
 * shortens plain text at a word boundary to fit the character limit.
 */
export function trimSpeech(reply: string, passage: string, rules: Pick<Rules, 'speechChars' | 'quoteChars'>): string {
  const text = reply
    .trim()
    .replace(/^```[a-z]*\n?|```$/g, '')
    .trim();
  const index = passageIndex(passage);
  let chars = 0;
  let quoteChars = 0;
  const out: string[] = [];
  for (const piece of splitQuoteTags(text)) {
    if ('quoted' in piece) {
      const q = piece.quoted.trim();
      if (!q) continue;
      const span = findQuote(index, q);
      const len = span ? spanText(index, span[0], span[1]).length : q.length;
      if (quoteChars + len > rules.quoteChars || chars + len > rules.speechChars) continue;
      out.push(`<quote>${q}</quote>`);
      chars += len;
      quoteChars += len;
      continue;
    }
    const room = rules.speechChars - chars;
    if (room <= 0) break;
    let t = piece.text;
    if (t.length > room) {
      const cut = t.slice(0, room);
      const space = cut.lastIndexOf(' ');
      t = space > room * 0.5 ? cut.slice(0, space) : cut;
    }
    out.push(t);
    chars += t.length;
  }
  return out.join('');
}

/**
 * The answer an open protocol's debater chooses: JSON {"answer": "2"} (or a bare number in
 * the reply; letters A–D are understood too). Returns the shown position; a reply naming
 * no answer is a ParseError.
 */
export function parseChoiceReply(text: string, answers: number): number {
  const letters = 'ABCD'.slice(0, answers);
  const json = /"answer"\s*:\s*"?\s*([1-4A-Da-d])\b/.exec(text);
  const bare = new RegExp(`\\b([1-${answers}]|[${letters}])\\b`).exec(text.replace(/<[^>]*>/g, ' '));
  const named = (json?.[1] ?? bare?.[1])?.toUpperCase();
  const index = named === undefined ? -1 : /^[1-4]$/.test(named) ? answerPosition(named, answers) : letters.indexOf(named);
  if (index < 0) throw new ParseError(`no answer number (1 to ${answers}) in the reply`);
  return index;
}
