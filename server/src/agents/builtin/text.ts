import { findQuote, normalizeWord, passageIndex, spanText } from '@arena/shared';

/** Words too common to say anything about which answer a sentence supports. */
const STOPWORDS = new Set(
  `a an the and or but if of to in on at by for with from into onto over under about as is are was were be been being
  it its this that these those he she they them his her their him we us our you your i me my not no so than then there
  here what which who whom whose when where why how all any each every some such do does did done have has had
  would could should will shall may might must can just only also very more most much many one two up down out off
  again once did said says say`.split(/\s+/),
);

/** Content terms of a text: normalised words, stopwords and one-letter words dropped. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\s+/)) {
    const w = normalizeWord(raw);
    if (w.length > 1 && !STOPWORDS.has(w)) out.push(stem(w));
  }
  return out;
}

/** A very light stemmer: enough to match "lamps"/"lamp" and "stolen"/"stole" style pairs. */
function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 4 && w.endsWith('es')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/**
 * Okapi BM25 over a small fixed collection (sentences of one passage, or the quotes a
 * judge has seen). k1 = 1.2, b = 0.75; idf uses the non-negative "+1" form.
 */
export class Bm25 {
  private readonly docs: Map<string, number>[];
  private readonly lengths: number[];
  private readonly avgLength: number;
  private readonly df = new Map<string, number>();

  private readonly k1: number;
  private readonly b: number;

  constructor(documents: readonly string[][], k1 = 1.2, b = 0.75) {
    this.k1 = k1;
    this.b = b;
    this.docs = documents.map((d) => {
      const tf = new Map<string, number>();
      for (const t of d) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const t of tf.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      return tf;
    });
    this.lengths = documents.map((d) => d.length);
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, documents.length) || 1;
  }

  idf(term: string): number {
    const n = this.docs.length;
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** BM25 score of document `i` for the query terms (repeated query terms count once). */
  score(i: number, query: readonly string[]): number {
    const tf = this.docs[i];
    if (!tf) return 0;
    const len = this.lengths[i] ?? 0;
    let s = 0;
    for (const t of new Set(query)) {
      const f = tf.get(t) ?? 0;
      if (!f) continue;
      s += (this.idf(t) * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * len) / this.avgLength));
    }
    return s;
  }
}

/** A quotable piece of the passage: a sentence or a clause of one, with its exact quoted length. */
export interface Unit {
  text: string;
  span: [number, number];
  /** Characters the engine will count for this quote (the passage's own text of the span). */
  quoteChars: number;
  terms: string[];
}

const unitCache = new Map<string, Unit[]>();

/**
 * Splits a passage into sentences and, for long sentences, clauses (split at , ; : and
 * dashes). Each unit is located with the engine's own quote matcher, so a unit quoted
 * verbatim is always verified and its counted length is known in advance.
 */
export function passageUnits(text: string): Unit[] {
  const cached = unitCache.get(text);
  if (cached) return cached;
  const index = passageIndex(text);
  const units: Unit[] = [];
  const seen = new Set<string>();
  const add = (piece: string) => {
    const trimmed = piece.trim();
    if (trimmed.split(/\s+/).length < 4) return;
    const span = findQuote(index, trimmed);
    if (!span) return;
    const key = span.join(':');
    if (seen.has(key)) return;
    seen.add(key);
    const exact = spanText(index, span[0], span[1]);
    units.push({ text: trimmed, span, quoteChars: exact.length, terms: terms(trimmed) });
  };
  for (const sentence of text.split(/(?<=[.!?]["'\u201d\u2019)]?)\s+|\n+/)) {
    add(sentence);
    if (sentence.length > 120) for (const clause of sentence.split(/[,;:\u2014\u2013]|\s-\s/)) add(clause);
  }
  if (unitCache.size > 64) unitCache.clear();
  unitCache.set(text, units);
  return units;
}

/** The longest word-prefix of `unit` whose quoted length fits in `budget`, or null. */
export function fitQuote(passage: string, unit: Unit, budget: number): { text: string; quoteChars: number } | null {
  if (unit.quoteChars <= budget) return { text: unit.text, quoteChars: unit.quoteChars };
  const words = unit.text.split(/\s+/);
  const index = passageIndex(passage);
  for (let n = words.length - 1; n >= 4; n--) {
    const candidate = words.slice(0, n).join(' ');
    if (candidate.length > budget) continue;
    const span = findQuote(index, candidate);
    if (!span) continue;
    const len = spanText(index, span[0], span[1]).length;
    if (len <= budget) return { text: candidate, quoteChars: len };
  }
  return null;
}

/** Whether a sentence denies something ("no", "not", "never", "didn't" …): such a quote can rule an answer out. */
export function hasNegation(text: string): boolean {
  return /\b(no|not|never|nothing|nobody|none|nor|neither|without)\b|n['\u2019]t\b/i.test(text);
}
