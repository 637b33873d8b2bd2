import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, minifySync, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { PROTOCOL_VERSION } from '../shared/src/protocol/actions.ts';
import { ROOM_NAME } from '../shared/src/protocol/messages.ts';
import { Protocol } from '@colyseus/sdk';

/** client/seat-link-start.js, minified (it defines one function, `seatLinkStart`). */
const seatLinkStartSource = (() => {
  const file = join(import.meta.dirname, 'seat-link-start.js');
  const out = minifySync(file, readFileSync(file, 'utf8'), { compress: { unused: false }, mangle: { toplevel: false } });
  if (out.errors.length) throw new Error(`client/seat-link-start.js: ${out.errors.map((e) => e.message).join('; ')}`);
  return out.code.trim().replace(/;$/, '');
})();

/**
 * A seat link is the page that must open fastest. The debate page is a lazy chunk (the
 * lobby needs neither the engine nor the room SDK), so on /debate/ URLs a small inline
 * script (client/seat-link-start.js) starts the room's matchmaking and then its WebSocket,
 * and asks for that chunk and its imports, all in parallel with the entry instead of after
 * it has run.
 */
function preloadDebatePage(): Plugin {
  return {
    name: 'preload-debate-page',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle ?? {};
        const page = Object.values(bundle).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/pages/DebatePage.tsx'));
        if (!page || page.type !== 'chunk') return html;
        const files = new Set<string>();
        const visit = (name: string) => {
          const c = bundle[name];
          if (!c || c.type !== 'chunk' || files.has(name)) return;
          files.add(name);
          c.imports.forEach(visit);
        };
        visit(page.fileName);
        // The largest first: a browser opens six connections to a host over HTTP/1.1, and the
        // big chunks take longest to arrive.
        const size = (name: string) => (bundle[name]?.type === 'chunk' ? (bundle[name] as { code: string }).code.length : 0);
        const list = JSON.stringify([...files].sort((a, b) => size(b) - size(a)).map((f) => `/${f}`));
        // At the top of <head>, before the entry's own requests: the room's matchmaking first
        // (one small request, answered while the chunks load), its socket, then the chunks.
        const script = `<script>(${seatLinkStartSource})(${JSON.stringify(ROOM_NAME)},${JSON.stringify(PROTOCOL_VERSION)},${list},${Protocol.JOIN_ROOM})</script>`;
        return html.replace('<title>', `${script}\n    <title>`);
      },
    },
  };
}

/**
 * Brotli (.br) and gzip (.gz) copies of every text file of the build, at the highest
 * levels (done once per build, not per request), for the server to send to browsers that
 * accept them (server/src/http/client-files.ts). Tiny files are left as they are.
 */
function precompress(): Plugin {
  return {
    name: 'precompress',
    apply: 'build',
    writeBundle(options) {
      const dir = options.dir!;
      for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
        if (!e.isFile() || !/\.(js|css|html|svg|json)$/.test(e.name)) continue;
        const path = join(e.parentPath, e.name);
        const body = readFileSync(path);
        if (body.length < 1024) continue;
        writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

// The server serves client/dist on its own port. In `npm run dev -w client` the API is
// proxied to a server on :2567 and the room connection goes there directly (see room.ts).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), preloadDebatePage(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      // Building a zod schema (`z.…`, and `safeText`, which wraps one) touches nothing outside it:
      // marked pure, the schemas the browser never uses are left out, and with them zod itself,
      // as no code the browser runs parses with one (the server validates what it receives).
      // tests/e2e/a11y.spec.ts checks that a seat link's JavaScript holds no zod.
      treeshake: { manualPureFunctions: ['z', 'safeText'] },
      output: {
        // Named vendor chunks: React for every page; the engine and the room SDK load with the pages that need them.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            // The small modules every page uses, in one file (the answers' naming with them: the lobby uses it without the engine):
            // over HTTP/1.1 a browser fetches six files at a time, so on a slow link each extra wave of requests costs a round trip.
            { name: 'app', test: /shared[\\/]src[\\/]game[\\/]naming\.ts|client[\\/]src[\\/](router|api|storage|lazy-page)\.tsx?$|client[\\/]src[\\/]components[\\/]common\.tsx$/, priority: 1 },
            { name: 'engine', test: /shared[\\/]src[\\/]|node_modules[\\/]zod[\\/]/ },
            // The room, its SDK and the agreement panel: the debate and study pages use them all, nothing else does.
            { name: 'room', test: /node_modules[\\/](@colyseus|msgpackr)|client[\\/]src[\\/](room|early-join|join-error)\.ts$|client[\\/]src[\\/]components[\\/]AgreementPanel\.tsx$/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:2567',
    },
  },
});
