import type { Command } from 'commander';
import { loadConfig } from '../config.ts';

/**
 * The running server a command talks to: the address given (--server or --url), else
 * $ARENA_SERVER, else this machine's on $PORT (http://localhost:2567 when PORT is unset),
 * the port `npm start` listens on.
 */
export const serverUrl = (url?: string) => (url ?? process.env.ARENA_SERVER ?? `http://localhost:${loadConfig().port}`).replace(/\/$/, '');

/** --server <url> and its other name --url: every command that talks to a running server takes both. */
export function serverAddressOptions(command: Command, what = 'the running server'): Command {
  return command
    .option('--server <url>', `${what} (default $ARENA_SERVER, else http://localhost:$PORT)`)
    .option('--url <url>', 'the same as --server');
}

/** The address from --server or --url (they must agree when both are given), else the default. */
export function serverOf(opts: { server?: string; url?: string }): string {
  if (opts.server && opts.url && opts.server.replace(/\/$/, '') !== opts.url.replace(/\/$/, '')) throw new Error(`--server ${opts.server} and --url ${opts.url} disagree: give one`);
  return serverUrl(opts.server ?? opts.url);
}

/**
 * fetch() against the running server at `base`; when nothing answers there, the error
 * names the address tried and how to point the command elsewhere.
 */
export async function fetchServer(base: string, path: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(`${base}${path}`, init);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new Error(`could not reach the server at ${base} (${why}): is it running there? Point the command at it with --server <url> (or --url), or set PORT to the port it listens on`);
  }
}
