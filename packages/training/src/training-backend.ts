import { NoiseClassifierError, type TrainingDevice } from '@noise-classifier/config';
import type * as tfType from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from './wasm-grad-kernels';

type Tf = typeof tfType;

/**
 * Picks the fastest tfjs backend that can train here and makes it current:
 * - 'auto': tfjs-node ('tensorflow', native) when installed, else 'wasm' with our backward kernels, else 'cpu'.
 * - 'wasm' / 'cpu': exactly that backend. 'cuda': tfjs-node-gpu's 'tensorflow' backend, or an error.
 * The pure-JS 'cpu' backend takes minutes per CNN step, so 'auto' only falls back to it when nothing else loads.
 * Returns the backend name in use.
 */
export async function selectTrainingBackend(tf: Tf, device: TrainingDevice = 'auto'): Promise<string> {
  const failures: string[] = [];
  const attempt = async (name: string, load: () => Promise<void>): Promise<boolean> => {
    try {
      await load();
      if (await tf.setBackend(name)) {
        await tf.ready();
        return true;
      }
      failures.push(`${name}: setBackend returned false`);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return false;
  };
  const native = (pkg: string) => async () => {
    // A variable specifier keeps bundlers from resolving the optional native package.
    const specifier = pkg;
    await import(/* @vite-ignore */ specifier);
  };
  const wasm = async () => {
    const specifier = '@tensorflow/tfjs-backend-wasm';
    await import(/* @vite-ignore */ specifier);
    registerWasmTrainingKernels(tf);
  };
  if (tf.getBackend() !== undefined && device === 'auto' && tf.getBackend() === 'tensorflow') return 'tensorflow';
  const plan: [string, () => Promise<void>][] =
    device === 'cuda' ? [['tensorflow', native('@tensorflow/tfjs-node-gpu')]]
      : device === 'wasm' ? [['wasm', wasm]]
        : device === 'cpu' ? [['cpu', async () => {}]]
          : [['tensorflow', native('@tensorflow/tfjs-node')], ['wasm', wasm], ['cpu', async () => {}]];
  for (const [name, load] of plan) {
    if (await attempt(name, load)) {
      if (name === 'wasm') registerWasmTrainingKernels(tf);
      return name;
    }
  }
  throw new NoiseClassifierError('E_RUNTIME_MISSING', `No tfjs backend for training on device "${device}"`, {
    field: 'device',
    expected: device === 'cuda' ? '@tensorflow/tfjs-node-gpu installed' : 'a loadable tfjs backend (tfjs-node, tfjs-backend-wasm or cpu)',
    received: failures.join('; '),
  });
}
