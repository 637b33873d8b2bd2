/**
 * The server's log of failures that clients can cause at will (malformed frames, refused
 * requests): the first failure of each shape is written in full, the repeats are counted
 * and summed up once a window, so a client that floods bad input cannot fill the disk
 * or bury the lines that matter. A shape is the failure's first line with its numbers,
 * ids and quoted values masked ("couldn't decode message: <…>" is one shape however
 * many frames there were).
 */
import { redactSecrets } from './redact.ts';

export interface LogSink {
  error(line: string): void;
  warn(line: string): void;
}

/** The shape of a failure: its first line, with what varies from one occurrence to the next masked. */
export function failureShape(text: string): string {
  const first = text.split('\n', 1)[0] ?? '';
  return first
    .replace(/(["'`]).*?\1/g, '$1…$1')
    .replace(/\b[0-9a-f]{8,}\b/gi, '#')
    .replace(/\b[A-Za-z0-9_-]{16,}\b/g, '#')
    .replace(/\d+/g, '#')
    .slice(0, 200);
}

export interface RepeatLimiterOptions {
  /** How often the counts of repeats are written (ms). */
  windowMs?: number;
  /** Most distinct shapes remembered at once; past that, new shapes are counted together. */
  maxShapes?: number;
  now?: () => number;
}

/**
 * Writes the first failure of each shape in a window, counts the rest, and writes one
 * line per shape with repeats when the window closes (on the next failure after it, or
 * on `flush`).
 */
export class RepeatLimiter {
  private readonly sink: LogSink;
  private readonly windowMs: number;
  private readonly maxShapes: number;
  private readonly now: () => number;
  private windowStart: number;
  private readonly repeats = new Map<string, number>();
  private overflow = 0;

  constructor(sink: LogSink, options: RepeatLimiterOptions = {}) {
    this.sink = sink;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxShapes = options.maxShapes ?? 100;
    this.now = options.now ?? Date.now;
    this.windowStart = this.now();
  }

  /** Logs a failure (already free of secrets or not: it is redacted here). */
  error(text: string): void {
    if (this.now() - this.windowStart >= this.windowMs) this.flush();
    const shape = failureShape(text);
    const seen = this.repeats.get(shape);
    if (seen !== undefined) {
      this.repeats.set(shape, seen + 1);
      return;
    }
    if (this.repeats.size >= this.maxShapes) {
      this.overflow++;
      return;
    }
    this.repeats.set(shape, 0);
    this.sink.error(redactSecrets(text));
  }

  /** Writes the counts of the window's repeats and opens a new window. */
  flush(): void {
    const seconds = Math.max(1, Math.round((this.now() - this.windowStart) / 1000));
    for (const [shape, n] of this.repeats) {
      if (n > 0) this.sink.warn(`${n} more like this in ${seconds} s: ${redactSecrets(shape)}`);
    }
    if (this.overflow > 0) this.sink.warn(`${this.overflow} more failures of other kinds in ${seconds} s`);
    this.repeats.clear();
    this.overflow = 0;
    this.windowStart = this.now();
  }
}

/**
 * A console-shaped logger for Colyseus (its `logger` option): errors go through a
 * RepeatLimiter, everything else to the console as it is.
 */
export function quietLogger(limiter: RepeatLimiter, base: Console = console) {
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : String(a))).join(' ');
  return {
    debug: (...args: unknown[]) => base.debug(...args),
    info: (...args: unknown[]) => base.info(...args),
    trace: (...args: unknown[]) => base.trace(...args),
    warn: (...args: unknown[]) => base.warn(...args),
    error: (...args: unknown[]) => limiter.error(text(args)),
  };
}
