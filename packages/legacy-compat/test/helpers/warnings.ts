/** Collects the process warnings emitted while `fn` runs (they arrive on a later tick). */
export async function captureWarnings(fn: () => unknown | Promise<unknown>): Promise<(Error & { code?: string })[]> {
  const seen: (Error & { code?: string })[] = [];
  const listener = (warning: Error & { code?: string }) => {
    if (warning.name === 'DeprecationWarning' && /^NCV2_/.test(warning.code ?? '')) seen.push(warning);
  };
  process.on('warning', listener);
  try {
    await fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}
