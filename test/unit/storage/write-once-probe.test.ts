/**
 * The write-once probe's verdicts on what a store answers. The real MinIO's answers (the second write refused)
 * are covered by test/integration/write-once-probe.test.ts; an object store that ignores If-None-Match is not
 * available as a server here, so its answers are played by a client that replays them.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { probeConditionalWrites } from '../../../src/storage';

/** A client that answers each PutObject with the next of `answers`: 'ok', or an HTTP status to fail with. */
function replaying(answers: (number | 'ok')[]): { s3: S3Client; puts: PutObjectCommand[] } {
  const puts: PutObjectCommand[] = [];
  const s3 = {
    send: async (command: unknown) => {
      if (!(command instanceof PutObjectCommand)) throw new Error('unexpected request');
      puts.push(command);
      const answer = answers.shift();
      if (answer === 'ok') return {};
      throw Object.assign(new Error(`HTTP ${answer}`), {
        name: answer === 412 ? 'PreconditionFailed' : 'Error',
        $metadata: { httpStatusCode: answer },
      });
    },
  } as unknown as S3Client;
  return { s3, puts };
}

describe('probeConditionalWrites', () => {
  it('passes when the second write is refused, writing with If-None-Match under the prefix', async () => {
    const { s3, puts } = replaying(['ok', 412]);
    await expect(probeConditionalWrites(s3, 'b', 'archive')).resolves.toBeUndefined();
    expect(puts.map((p) => [p.input.Key, p.input.IfNoneMatch])).toEqual([
      ['archive/_state/write-once-probe.txt', '*'],
      ['archive/_state/write-once-probe.txt', '*'],
    ]);
  });

  it('passes at once when an earlier check left the probe object', async () => {
    const { s3, puts } = replaying([412]);
    await probeConditionalWrites(s3, 'b', '');
    expect(puts.map((p) => p.input.Key)).toEqual(['_state/write-once-probe.txt']);
  });

  it('refuses a store that lets the second write replace the object', async () => {
    const { s3 } = replaying(['ok', 'ok']);
    await expect(probeConditionalWrites(s3, 'b', '')).rejects.toMatchObject({
      name: 'ConditionalWritesIgnoredError',
      message: expect.stringMatching(/storage\.endpoint .*If-None-Match.*second PutObject .*replaced/s),
    });
  });

  it('refuses a store that rejects the header', async () => {
    const { s3 } = replaying([501]);
    await expect(probeConditionalWrites(s3, 'b', '')).rejects.toMatchObject({
      name: 'ConditionalWritesIgnoredError',
    });
  });

  it('passes other failures on (access denied, network), to be reported as they are', async () => {
    const { s3 } = replaying([403]);
    await expect(probeConditionalWrites(s3, 'b', '')).rejects.toThrow('HTTP 403');
  });
});
