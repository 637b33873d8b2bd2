/**
 * The first thing the page runs. zod compiles object schemas with `new Function` when
 * it can, and probes for that as soon as a schema is built: under the server's
 * Content-Security-Policy (no 'unsafe-eval') the probe is a reported violation. zod
 * reads its configuration from this global when it loads (zod 4, pinned), and the
 * engine chunk that carries zod loads later, with the pages that need it, so setting
 * it here turns the compilation off without pulling zod into the lobby's code.
 */
const g = globalThis as { __zod_globalConfig?: Record<string, unknown> };
g.__zod_globalConfig = { ...g.__zod_globalConfig, jitless: true };
