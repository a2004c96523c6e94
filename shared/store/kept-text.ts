import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { invariant } from '../errors';

/** Shorter texts are kept as they are: brotli gains little on them, and they stay readable. */
const COMPRESS_FROM_BYTES = 256;
/** 0.05 ms for a 550-byte answer here (quality 11 saves 10% more in 30 times the time). */
const QUALITY = 6;
/** The most a kept text may hold once read back: a DynamoDB item's 400 KB. */
const MAX_TEXT_BYTES = 400 * 1024;

/**
 * A request's answer as its record keeps it, for a replay to answer it byte for byte: the JSON text,
 * or, from 256 bytes, the text brotli-compressed as DynamoDB binary when that is shorter. A
 * transaction pays 2 write units per started KB of each item, and an answer that explains itself (a
 * concession fare with a transfer, a zone exit's refund) is most of its record: 552 bytes of a
 * senior's zone exit become 344.
 */
export function keptText(text: string): string | Uint8Array {
  const bytes = Buffer.byteLength(text);
  if (bytes < COMPRESS_FROM_BYTES) return text;
  const packed = brotliCompressSync(text, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes,
    },
  });
  if (packed.length >= bytes) return text;
  const kept = new Uint8Array(packed);
  // A replay must answer the very same bytes: prove it before anything is kept.
  invariant(textOf(kept) === text, 'a kept answer reads back byte for byte');
  return kept;
}

/** The text a record keeps (see keptText), as it was first answered. */
export function textOf(kept: unknown): string {
  if (typeof kept === 'string') return kept;
  invariant(kept instanceof Uint8Array, 'a kept answer is text or brotli binary');
  return brotliDecompressSync(kept, { maxOutputLength: MAX_TEXT_BYTES }).toString('utf8');
}

/** The JSON a record keeps, parsed. */
export const keptJson = <T>(kept: unknown): T => JSON.parse(textOf(kept)) as T;
