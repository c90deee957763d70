import { randomBytes } from 'node:crypto';
import { SecretBox, SecretKeyMissing, SecretUnreadable } from './secret-box';

describe('SecretBox', () => {
  const key = randomBytes(32);

  it('seals so that only the same key and context open it, and never the same way twice', () => {
    const box = new SecretBox(key);
    const a = box.seal('SECabc', 'notification_channels/1/secret');
    const b = box.seal('SECabc', 'notification_channels/1/secret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('SECabc');
    expect(box.open(a, 'notification_channels/1/secret')).toBe('SECabc');
    // moved to another row or field: refused
    expect(() => box.open(a, 'notification_channels/2/secret')).toThrow(SecretUnreadable);
    expect(() => new SecretBox(randomBytes(32)).open(a, 'notification_channels/1/secret')).toThrow(SecretUnreadable);
  });

  it('refuses an altered value', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('中文也行', 'ctx');
    const parts = sealed.split('.');
    const data = Buffer.from(parts[4], 'base64url');
    data[0] ^= 1;
    parts[4] = data.toString('base64url');
    expect(() => box.open(parts.join('.'), 'ctx')).toThrow(SecretUnreadable);
    expect(box.open(sealed, 'ctx')).toBe('中文也行');
  });

  it('opens what the previous key sealed after a rotation, and seals with the new one', () => {
    const old = new SecretBox(key);
    const sealed = old.seal('s1', 'ctx');
    const next = randomBytes(32);
    const rotated = new SecretBox(next, key);
    expect(rotated.open(sealed, 'ctx')).toBe('s1');
    expect(new SecretBox(next).open(rotated.seal('s2', 'ctx'), 'ctx')).toBe('s2');
  });

  it('without a key neither seals nor opens', () => {
    const none = new SecretBox();
    expect(none.canSeal).toBe(false);
    expect(() => none.seal('x', 'ctx')).toThrow(SecretKeyMissing);
    expect(() => none.open(new SecretBox(key).seal('x', 'ctx'), 'ctx')).toThrow(SecretKeyMissing);
  });
});
