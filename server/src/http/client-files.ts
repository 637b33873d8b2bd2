/**
 * The built web client (client/dist), served fast to slow connections: the build writes
 * brotli (.br) and gzip (.gz) copies of its text files beside them, and a request that
 * accepts either gets the smaller copy with `Content-Encoding` (and `Vary:
 * Accept-Encoding`); anything else gets the file itself. Hashed files under /assets/ never
 * change, so they are cached for a year as immutable; the page (index.html) is revalidated
 * on every load, so a new build is picked up at once. Every other GET that is not the API
 * gets the page: the client routes in the browser.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { serveSeatPage, type SeatPageDeps } from './seat-page.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;

/** Cache-Control for a file of the build, by its path from the build's root ("/assets/x-hash.js"). */
export function cacheControlFor(urlPath: string): string {
  return urlPath.startsWith('/assets/') ? IMMUTABLE : REVALIDATE;
}

/** The build's files that have compressed copies, by URL path, with the encodings present. */
function compressedCopies(dir: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const encoding = ENCODINGS.find((x) => e.name.endsWith(x.ext));
    if (!encoding) continue;
    const original = join(e.parentPath, e.name.slice(0, -encoding.ext.length));
    if (!existsSync(original)) continue;
    const url = `/${relative(dir, original).split(sep).join('/')}`;
    (out.get(url) ?? out.set(url, new Set()).get(url)!).add(encoding.name);
  }
  return out;
}

/**
 * The client's files. With `seatPage`, a seat link's page carries its room's seat
 * reservation (http/seat-page.ts).
 */
export function clientFiles(dir: string, seatPage?: Omit<SeatPageDeps, 'html'>): Router {
  const seatPageDeps = seatPage && { ...seatPage, html: readFileSync(join(dir, 'index.html'), 'utf8') };
  const copies = compressedCopies(dir);
  const router = express.Router();

  /** Sends a file of the build (its compressed copy when the request accepts one); false when there is none at that path. */
  const send = (req: Request, res: Response, urlPath: string, next: (err?: unknown) => void): boolean => {
    const have = copies.get(urlPath);
    const file = join(dir, urlPath);
    if (!have) return false;
    res.setHeader('Cache-Control', cacheControlFor(urlPath));
    res.setHeader('Vary', 'Accept-Encoding');
    // Brotli when accepted at all (it is the smaller), else gzip, else the file itself.
    const encoding = req.headers['accept-encoding'] ? ENCODINGS.find((e) => have.has(e.name) && req.acceptsEncodings(e.name) === e.name) : undefined;
    res.type(extname(urlPath));
    if (encoding) res.setHeader('Content-Encoding', encoding.name);
    res.sendFile(encoding ? file + encoding.ext : file, { cacheControl: false, dotfiles: 'deny' }, (err) => err && next(err));
    return true;
  };

  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path === '/index.html' || !send(req, res, req.path, next)) next();
  });
  // Files without compressed copies (small ones, images).
  router.use(
    express.static(dir, {
      index: false,
      cacheControl: false,
      setHeaders: (res, path) => res.setHeader('Cache-Control', cacheControlFor(`/${relative(dir, path).split(sep).join('/')}`)),
    }),
  );
  // The client routes in the browser: every other GET gets the page.
  router.get(/^\/(?!api\/|matchmake\/).*/, async (req, res, next) => {
    if (seatPageDeps && (await serveSeatPage(seatPageDeps, req, res))) return;
    if (send(req, res, '/index.html', next)) return;
    res.setHeader('Cache-Control', REVALIDATE);
    res.sendFile(join(dir, 'index.html'), { cacheControl: false }, (err) => err && next(err));
  });
  return router;
}
