import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTf, type TfModule } from '@noise-classifier/models';

let ready: Promise<TfModule> | undefined;

/** tfjs with the WebAssembly backend (much faster than 'cpu' in Node); wasm files come from the installed package. */
export function tfWasm(): Promise<TfModule> {
  ready ??= (async () => {
    const tf = await loadTf();
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(`${pathToFileURL(dir).href}/`);
    wasm.setThreadsCount?.(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
    await tf.ready();
    return tf;
  })();
  return ready;
}
