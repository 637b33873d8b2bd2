/**
 * The story of an NYU room as an arena passage. The dataset stores the story as a token
 * list; the arena's passage tokenizer (runs of non-space characters, and each "\n" on
 * its own) was chosen so that joining the tokens with spaces (none around line breaks)
 * gives a text whose tokens are exactly the dataset's, and quote spans carry over.
 *
 * A few early rooms used an older tokenization (whole lines as tokens, empty tokens).
 * Their text is built the same way, and their spans are mapped onto the arena's tokens.
 */
import { tokenize } from '@arena/shared';

export interface NyuPassage {
  text: string;
  /** True when tokenize(text) reproduces the dataset's tokens exactly (spans unchanged). */
  exact: boolean;
  /** For inexact rooms: arena token index where each dataset token starts (length n + 1). */
  starts: number[] | null;
}

const PLAIN_TOKEN = /^(?:\n|\S+)$/;

export function joinTokens(tokens: readonly string[]): string {
  let text = '';
  let prev: string | null = null;
  for (const t of tokens) {
    if (prev !== null && prev !== '\n' && t !== '\n' && t !== '') text += ' ';
    text += t;
    if (t !== '') prev = t;
  }
  return text;
}

/** The dataset token list the arena tokenizer gives for a text (the export direction). */
export function tokenStrings(text: string): string[] {
  return tokenize(text).map((t) => text.slice(t.start, t.end));
}

export function buildPassage(tokens: readonly string[]): NyuPassage {
  const text = joinTokens(tokens);
  const arena = tokenStrings(text);
  const exact = tokens.every((t) => PLAIN_TOKEN.test(t));
  if (exact) {
    // The tokenizer's contract with the dataset: same tokens, same order.
    if (arena.length !== tokens.length || arena.some((t, i) => t !== tokens[i])) {
      throw new Error('the passage text does not reproduce the dataset tokens');
    }
    return { text, exact: true, starts: null };
  }
  const starts: number[] = [0];
  let n = 0;
  for (const t of tokens) {
    n += t === '\n' ? 1 : tokenize(t).length;
    starts.push(n);
  }
  if (n !== arena.length) throw new Error(`token mapping mismatch (${n} mapped, ${arena.length} in the text)`);
  return { text, exact: false, starts };
}

/** A dataset span [start, end) as an arena span, or null when it covers no arena token. */
export function mapSpan(passage: NyuPassage, span: readonly [number, number]): [number, number] | null {
  if (!passage.starts) return [span[0], span[1]];
  const s = passage.starts[span[0]];
  const e = passage.starts[span[1]];
  if (s === undefined || e === undefined || e <= s) return null;
  return [s, e];
}
