/** Escapes user text for a LIKE pattern, so `%` and `_` match themselves. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A `?region=` filter as a LIKE pattern: the region and everything under it (`440600` → `4406%`). */
export const regionUnder = (code: string) => `${escapeLike(code.replace(/(00){1,2}$/, ''))}%`;
