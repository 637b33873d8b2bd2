/**
 * Passage evidence: tokens, quote spans and quote checking.
 *
 * A passage is split into tokens: every run of non-space characters, and every line
 * break on its own (the tokenization of the NYU debate dataset, so its spans carry
 * over). A quote is a span [start, end) of token indices. A span chosen in the UI is
 * verified by construction; free text between <quote> and </quote> (as AI debaters
 * write it) is matched after normalising case, punctuation, curly quotes and spaces,
 * and becomes a verified span or stays unverified.
 */

export interface Token {
  start: number;
  end: number;
}

export interface PassageIndex {
  text: string;
  tokens: Token[];
  /** Each token's normalised form ("" for pure punctuation). */
  normalized: string[];
  /** Normalised passage: the non-empty normalised tokens joined by single spaces. */
  joined: string;
  /** For each character offset in `joined` where a token starts, that token's index. */
  tokenAtOffset: Map<number, number>;
  /** For each token index with a normalised form, the offset in `joined` where it ends. */
  endOffset: Map<number, number>;
}

const TOKEN_RE = /\n|[^\s]+/g;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const start = m.index ?? 0;
    tokens.push({ start, end: start + m[0].length });
  }
  return tokens;
}

/** Lower case, straight quotes, no punctuation: the form in which quotes are compared. */
export function normalizeWord(word: string): string {
  return word
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export function normalizeText(text: string): string {
  return text
    .split(/\s+/)
    .map(normalizeWord)
    .filter((w) => w.length > 0)
    .join(' ');
}

const indexCache = new Map<string, PassageIndex>();
const INDEX_CACHE_SIZE = 64;

/** Builds (or fetches from a small cache) the index used for spans and quote matching. */
export function passageIndex(text: string): PassageIndex {
  const cached = indexCache.get(text);
  if (cached) return cached;
  const tokens = tokenize(text);
  const normalized = tokens.map((t) => normalizeWord(text.slice(t.start, t.end)));
  const tokenAtOffset = new Map<number, number>();
  const endOffset = new Map<number, number>();
  let joined = '';
  normalized.forEach((word, i) => {
    if (!word) return;
    if (joined.length) joined += ' ';
    tokenAtOffset.set(joined.length, i);
    joined += word;
    endOffset.set(i, joined.length);
  });
  const index = { text, tokens, normalized, joined, tokenAtOffset, endOffset };
  if (indexCache.size >= INDEX_CACHE_SIZE) indexCache.delete(indexCache.keys().next().value as string);
  indexCache.set(text, index);
  return index;
}

/** True when [start, end) is a non-empty span of whole tokens of the passage. */
export function isValidSpan(index: PassageIndex, start: number, end: number): boolean {
  return Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start && end <= index.tokens.length;
}

/** The exact passage text a span covers. */
export function spanText(index: PassageIndex, start: number, end: number): string {
  const first = index.tokens[start];
  const last = index.tokens[end - 1];
  if (!first || !last) throw new RangeError(`span [${start}, ${end}) is outside the passage`);
  return index.text.slice(first.start, last.end);
}

/**
 * Finds a quoted string in the passage, ignoring case, punctuation, curly quotes and
 * spacing. Only whole-word matches count. Returns the token span of the first match.
 */
export function findQuote(index: PassageIndex, quote: string): [number, number] | null {
  const needle = normalizeText(quote);
  if (!needle) return null;
  let from = 0;
  for (;;) {
    const at = index.joined.indexOf(needle, from);
    if (at < 0) return null;
    const endAt = at + needle.length;
    const startsWord = at === 0 || index.joined[at - 1] === ' ';
    const endsWord = endAt === index.joined.length || index.joined[endAt] === ' ';
    const first = index.tokenAtOffset.get(at);
    if (startsWord && endsWord && first !== undefined) {
      // Walk forward to the token whose normalised form ends at endAt.
      for (let t = first; t < index.tokens.length; t++) {
        const e = index.endOffset.get(t);
        if (e === undefined) continue;
        if (e === endAt) return [first, t + 1];
        if (e > endAt) break;
      }
    }
    from = at + 1;
  }
}

export type QuotePiece = { text: string } | { quoted: string };

/** Splits AI-style text into plain pieces and <quote>…</quote> pieces. An unclosed tag quotes to the end. */
export function splitQuoteTags(text: string): QuotePiece[] {
  const pieces: QuotePiece[] = [];
  const re = /<quote>([\s\S]*?)(?:<\/quote>|$)/gi;
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) pieces.push({ text: text.slice(last, at) });
    pieces.push({ quoted: m[1] ?? '' });
    last = at + m[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}
