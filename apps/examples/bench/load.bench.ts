/**
 * Load benchmark of POST /api/audio/classify (autocannon, loopback only) against calling classifyBatch directly,
 * in the same process and run. Prints throughput, p50/p99 latency, errors and RSS.
 *
 *   npx tsx --conditions=@noise-classifier/source bench/load.bench.ts [--requests 10000] [--model m.onnx]
 */
import autocannon from 'autocannon';
import { createServer, decodeAudioFile, loadClassifier, type ClipInput } from '@noise-classifier/server';
import { SHARED_CLIPS, readSharedClip } from '../../../tooling/shared-data';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? args[i + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} needs a value`);
  return value;
};
const TOTAL = Number(arg('requests', '10000'));
const LEVELS = arg('concurrency', '1,8,32').split(',').map(Number);
const MODEL = args.includes('--model') ? arg('model', '') : undefined;
const MAX_BATCH = Number(arg('max-batch', '32'));
const WINDOW_MS = Number(arg('window-ms', '3'));
const TOKEN = 'bench-token';

/** One-second clips cut from real recordings (WAV, 22.05 kHz), sent as base64 WAV like the seed's curl. */
function oneSecondClips(): Uint8Array[] {
  const src = readSharedClip(SHARED_CLIPS.drilling);
  const rate = src.readUInt32LE(24);
  const dataStart = 44;
  const bytesPerSecond = rate * 2;
  const clips: Uint8Array[] = [];
  for (let s = 0; (s + 1) * bytesPerSecond <= src.length - dataStart; s++) {
    const pcm = src.subarray(dataStart + s * bytesPerSecond, dataStart + (s + 1) * bytesPerSecond);
    const header = Buffer.from(src.subarray(0, 44));
    header.writeUInt32LE(36 + pcm.length, 4);
    header.writeUInt32LE(pcm.length, 40);
    clips.push(new Uint8Array(Buffer.concat([header, pcm])));
  }
  return clips;
}

function rssMb(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

async function main() {
  const clips = oneSecondClips();
  const decoded: ClipInput[] = await Promise.all(clips.map(async (c) => decodeAudioFile(c)));
  const classifier = await loadClassifier({ ...(MODEL ? { modelPath: MODEL } : {}), config: { maxBatchSize: Math.max(32, MAX_BATCH) } });
  const info = classifier.modelInfo();
  console.log(`model ${info.architecture} (${info.backend}, untrained=${info.untrained}), ${clips.length} distinct 1-s clips, batching window ${WINDOW_MS} ms, max batch ${MAX_BATCH}, node ${process.version}`);

  // Warm-up.
  await classifier.classifyBatch(decoded.slice(0, 4));

  const app = await createServer({
    classifier,
    decodeAudio: decodeAudioFile,
    tokens: [TOKEN],
    rateLimit: false,
    batching: { windowMs: WINDOW_MS, maxBatch: MAX_BATCH },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const bodies: string[] = clips.map((c) => JSON.stringify({ audio_data: Buffer.from(c).toString('base64'), sample_rate: 22050 }));

  const rows: Record<string, unknown>[] = [];
  for (const connections of LEVELS) {
    // Direct: classifyBatch on the same clips, `connections` at a time (decode included, as the server does it).
    // Measured in two halves, before and after the server run, so drifting machine load affects both sides alike.
    const directRequests = Math.min(TOTAL, Math.max(200, connections * 40));
    const direct = async (count: number) => {
      let done = 0;
      const t0 = performance.now();
      while (done < count) {
        const n = Math.min(connections, count - done);
        const batch = await Promise.all(Array.from({ length: n }, (_, k) => decodeAudioFile(clips[(done + k) % clips.length]!)));
        await classifier.classifyBatch(batch);
        done += n;
      }
      return (performance.now() - t0) / 1000;
    };
    const directSecondsBefore = await direct(directRequests / 2);
    const batchStats = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const num = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
      return { sum: num('noise_model_batch_size_sum'), count: num('noise_model_batch_size_count') };
    };
    const statsBefore = await batchStats();
    const amount = connections === LEVELS[LEVELS.length - 1] ? TOTAL : Math.min(TOTAL, Math.max(300, connections * 100));
    const rssBefore = rssMb();
    let rssMax = rssBefore;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMb())), 200);
    // RSS every 5 s: flat after warm-up means no leak.
    const timeline: number[] = [];
    const timelineSampler = setInterval(() => timeline.push(Math.round(rssMb())), 5000);
    const result = await autocannon({
      url: `${url}/api/audio/classify`,
      method: 'POST',
      connections,
      amount,
      timeout: 60,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      // The load generator runs in its own thread so it does not share the server's event loop.
      workers: 1,
      body: bodies[connections % bodies.length],
    });
    clearInterval(sampler);
    clearInterval(timelineSampler);
    const statsAfter = await batchStats();
    const directRps = directRequests / (directSecondsBefore + (await direct(directRequests / 2)));
    const meanBatch = (statsAfter.sum - statsBefore.sum) / Math.max(1, statsAfter.count - statsBefore.count);
    const row = {
      concurrency: connections,
      requests: result.requests.total,
      'server req/s': round(result.requests.average),
      'direct clips/s': round(directRps),
      'server/direct': round(result.requests.average / directRps, 2),
      'mean batch': round(meanBatch, 1),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
      'rss MB before/max/after': `${Math.round(rssBefore)}/${Math.round(rssMax)}/${Math.round(rssMb())}`,
    };
    console.log(`  RSS MB every 5 s during the ${amount} requests: ${timeline.join(' ')}`);
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  console.table(rows);
  await app.close();
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
