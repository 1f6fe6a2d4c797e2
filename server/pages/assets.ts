import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';

const require = createRequire(import.meta.url);

// Served from this process with a content hash in the name, so a browser may keep each file for a
// year: a changed file is a new URL. No CDN: htmx comes from its npm package.
const sources = {
  'app.css': fileURLToPath(new URL('./assets/app.css', import.meta.url)),
  'htmx.js': require.resolve('htmx.org/dist/htmx.min.js'),
} as const;
export type AssetName = keyof typeof sources;

const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

interface Asset {
  url: string;
  body: Buffer;
  type: string;
  etag: string;
}

function load(name: string, file: string): Asset {
  const body = readFileSync(file);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const [base, ext = ''] = name.split('.');
  return { url: `/assets/${base}.${hash}.${ext}`, body, type: TYPES[ext] ?? 'application/octet-stream', etag: `"${hash}"` };
}

const assets = Object.fromEntries(Object.entries(sources).map(([name, file]) => [name, load(name, file)])) as Record<AssetName, Asset>;
const byUrl = new Map(Object.values(assets).map((a) => [a.url, a]));

/** The content-hashed URL of an asset. */
export const assetUrl = (name: AssetName): string => assets[name].url;

export function assetsRouter(): Router {
  const router = Router();
  router.get('/assets/:file', (req, res, next) => {
    const asset = byUrl.get(req.path);
    if (!asset) return next();
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('ETag', asset.etag);
    res.type(asset.type).send(asset.body);
  });
  return router;
}
