/**
 * Location of the bundled default model, next to this package's `dist/` (and `src/`) folder. Kept in a file at
 * the top of `src/` so the relative URL is the same from source (tests) and from the built bundle.
 */
export const DEFAULT_MODEL_FILE = 'models/default-model.onnx';

/** A file-system path for file: URLs (what Node runtimes read), the URL itself elsewhere (browsers fetch it). */
export function defaultModelLocation(): string | undefined {
  let url: URL;
  try {
    // A literal path (not built from DEFAULT_MODEL_FILE): bundlers treat a template as a glob and emit every file
    // of the package folder; a literal one they emit as exactly this asset.
    url = new URL('../models/default-model.onnx', import.meta.url);
  } catch {
    return undefined;
  }
  return url.protocol === 'file:' ? fileUrlToPath(url) : url.href;
}

/** Platform-neutral file-URL → path (POSIX, and Windows drive letters). */
export function fileUrlToPath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1).replace(/\//g, '\\') : path;
}
