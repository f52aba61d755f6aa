/**
 * A viridis-like perceptual colormap computed here: a path through OKLCh (Ottosson's OKLab in polar form) with
 * lightness rising linearly from dark violet to yellow through blue and teal, so equal steps in value look like
 * equal steps in brightness and the map reads correctly in greyscale and for the common colour-vision deficiencies.
 */
function srgbGamma(x: number): number {
  const c = Math.min(1, Math.max(0, x));
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

/** OKLab → sRGB bytes (OKLab matrices from its published definition). */
function oklabToRgb(L: number, a: number, b: number): [number, number, number] {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const r = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
  const g = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
  const bl = -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s;
  return [Math.round(255 * srgbGamma(r)), Math.round(255 * srgbGamma(g)), Math.round(255 * srgbGamma(bl))];
}

/** Colour of t ∈ [0, 1] (clamped). */
export function perceptualColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const L = 0.27 + 0.65 * x;
  const C = 0.13 + 0.06 * x - 0.07 * Math.sin(Math.PI * x);
  const h = ((315 - 210 * x) * Math.PI) / 180;
  return oklabToRgb(L, C * Math.cos(h), C * Math.sin(h));
}

/** 256-entry lookup table, RGB interleaved. */
export function colormapTable(): Uint8Array {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) table.set(perceptualColor(i / 255), i * 3);
  return table;
}
