// Runs startServer in its own process with a slowed classifier, so a test can SIGTERM it mid-request.
import { startServer } from '../../src/serve';
import { loadTestClassifier } from './classifier';
import { TOKEN, decode } from './server';

const inner = await loadTestClassifier();
const delayMs = Number(process.env.DELAY_MS ?? 1500);
const running = await startServer({
  port: 0,
  tokens: [TOKEN],
  decodeAudio: decode,
  classifier: {
    modelInfo: () => inner.modelInfo(),
    classifyBatch: async (items) => {
      await new Promise((r) => setTimeout(r, delayMs));
      return inner.classifyBatch(items);
    },
  },
});
process.stdout.write(`listening ${running.url}\n`);
