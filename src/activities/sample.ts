import { randomInt } from 'node:crypto';
import type { VerifySettings } from '../shared';

/** samplePercent of `total`, at least `min` and at most `max`, and never more than there are. */
export function sampleSize(total: number, settings: VerifySettings): number {
  const wanted = Math.ceil((total * settings.samplePercent) / 100);
  return Math.min(total, Math.max(settings.min, Math.min(settings.max, wanted)));
}

/** `count` distinct indexes below `total`, chosen at random (partial Fisher–Yates). */
export function sampleIndexes(
  total: number,
  count: number,
  random: (n: number) => number = randomInt,
): number[] {
  const pool = Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + random(total - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}
