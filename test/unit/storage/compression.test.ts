import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  batchKeys,
  compressionOfKey,
  compressSync,
  createCompressor,
  createDecompressor,
  dataKeyBase,
  decompressSync,
  isDataKey,
  isDecompressionError,
  sidecarKeys,
  type Compression,
} from '../../../src/storage';

const text = Buffer.from('{"id":"1","v":"é"}\n'.repeat(500));

async function through(stream: Transform, data: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from([data]), stream, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  return Buffer.concat(out);
}

describe('the compression of data objects', () => {
  it('names a zstd batch .jsonl.zst and a gzip one .jsonl.gz, with the same sidecars', () => {
    const gzip = batchKeys('p', 'shop', 'public.events', 'r1', 3);
    const zstd = batchKeys('p', 'shop', 'public.events', 'r1', 3, 'zstd');
    expect(gzip.data).toBe('p/shop/public.events/runs/r1/batch-000003.jsonl.gz');
    expect(zstd.data).toBe('p/shop/public.events/runs/r1/batch-000003.jsonl.zst');
    expect({ ...zstd, data: undefined }).toEqual({ ...gzip, data: undefined });
    expect(sidecarKeys(zstd.data)).toEqual(sidecarKeys(gzip.data));
    expect(sidecarKeys(zstd.data).meta).toBe('p/shop/public.events/runs/r1/batch-000003.meta.json');
  });

  it('tells the compression from the key, and knows a data key from a sidecar', () => {
    expect(compressionOfKey('a/batch-000000.jsonl.gz')).toBe('gzip');
    expect(compressionOfKey('a/batch-000000.jsonl.zst')).toBe('zstd');
    expect(() => compressionOfKey('a/batch-000000.meta.json')).toThrow('is not a data object key');
    expect(['x.jsonl.gz', 'x.jsonl.zst', 'x.meta.json', 'x.jsonl.gz.tmp'].map(isDataKey)).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(dataKeyBase('a/batch-000001.jsonl.zst')).toBe('a/batch-000001');
  });

  it.each<[Compression, number]>([
    ['gzip', 1],
    ['gzip', 9],
    ['zstd', 1],
    ['zstd', 19],
  ])('round-trips %s level %i through the streams and the one-shot functions alike', async (c, level) => {
    const key = `a/batch-000000.jsonl.${c === 'gzip' ? 'gz' : 'zst'}`;
    for (const compressed of [
      await through(createCompressor(c, level), text),
      compressSync(c, level, text),
    ]) {
      expect(compressed.length).toBeLessThan(text.length / 10);
      expect(decompressSync(key, compressed)).toEqual(text);
      expect(await through(createDecompressor(key), compressed)).toEqual(text);
    }
  });

  it('sees damaged zstd and gzip bytes as decompression errors, and nothing else', async () => {
    const zstd = compressSync('zstd', 3, text);
    zstd[zstd.length - 1]! ^= 0xff; // the frame checksum: a reader without the metadata notices too
    const caught = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(isDecompressionError(caught(() => decompressSync('k.jsonl.zst', zstd)))).toBe(true);
    expect(isDecompressionError(caught(() => decompressSync('k.jsonl.gz', Buffer.from('x'))))).toBe(true);
    const streamed = await through(createDecompressor('k.jsonl.zst'), zstd).catch((error: unknown) => error);
    expect(isDecompressionError(streamed)).toBe(true);
    expect(isDecompressionError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(false);
  });
});
