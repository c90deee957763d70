import { randomUUID } from 'node:crypto';
import { MAX_ATTEMPTS, callbackSelection, sampleBucket, stateAfterAttempt } from './callback-rules';

describe('call-back rules', () => {
  it('always calls strategic and key customers and green-channel cases back', () => {
    const id = randomUUID();
    expect(callbackSelection('strategic', false, id, 0)).toBe('tier');
    expect(callbackSelection('key', true, id, 0)).toBe('tier');
    expect(callbackSelection('standard', true, id, 0)).toBe('green_channel');
  });

  it('samples standard cases by id: repeatable, none at 0 %, all at 100 %, about the share asked for between', () => {
    const ids = Array.from({ length: 4000 }, () => randomUUID());
    expect(ids.every((id) => callbackSelection('standard', false, id, 0) === null)).toBe(true);
    expect(ids.every((id) => callbackSelection('standard', false, id, 100) === 'sample')).toBe(true);
    const picked = ids.filter((id) => callbackSelection('standard', false, id, 25) === 'sample');
    // 4000 draws at p = 0.25: σ ≈ 27, so ±200 is more than 7σ
    expect(Math.abs(picked.length - 1000)).toBeLessThan(200);
    // the same id, the same answer, whatever the case of its letters
    for (const id of ids.slice(0, 50)) expect(sampleBucket(id.toUpperCase())).toBe(sampleBucket(id));
    // monotone in the percentage: a case sampled at 25 % is sampled at 26 %
    expect(picked.every((id) => callbackSelection('standard', false, id, 26) === 'sample')).toBe(true);
  });

  it('retries an unanswered call up to three attempts, then gives up', () => {
    expect(stateAfterAttempt(1, false)).toBe('in_progress');
    expect(stateAfterAttempt(2, false)).toBe('in_progress');
    expect(stateAfterAttempt(MAX_ATTEMPTS, false)).toBe('unreachable');
    expect(stateAfterAttempt(1, true)).toBe('done');
    expect(stateAfterAttempt(3, true)).toBe('done');
  });
});
