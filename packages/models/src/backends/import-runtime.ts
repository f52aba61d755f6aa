import { NoiseClassifierError } from '@noise-classifier/config';

/**
 * Runs a lazy `import()` of an optional runtime package and turns "not installed" into E_RUNTIME_MISSING
 * naming the package to install (the seed's "No module named 'torch'" case, with the fix in the message).
 * Any other failure (a broken native binary, a wrong platform) becomes E_RUNTIME_FAILED with the cause kept.
 */
export async function importRuntime<T>(packageName: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error)) {
      throw new NoiseClassifierError('E_RUNTIME_MISSING', `the runtime package ${packageName} is not installed; install ${packageName} (npm install ${packageName})`, {
        field: 'backend',
        expected: `${packageName} installed next to @noise-classifier`,
        received: 'module not found',
        cause: error,
      });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new NoiseClassifierError('E_RUNTIME_FAILED', `the runtime package ${packageName} failed to load: ${reason}`, {
      field: 'backend',
      cause: error,
    });
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
  // Bundlers and browsers report a failed dynamic import without a code.
  const message = error instanceof Error ? error.message : '';
  return /Cannot find (module|package)|Failed to resolve module|Failed to fetch dynamically imported module/i.test(message);
}
