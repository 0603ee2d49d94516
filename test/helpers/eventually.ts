/**
 * Polls `probe` every 250 ms until it returns a value, for what the Temporal server shows only after a moment
 * (visibility, a workflow's status). Throws `timed out waiting for {what}` after `timeoutMs`.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
