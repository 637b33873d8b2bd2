/**
 * The access table: the expected outcome of every way into a debate for every kind of
 * caller. tests/integration/access.test.ts asserts it against the real server, and
 * checks that README.md shows it exactly as renderAccessTable prints it
 * (`node tests/helpers/access-table.ts` prints it).
 */
export const PRINCIPALS = ['anonymous', "seat A's token", "seat B's token", "the judge's token", "another debate's token", 'the researcher token'] as const;
export type Principal = (typeof PRINCIPALS)[number];

/** A cell: the outcome for a public debate, then (after " · ", when different) for a private one. */
export type Row = Record<Principal, string>;
const row = (anonymous: string, a: string, b: string, judge: string, other: string, researcher: string): Row => ({
  anonymous,
  "seat A's token": a,
  "seat B's token": b,
  "the judge's token": judge,
  "another debate's token": other,
  'the researcher token': researcher,
});

/**
 * The access table. Joins: `joins`, or the typed refusal code. HTTP: the status, or
 * whether the debate is listed / included / counted. "· " separates public from private.
 */
export const ACCESS_TABLE: Record<string, Row> = {
  'join seat A': row('seat-not-yours', 'joins', 'seat-not-yours', 'seat-not-yours', 'seat-not-yours', 'seat-not-yours'),
  'join seat B': row('seat-not-yours', 'seat-not-yours', 'joins', 'seat-not-yours', 'seat-not-yours', 'seat-not-yours'),
  'join the judge seat': row('seat-not-yours', 'seat-not-yours', 'seat-not-yours', 'joins', 'seat-not-yours', 'seat-not-yours'),
  'join as observer': row('joins · not-public', 'joins', 'joins', 'joins', 'joins · not-public', 'joins'),
  'GET /api/debates': row('listed · unlisted', 'listed · unlisted', 'listed · unlisted', 'listed · unlisted', 'listed · unlisted', 'listed'),
  'GET /api/debates/:id': row('200 · 404', '200', '200', '200', '200 · 404', '200'),
  'GET …/view?seat=A': row('403 · 404', '200', '403', '403', '403 · 404', '200'),
  'GET …/view?seat=judge': row('200 · 404', '200', '200', '200', '200 · 404', '200'),
  'GET …/view?seat=observer': row('200 · 404', '200', '200', '200', '200 · 404', '200'),
  'GET …/transcript?seat=A': row('403 · 404', '200', '403', '403', '403 · 404', '200'),
  'GET …/transcript?seat=judge': row('200 · 404', '200', '200', '200', '200 · 404', '200'),
  'GET …/transcript?seat=full, unfinished': row('403 · 404', '403', '403', '403', '403 · 404', '200'),
  'GET …/transcript?seat=full, finished': row('200 · 404', '200 · 403', '200 · 403', '200 · 403', '200 · 404', '200'),
  'GET /api/export.jsonl': row('401', '401', '401', '401', '401', 'included'),
  'GET /api/results, finished': row('counted · not counted', 'counted · not counted', 'counted · not counted', 'counted · not counted', 'counted · not counted', 'counted'),
  'GET …/rejudges': row('401', '401', '401', '401', '401', '200'),
  'POST /api/rejudge, finished': row('401', '401', '401', '401', '401', '201'),
};

/** Rows that hold whatever the debate's state (the others name theirs). */
export const stateless = (name: string) => !name.endsWith(', finished') && !name.endsWith(', unfinished');

/** The table as the README shows it. */
export function renderAccessTable(table: Record<string, Row>): string {
  const lines = [`| way in | ${PRINCIPALS.join(' | ')} |`, `|---|${PRINCIPALS.map(() => '---').join('|')}|`];
  for (const [name, r] of Object.entries(table)) lines.push(`| ${name} | ${PRINCIPALS.map((p) => r[p]).join(' | ')} |`);
  return lines.join('\n');
}


if (import.meta.url === `file://${process.argv[1]}`) console.log(renderAccessTable(ACCESS_TABLE));
