// Zero-config checks on the packed packages (called by package-checks.mjs once the tarballs are installed in a
// scratch consumer project): `NoiseClassifierService.create()` with no argument and no extra import must classify a
// WAV file from plain Node (ESM and CommonJS), `new NoiseClassifierV2()` likewise, and a Vite build of a page that
// imports the same entry must pick the browser runtime (onnxruntime-web, the model as an asset, no Node modules)
// and, when Chromium is installed, give the same label in the browser.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// A 2 s synthetic clip at 44.1 kHz (so the service resamples): a 1 kHz beep pattern over seeded noise. The same
// generator text goes into every consumer, so Node (ESM, CJS) and the browser classify identical samples.
const CLIP_SOURCE = `
function syntheticClip() {
  const rate = 44100;
  const samples = new Float32Array(rate * 2);
  let seed = 12345;
  for (let i = 0; i < samples.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const noise = (seed / 2147483648 - 0.5) * 0.1;
    const beep = Math.floor(i / (rate * 0.25)) % 2 === 0 ? 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate) : 0;
    samples[i] = beep + noise;
  }
  return { samples, rate };
}`;

const NODE_BODY = `
  const { samples, rate } = syntheticClip();
  writeFileSync('zero-config-clip.wav', encodeWav(samples, rate));
  const service = await NoiseClassifierService.create();
  const result = await service.classify(new Uint8Array(readFileSync('zero-config-clip.wav')));
  const old = new NoiseClassifierV2(undefined, 'cpu', { silenceDeprecation: true });
  const legacy = await old.classify(samples, rate, 3);
  console.log(JSON.stringify({ label: result.predictedClass, confidence: result.confidence, backend: service.backendName,
    labels: service.labels, legacyLabel: legacy.predicted_class }));
  await old.dispose();
  await service.dispose();`;

const ESM_CONSUMER = `import { readFileSync, writeFileSync } from 'node:fs';
import { encodeWav } from '@noise-classifier/features';
import { NoiseClassifierV2 } from '@noise-classifier/legacy-compat';
import { NoiseClassifierService } from '@noise-classifier/pipelines';
${CLIP_SOURCE}
${NODE_BODY}
`;

const CJS_CONSUMER = `const { readFileSync, writeFileSync } = require('node:fs');
const { encodeWav } = require('@noise-classifier/features');
const { NoiseClassifierV2 } = require('@noise-classifier/legacy-compat');
const { NoiseClassifierService } = require('@noise-classifier/pipelines');
${CLIP_SOURCE}
(async () => {${NODE_BODY}
})().catch((error) => { console.error(error); process.exit(1); });
`;

const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>zero-config</title></head>
<body><script type="module" src="./main.js"></script></body></html>
`;

const PAGE_SCRIPT = `import { encodeWav } from '@noise-classifier/features';
import { NoiseClassifierService } from '@noise-classifier/pipelines';
${CLIP_SOURCE}
try {
  const { samples, rate } = syntheticClip();
  const service = await NoiseClassifierService.create();
  const result = await service.classify(encodeWav(samples, rate));
  window.__zeroConfig = { label: result.predictedClass, confidence: result.confidence, backend: service.backendName };
} catch (error) {
  window.__zeroConfig = { error: String(error && error.stack || error) };
}
`;

/** Node consumers (ESM and CommonJS): returns the ESM result for the browser comparison, or undefined. */
export function checkNodeConsumers(consumer, record) {
  fs.writeFileSync(path.join(consumer, 'zero-config.mjs'), ESM_CONSUMER);
  fs.writeFileSync(path.join(consumer, 'zero-config.cjs'), CJS_CONSUMER);
  const results = {};
  for (const [kind, file] of [['ESM', 'zero-config.mjs'], ['CommonJS', 'zero-config.cjs']]) {
    const name = `zero-config ${kind}: create() with no argument classifies a WAV file (and new NoiseClassifierV2())`;
    try {
      const out = execFileSync(process.execPath, [file], { cwd: consumer, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const r = JSON.parse(out.trim().split('\n').pop());
      const problems = [];
      if (r.backend !== 'onnxruntime-node') problems.push(`backend ${r.backend}, expected onnxruntime-node`);
      if (!r.labels.includes(r.label)) problems.push(`label ${r.label} is not one of the model's`);
      if (!(r.confidence > 0 && r.confidence <= 1)) problems.push(`confidence ${r.confidence}`);
      if (r.legacyLabel !== r.label) problems.push(`NoiseClassifierV2 said ${r.legacyLabel}, the service ${r.label}`);
      results[kind] = r;
      record(name, problems.length === 0, problems.length ? problems.join('; ') : `${r.label} ${r.confidence.toFixed(3)} (${r.backend})`);
    } catch (error) {
      record(name, false, String(error.stderr ?? error).trim().split('\n').slice(0, 8).join(' | '));
    }
  }
  if (results.ESM && results.CommonJS) {
    const same = results.ESM.label === results.CommonJS.label && Math.abs(results.ESM.confidence - results.CommonJS.confidence) < 1e-6;
    record('zero-config: ESM and CommonJS give the same result', same, same ? '' : `${JSON.stringify(results.ESM)} vs ${JSON.stringify(results.CommonJS)}`);
  }
  return results.ESM;
}

/** A Vite production build of a page importing @noise-classifier/pipelines, then (with Chromium) a real run. */
export async function checkViteConsumer(consumer, root, record, nodeResult) {
  const page = path.join(consumer, 'web');
  fs.mkdirSync(page, { recursive: true });
  fs.writeFileSync(path.join(page, 'index.html'), PAGE_HTML);
  fs.writeFileSync(path.join(page, 'main.js'), PAGE_SCRIPT);
  const require = createRequire(path.join(root, 'package.json'));
  const { build } = await import(pathToFileURL(require.resolve('vite')).href);
  const outDir = path.join(page, 'dist');
  try {
    await build({ root: page, base: './', configFile: false, logLevel: 'error', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  } catch (error) {
    record('zero-config Vite build of a page importing @noise-classifier/pipelines', false, String(error).slice(0, 2000));
    return;
  }
  const files = fs.readdirSync(outDir, { recursive: true }).map(String);
  const scripts = files.filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(outDir, f), 'utf8')).join('\n');
  const problems = [];
  if (!files.some((f) => /default-model.*\.onnx$/.test(f))) problems.push('the bundled model was not emitted as an asset');
  // Module specifiers only (labels and messages may name onnxruntime-node; onnxruntime-web guards its own Node probe).
  const nodeImport = /(?:\bfrom|\bimport\s*\(|\brequire\s*\()\s*["'`](onnxruntime-node|@noise-classifier\/runtime-node|node:[\w/]+)["'`]/.exec(scripts);
  if (nodeImport) problems.push(`the bundle imports ${nodeImport[1]}`);
  const foreign = files.filter((f) => !/\.(js|wasm|onnx|html|css)$/.test(f) && !fs.statSync(path.join(outDir, f)).isDirectory());
  if (foreign.length) problems.push(`unexpected assets: ${foreign.join(', ')}`);
  if (!files.some((f) => f.endsWith('.wasm'))) problems.push("onnxruntime-web's wasm was not emitted");
  record('zero-config Vite build: browser runtime chosen (onnxruntime-web, model asset, no Node modules)', problems.length === 0, problems.join('; ') || `${files.length} files`);

  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) {
    record('zero-config page in headless Chromium', false, `no Chromium at ${chromium} (set CHROMIUM_PATH)`);
    return;
  }
  const server = await serveDirectory(outDir);
  const playwright = await import(pathToFileURL(require.resolve('playwright-core')).href);
  const launcher = playwright.chromium ?? playwright.default.chromium; // a CommonJS package seen from ESM
  const browser = await launcher.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'] });
  try {
    const tab = await browser.newPage();
    await tab.goto(server.url);
    await tab.waitForFunction(() => globalThis.__zeroConfig !== undefined, undefined, { timeout: 120_000 });
    const r = await tab.evaluate(() => globalThis.__zeroConfig);
    const issues = [];
    if (r.error) issues.push(r.error.split('\n').slice(0, 4).join(' | '));
    else {
      if (r.backend !== 'onnxruntime-web') issues.push(`backend ${r.backend}, expected onnxruntime-web`);
      if (nodeResult && r.label !== nodeResult.label) issues.push(`label ${r.label}, Node said ${nodeResult.label}`);
      if (nodeResult && Math.abs(r.confidence - nodeResult.confidence) > 1e-3) issues.push(`confidence ${r.confidence}, Node ${nodeResult.confidence}`);
    }
    record('zero-config page in headless Chromium: create() classifies with onnxruntime-web like Node', issues.length === 0, issues.join('; ') || `${r.label} ${r.confidence.toFixed(3)}`);
  } catch (error) {
    record('zero-config page in headless Chromium', false, String(error).slice(0, 2000));
  } finally {
    await browser.close();
    await server.close();
  }
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream' };

function serveDirectory(dir) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(dir, rel);
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((done) => server.close(done)) }),
    ),
  );
}
