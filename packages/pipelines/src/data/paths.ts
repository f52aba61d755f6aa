/**
 * Platform-neutral path helpers for manifests: forward and back slashes, absolute POSIX/Windows paths and URLs.
 * Node's `path` cannot be used here (this package also runs in browsers).
 */
export function isAbsoluteLocation(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\') || /^[a-z][a-z0-9+.-]*:\/\//i.test(p);
}

/** Directory part of a path or URL ('' for a bare file name). */
export function dirnameOf(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? '' : i === 0 ? p.slice(0, 1) : p.slice(0, i);
}

/** Joins a relative path onto a base directory, resolving `.` and `..`; absolute `rel` wins. */
export function joinLocation(base: string, rel: string): string {
  if (isAbsoluteLocation(rel) || base === '') return rel;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.exec(base);
  if (url) return new URL(rel, `${base.replace(/\/+$/, '')}/`).href;
  const sep = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  const parts = `${base.replace(/[\\/]+$/, '')}/${rel}`.split(/[\\/]+/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else out.push(part);
  }
  const joined = out.join(sep);
  return base.startsWith('/') && !joined.startsWith('/') ? `/${joined}` : joined;
}

export function basenameOf(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return p.slice(i + 1);
}
