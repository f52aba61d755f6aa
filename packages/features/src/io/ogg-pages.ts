import { NoiseClassifierError } from '@noise-classifier/config';
import { ascii } from './bytes';
import { unsupported } from './sniff';

export interface OggSummary {
  /** Codec of the first logical stream, from its identification packet. */
  codec: 'vorbis' | 'opus' | 'flac' | 'speex' | 'theora' | 'unknown';
  pages: number;
  /** True when the last page carries the end-of-stream flag. */
  complete: boolean;
  /** Byte length of whole pages; anything after is a torn page. */
  wholeBytes: number;
}

/**
 * Walks the Ogg page structure (RFC 3533) without decoding: identifies the codec from the first packet and
 * finds where the file stops being whole pages. The Vorbis decoder silently skips torn or missing pages,
 * so this walk is what turns a truncated or corrupt file into an error.
 */
export function walkOggPages(bytes: Uint8Array): OggSummary {
  let offset = 0;
  let pages = 0;
  let lastFlags = 0;
  let codec: OggSummary['codec'] = 'unknown';
  while (offset + 27 <= bytes.length && ascii(bytes, offset, 4) === 'OggS') {
    const segments = bytes[offset + 26];
    const headerEnd = offset + 27 + segments;
    if (headerEnd > bytes.length) break;
    let bodyLength = 0;
    for (let i = offset + 27; i < headerEnd; i++) bodyLength += bytes[i];
    if (headerEnd + bodyLength > bytes.length) break;
    if (pages === 0) codec = identify(bytes, headerEnd, bodyLength);
    lastFlags = bytes[offset + 5];
    pages++;
    offset = headerEnd + bodyLength;
  }
  return { codec, pages, complete: pages > 0 && (lastFlags & 0x04) !== 0, wholeBytes: offset };
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
