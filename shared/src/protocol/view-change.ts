/**
 * Views travel as changes: a connection receives its seat's whole view once (on join,
 * reconnect or `sync`), then only what changed between two successive outputs of the
 * one gate, viewFor. A change never holds anything the new view does not, so the gate
 * stays the only place that decides what a seat may know.
 *
 * A change sets or removes top-level fields, and for arrays (rounds, quotes, reveals…)
 * replaces only the run between their common prefix and common suffix, so its size
 * follows what happened, not how long the debate has been.
 */

/** Replace `deleteCount` items at `at` with `items`. */
export interface ArraySplice {
  at: number;
  deleteCount: number;
  items: unknown[];
}

export interface ViewChange {
  set?: Record<string, unknown>;
  unset?: string[];
  splice?: Record<string, ArraySplice>;
}

type Json = Record<string, unknown>;

/**
 * Deep equality of JSON-like values. Successive views share the engine state's own
 * arrays (segments, probabilities), so most comparisons end at the identity check and
 * comparing two views costs little however long the debate has been.
 */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  const x = a as Json;
  const y = b as Json;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const key of keys) if (!Object.hasOwn(y, key) || !same(x[key], y[key])) return false;
  return true;
}

function spliceOf(before: unknown[], after: unknown[]): ArraySplice | null {
  let start = 0;
  while (start < before.length && start < after.length && same(before[start], after[start])) start++;
  if (start === before.length && start === after.length) return null;
  let end = 0;
  while (end < before.length - start && end < after.length - start && same(before[before.length - 1 - end], after[after.length - 1 - end])) end++;
  return { at: start, deleteCount: before.length - start - end, items: after.slice(start, after.length - end) };
}

/** What changed from one view to the next; null when nothing did. */
export function diffView(before: object, after: object): ViewChange | null {
  const a = before as Json;
  const b = after as Json;
  const change: ViewChange = {};
  for (const key of Object.keys(b)) {
    const x = a[key];
    const y = b[key];
    if (!(key in a)) {
      (change.set ??= {})[key] = y;
      continue;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      const splice = spliceOf(x, y);
      if (splice) (change.splice ??= {})[key] = splice;
    } else if (!same(x, y)) (change.set ??= {})[key] = y;
  }
  for (const key of Object.keys(a)) if (!(key in b)) (change.unset ??= []).push(key);
  return change.set || change.unset || change.splice ? change : null;
}

/** The view after a change (a new object; `before` is left as it was). */
export function applyViewChange<T extends object>(before: T, change: ViewChange): T {
  const next: Json = { ...(before as Json) };
  for (const key of change.unset ?? []) delete next[key];
  Object.assign(next, change.set ?? {});
  for (const [key, s] of Object.entries(change.splice ?? {})) {
    const list = [...((next[key] as unknown[] | undefined) ?? [])];
    list.splice(s.at, s.deleteCount, ...s.items);
    next[key] = list;
  }
  return next as T;
}
