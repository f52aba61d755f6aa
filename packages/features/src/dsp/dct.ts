/**
 * torchaudio.functional.create_dct(nMfcc, nMels, norm): DCT-II basis, returned here as a row-major
 * [nMfcc × nMels] matrix (torchaudio returns its transpose, [nMels × nMfcc]). 'ortho' scales row 0 by
 * 1/√2 and all rows by √(2 / nMels); null doubles every entry.
 */
export function createDct(nMfcc: number, nMels: number, norm: 'ortho' | null = 'ortho'): Float32Array {
  const dct = new Float32Array(nMfcc * nMels);
  for (let k = 0; k < nMfcc; k++) {
    const scale = norm === null ? 2 : Math.sqrt(2 / nMels) * (k === 0 ? Math.SQRT1_2 : 1);
    for (let n = 0; n < nMels; n++) dct[k * nMels + n] = scale * Math.cos((Math.PI / nMels) * (n + 0.5) * k);
  }
  return dct;
}
