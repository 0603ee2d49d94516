/** The innermost message of a Temporal failure chain: the sentence the activity or child actually threw. */
export function failureMessage(error: unknown): string {
  let current: unknown = error;
  let message = String(error);
  while (current instanceof Error) {
    message = current.message || message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}
