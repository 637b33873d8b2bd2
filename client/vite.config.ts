import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * A seat link is the page that must open fastest. The debate page is a lazy chunk (the
 * lobby needs neither the engine nor the room SDK), so on /debate/ URLs a tiny inline
 * script asks for that chunk and its imports at once, in parallel with the entry,
 * instead of after the entry has run.
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
        const list = JSON.stringify([...files].map((f) => `/${f}`));
        const script = `<script>if(location.pathname.startsWith('/debate/'))for(const h of ${list}){const l=document.createElement('link');l.rel='modulepreload';l.href=h;document.head.appendChild(l)}</script>`;
        return html.replace('</head>', `    ${script}\n  </head>`);
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
      output: {
        // Named vendor chunks: React for every page; the engine (with zod) and the room SDK load with the pages that need them.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            // The answers' naming on its own: the lobby uses it without the engine.
            { name: 'naming', test: /shared[\\/]src[\\/]game[\\/]naming\.ts/, priority: 1 },
            { name: 'engine', test: /shared[\\/]src[\\/]|node_modules[\\/]zod[\\/]/ },
            { name: 'colyseus', test: /node_modules[\\/](@colyseus|msgpackr)/ },
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
