import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (a robot's key, a signing secret), sealed with AES-256-GCM
 * under a key from the environment: `v1.<key id>.<iv>.<tag>.<ciphertext>`,
 * base64url. The key id (the first 8 hex digits of the key's SHA-256) picks
 * the key on opening, so a previous key still opens what it sealed after a
 * rotation. The caller's `context` (table, row, field) is authenticated
 * data: a sealed value copied into another row or field does not open.
 * docs/SECURITY.md, "Secrets at rest".
 */

const VERSION = 'v1';
const IV_BYTES = 12;

/** No key is configured: nothing can be sealed (or opened). */
export class SecretKeyMissing extends Error {
  override readonly name = 'SecretKeyMissing';
}

/** A sealed value that no configured key opens, or that was altered or moved. */
export class SecretUnreadable extends Error {
  override readonly name = 'SecretUnreadable';
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  private readonly current?: { id: string; key: Buffer };

  /** @param current seals and opens; @param previous only opens. Both 32 bytes. */
  constructor(current?: Buffer, previous?: Buffer) {
    for (const key of [previous, current]) {
      if (!key) continue;
      if (key.length !== 32) throw new Error('an AES-256 key is 32 bytes');
      this.keys.set(keyId(key), key);
    }
    if (current) this.current = { id: keyId(current), key: current };
  }

  get canSeal(): boolean {
    return this.current !== undefined;
  }

  seal(plain: string, context: string): string {
    if (!this.current) throw new SecretKeyMissing('no secret key is configured');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, iv, cipher.getAuthTag(), sealed]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string, context: string): string {
    const [version, id, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || data === undefined) throw new SecretUnreadable('not a sealed secret');
    const key = this.keys.get(id);
    if (!key) {
      if (!this.keys.size) throw new SecretKeyMissing('no secret key is configured');
      throw new SecretUnreadable(`sealed with key ${id}, which is not configured`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadable('the sealed secret does not authenticate (altered, or sealed for another place)');
    }
  }
}
