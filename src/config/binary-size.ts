/**
 * A byte count in the largest binary unit that divides it exactly (`8388608` → `8 MiB`, `1500` → `1500 bytes`),
 * for the validation messages and the configuration reference, which must show bounds the same way.
 */
export function binarySize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && value % 1024 === 0 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value} ${units[unit]}`;
}
