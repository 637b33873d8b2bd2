import { z } from 'zod';

/**
 * Text that crosses a trust boundary (HTTP bodies, query strings, path parameters, room
 * messages) must be storable and printable as it is: Postgres refuses a NUL character
 * in text and JSON, and a lone UTF-16 surrogate is not Unicode at all (it cannot be
 * encoded as UTF-8 and is refused inside jsonb). Such strings are refused at the
 * boundary, with a reason naming the field, instead of failing deep inside the store.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` cannot be stored as text, or null when it can. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}

/** A string without NUL characters or lone surrogates. Chain `.min()`/`.max()` before passing it in, or use the default. */
export function safeText(base: z.ZodString = z.string()): z.ZodType<string> {
  return base.superRefine((s, ctx) => {
    const problem = textProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** Limits on free-form JSON (metadata): how deep, how many values, how long a string or key. */
export interface JsonLimits {
  depth: number;
  nodes: number;
}

/**
 * Where a JSON value breaks the limits or holds text that cannot be stored (a key or a
 * string with NUL or a lone surrogate), or null. Iterative, so a value nested 100,000
 * deep is refused without exhausting the stack.
 */
export function jsonProblem(value: unknown, limits: JsonLimits): string | null {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: '' }];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop() as { v: unknown; depth: number; path: string };
    if (++nodes > limits.nodes) return `more than ${limits.nodes} values`;
    if (depth > limits.depth) return `${path || 'value'}: nested deeper than ${limits.depth} levels`;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return `${path || 'value'}: ${problem}`;
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, path: `${path}[${i}]` }));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const problem = textProblem(k);
        if (problem) return `${path || 'value'}: a key ${problem}`;
        stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k });
      }
    } else if (typeof v === 'number' && !Number.isFinite(v)) {
      return `${path || 'value'}: not a finite number`;
    }
  }
  return null;
}

/** A JSON object of free-form labels, checked by jsonProblem (depth 8, 2,000 values by default). */
export function safeJsonRecord(limits: JsonLimits = { depth: 8, nodes: 2000 }) {
  return z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
    const problem = jsonProblem(v, limits);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
