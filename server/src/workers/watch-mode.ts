/**
 * Whether a message from a worker thread is Node's rather than the worker's: under
 * `node --watch` (`npm run dev`) Node posts the modules a worker loads, as
 * { 'watch:import': [...] } or { 'watch:require': [...] }, on the same channel as the
 * worker's own messages (nodejs/node#65044). Every handler of worker messages skips them.
 */
export function fromWatchMode(message: unknown): boolean {
  return typeof message === 'object' && message !== null && Object.keys(message).some((k) => k.startsWith('watch:'));
}
