import { NoiseClassifierError } from '@noise-classifier/config';
import { ascii, viewOf } from './bytes';
import { unsupported } from './sniff';

export interface OggSummary {
  /** Codec of the first logical stream, from its identification packet. */
  codec: 'vorbis' | 'opus' | 'flac' | 'speex' | 'theora' | 'unknown';
  pages: number;
  /** True when the last page carries the end-of-stream flag. */
  complete: boolean;
  /** Byte length of whole pages; anything after is a torn page. */
  wholeBytes: number;
  /** Index of the first page whose CRC does not match, if any. */
  badCrcPage?: number;
}

const CRC_TABLE = (() => {
  // Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0, no final xor.
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** CRC of a page with its checksum field (bytes 22..25) taken as zero. */
export function oggPageCrc(bytes: Uint8Array, start: number, end: number): number {
  // The caller has checked start..end against bytes.length; CRC_TABLE has 256 entries and is indexed with & 0xff.
  let crc = 0;
  for (let i = start; i < end; i++) {
    const b = i >= start + 22 && i < start + 26 ? 0 : bytes[i]!;
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  }
  return crc;
}

/**
 * Walks the Ogg page structure (RFC 3533) without decoding: identifies the codec from the first packet and
 * finds where the file stops being whole pages, and verifies each page's checksum. The Vorbis decoder silently
 * skips torn, missing or corrupt pages, so this walk is what turns a truncated or corrupt file into an error.
 */
export function walkOggPages(bytes: Uint8Array): OggSummary {
  const view = viewOf(bytes);
  let offset = 0;
  let pages = 0;
  let lastFlags = 0;
  let codec: OggSummary['codec'] = 'unknown';
  let badCrcPage: number | undefined;
  while (ascii(bytes, offset, 4) === 'OggS') {
    // The 27-byte page header ends with its segment count; undefined means the file ends inside the header.
    const segments = bytes[offset + 26];
    if (segments === undefined) break;
    const headerEnd = offset + 27 + segments;
    if (headerEnd > bytes.length) break;
    let bodyLength = 0;
    for (const lacing of bytes.subarray(offset + 27, headerEnd)) bodyLength += lacing;
    if (headerEnd + bodyLength > bytes.length) break;
    if (pages === 0) codec = identify(bytes, headerEnd, bodyLength);
    const stored = view.getUint32(offset + 22, true);
    if (badCrcPage === undefined && stored !== oggPageCrc(bytes, offset, headerEnd + bodyLength)) badCrcPage = pages;
    lastFlags = view.getUint8(offset + 5);
    pages++;
    offset = headerEnd + bodyLength;
  }
  return { codec, pages, complete: pages > 0 && (lastFlags & 0x04) !== 0, wholeBytes: offset, badCrcPage };
}

function identify(bytes: Uint8Array, start: number, length: number): OggSummary['codec'] {
  const head = ascii(bytes, start, Math.min(length, 8));
  if (head.startsWith('\u0001vorbis')) return 'vorbis';
  if (head.startsWith('OpusHead')) return 'opus';
  if (head.startsWith('\u007fFLAC')) return 'flac';
  if (head.startsWith('Speex')) return 'speex';
  if (head.startsWith('\u0080theora')) return 'theora';
  return 'unknown';
}

/** Throws unless `bytes` is a whole Ogg Vorbis stream (or a torn one the caller accepts). Returns whether it was torn. */
export function checkOggVorbis(bytes: Uint8Array, allowTruncated: boolean): boolean {
  const summary = walkOggPages(bytes);
  if (summary.pages === 0) {
    throw new NoiseClassifierError('E_DECODE', 'Ogg: no complete page', { field: 'bytes', expected: 'an Ogg Vorbis file', received: `${bytes.length} bytes without a whole Ogg page` });
  }
  if (summary.codec === 'opus') throw unsupported('Opus in Ogg');
  if (summary.codec === 'flac') throw unsupported('FLAC in Ogg (use a native .flac file)');
  if (summary.codec === 'speex') throw unsupported('Speex in Ogg');
  if (summary.codec === 'theora') throw unsupported('Theora video in Ogg');
  if (summary.codec !== 'vorbis') throw unsupported('an unknown codec in Ogg (first packet is not a Vorbis identification header)');
  // The decoder would drop a page with a bad checksum without a word, leaving a gap in the audio.
  if (summary.badCrcPage !== undefined) {
    throw new NoiseClassifierError('E_DECODE', `Ogg: corrupt page ${summary.badCrcPage} (checksum mismatch)`, {
      field: 'bytes',
      expected: 'Ogg pages with valid CRC-32 checksums',
      received: `a bad checksum on page ${summary.badCrcPage} of ${summary.pages}`,
    });
  }
  const torn = summary.wholeBytes < bytes.length || !summary.complete;
  if (torn && !allowTruncated) {
    const where = summary.wholeBytes < bytes.length ? `page structure breaks at byte ${summary.wholeBytes} of ${bytes.length}` : 'the last page has no end-of-stream flag';
    throw new NoiseClassifierError('E_DECODE', `Ogg: truncated or corrupt stream (${where})`, {
      field: 'bytes',
      expected: 'whole Ogg pages ending with an end-of-stream page',
      received: `${summary.pages} whole pages in ${bytes.length} bytes`,
    });
  }
  return torn;
}
