import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls every `everyMs` until `probe` returns a truthy value (which is
 * returned), or fails after `timeoutMs`; an error thrown by `probe` ends the
 * wait at once. Tests wait for a condition this way, never for a fixed time.
 */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** True if `exited` settles within `ms` (the timer is cleared either way, so nothing keeps Jest alive). */
export function exitsWithin(exited: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([exited.then(() => true), new Promise<boolean>((ok) => (timer = setTimeout(() => ok(false), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
