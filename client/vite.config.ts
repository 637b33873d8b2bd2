import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { PROTOCOL_VERSION } from '../shared/src/protocol/actions.ts';
import { ROOM_NAME } from '../shared/src/protocol/messages.ts';

/**
 * On a /debate/ link, the room's matchmaking request as the page starts, in parallel with
 * its JavaScript: the same request the room SDK makes (`joinOrCreate` with the seat and the
 * link's token, or the one stored for that seat), its answer kept for the room code to
 * consume (client/src/early-join.ts). On Slow 4G that is a round trip of 562 ms taken off
 * the path to the first control. A refusal or a failure leaves nothing: the room code then
 * joins as usual and says why.
 */
const earlyJoinScript =
  `const m=location.pathname.match(/^\\/debate\\/([^/]+)(?:\\/([^/]+))?\\/?$/);` +
  `if(m){const id=decodeURIComponent(m[1]),seat=m[2]?decodeURIComponent(m[2]):'observer';` +
  `let token=new URLSearchParams(location.search).get('token');` +
  `if(!token)try{token=JSON.parse(localStorage.getItem('arena:token:'+id+':'+seat))}catch(e){}` +
  `const o={debateId:id,seat:seat,protocol:${JSON.stringify(PROTOCOL_VERSION)}};if(token)o.token=token;` +
  `window.__arenaEarlyJoin={debateId:id,seat:seat,reservation:fetch('/matchmake/joinOrCreate/${ROOM_NAME}',{method:'POST',credentials:'include',headers:{Accept:'application/json','Content-Type':'application/json'},body:JSON.stringify(o)}).then(function(r){return r.ok?r.json():null}).catch(function(){return null})}}`;

/**
 * A seat link is the page that must open fastest. The debate page is a lazy chunk (the
 * lobby needs neither the engine nor the room SDK), so on /debate/ URLs a tiny inline
 * script asks for that chunk and its imports at once, in parallel with the entry,
 * instead of after the entry has run, and starts the room's matchmaking (earlyJoinScript).
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
        // (one small request, answered while the chunks load), then the chunks.
        const script = `<script>if(location.pathname.startsWith('/debate/')){${earlyJoinScript}for(const h of ${list}){const l=document.createElement('link');l.rel='modulepreload';l.href=h;document.head.appendChild(l)}}</script>`;
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
      output: {
        // Named vendor chunks: React for every page; the engine (with zod) and the room SDK load with the pages that need them.
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
