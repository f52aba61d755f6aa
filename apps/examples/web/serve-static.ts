/**
 * A tiny static file server for the built demo, with the cross-origin isolation headers (COOP/COEP/CORP) that
 * let onnxruntime-web use wasm threads. Loopback only by default.
 *
 *   npx tsx web/serve-static.ts [--port 8080] [--dir web/dist]
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `dirs` (first match wins) on 127.0.0.1; paths outside them are 404. */
export async function startStaticServer(options: { dirs: string[]; port?: number; host?: string }): Promise<StaticServer> {
  const roots = await Promise.all(options.dirs.map((d) => realpath(d)));
  const server: Server = createServer(async (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const rel = urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath;
    for (const root of roots) {
      const file = path.resolve(root, `.${rel}`);
      if (!file.startsWith(root + path.sep)) continue;
      try {
        const info = await stat(file);
        if (!info.isFile()) continue;
        res.writeHead(200, {
          ...ISOLATION_HEADERS,
          'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'content-length': info.size,
          'cache-control': 'no-cache',
        });
        if (req.method === 'HEAD') return void res.end();
        createReadStream(file).pipe(res);
        return;
      } catch {
        // try the next root
      }
    }
    res.writeHead(404, { ...ISOLATION_HEADERS, 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const get = (name: string, fallback: string): string => {
    const at = args.indexOf(`--${name}`);
    if (at < 0) return fallback;
    const value = args[at + 1];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    return value;
  };
  const here = path.dirname(fileURLToPath(import.meta.url));
  const s = await startStaticServer({ dirs: [path.resolve(get('dir', path.join(here, 'dist')))], port: Number(get('port', '8080')) });
  console.log(`demo at ${s.url}`);
}
