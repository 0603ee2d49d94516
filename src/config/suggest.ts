/** "did you mean" for unknown keys: a case or separator slip (`batchsize`, `batch_size`), or a small typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const wanted = normalize(key);
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance <= allowedDistance(wanted) && (best === undefined || distance < best.distance)) {
      best = { key: candidate, distance };
    }
  }
  return best?.key;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

// Short keys get little slack, or `url` would be "corrected" to every other three-letter key.
function allowedDistance(key: string): number {
  if (key.length <= 4) return 1;
  return key.length <= 8 ? 2 : 3;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
