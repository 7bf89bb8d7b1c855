import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * AES-256-GCM envelope for secrets at rest (API tokens, app secrets, verify tokens).
 * Stored form: v1.<kid>.<iv>.<ciphertext>.<tag> (base64url parts). The key id lets
 * keys rotate; the associated data binds a value to its table, column and row, so a
 * ciphertext copied to another row does not decrypt.
 */

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretAad {
  table: string;
  column: string;
  rowId: string;
}

export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`Secret could not be decrypted: ${reason}`);
    this.name = 'SecretDecryptionError';
  }
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update('wcs-kid:').update(key).digest('hex').slice(0, 12);
}

function aadBytes(aad: SecretAad): Buffer {
  return Buffer.from(`${aad.table}|${aad.column}|${aad.rowId}`, 'utf8');
}

export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKid: string;

  /** The first key encrypts; every key decrypts (older keys stay readable during a rotation). */
  constructor(keys: Buffer[]) {
    if (!keys.length) throw new Error('SecretBox needs at least one key');
    for (const key of keys) {
      if (key.length !== 32) throw new Error('encryption keys must be 32 bytes');
      this.keys.set(keyId(key), key);
    }
    this.currentKid = keyId(keys[0]!);
  }

  static fromBase64(...keys: string[]): SecretBox {
    return new SecretBox(keys.map((k) => Buffer.from(k, 'base64')));
  }

  encrypt(plaintext: string, aad: SecretAad): string {
    const key = this.keys.get(this.currentKid)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aadBytes(aad));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.currentKid, iv.toString('base64url'), ct.toString('base64url'), tag.toString('base64url')].join('.');
  }

  decrypt(stored: string, aad: SecretAad): string {
    const parts = stored.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretDecryptionError('unknown format');
    const [, kid, ivPart, ctPart, tagPart] = parts as [string, string, string, string, string];
    const key = this.keys.get(kid);
    if (!key) throw new SecretDecryptionError(`key ${kid} is not loaded`);
    const iv = Buffer.from(ivPart, 'base64url');
    const tag = Buffer.from(tagPart, 'base64url');
    // Node accepts short GCM tags unless told otherwise; a short tag weakens authentication.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError('bad iv or tag length');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aadBytes(aad));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ctPart, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError('authentication failed');
    }
  }
}

/** The visible tail of a secret; short secrets show less so they cannot be guessed from it. */
export function last4(secret: string): string {
  return secret.length >= 12 ? secret.slice(-4) : secret.slice(-Math.min(2, secret.length));
}

export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

export const DEV_KEY_FILE = 'encryption.key';
export const NEXT_KEY_FILE = 'encryption.key.next';

export interface KeyLoadResult {
  box: SecretBox;
  /** Set when a development key was generated in this call. */
  generatedFile?: string;
  source: 'environment' | 'data-folder';
}

/**
 * Production reads ENCRYPTION_KEY only. Elsewhere, without ENCRYPTION_KEY, one key is
 * generated once into the data folder. A leftover "next" key file (a rotation that
 * stopped half-way) stays loaded for decryption so nothing becomes unreadable.
 */
export function loadSecretBox(options: { encryptionKey?: string; dataDir: string; allowGenerate: boolean }): KeyLoadResult {
  const extra: Buffer[] = [];
  const nextFile = path.join(options.dataDir, NEXT_KEY_FILE);
  if (fs.existsSync(nextFile)) extra.push(Buffer.from(fs.readFileSync(nextFile, 'utf8').trim(), 'base64'));
  if (options.encryptionKey) {
    return { box: new SecretBox([Buffer.from(options.encryptionKey, 'base64'), ...extra]), source: 'environment' };
  }
  const file = path.join(options.dataDir, DEV_KEY_FILE);
  let generatedFile: string | undefined;
  if (!fs.existsSync(file)) {
    if (!options.allowGenerate) throw new Error(`ENCRYPTION_KEY is required (no ${file} either)`);
    fs.mkdirSync(options.dataDir, { recursive: true });
    fs.writeFileSync(file, `${generateKey()}\n`, { mode: 0o600, flag: 'wx' });
    generatedFile = file;
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
  return { box: new SecretBox([key, ...extra]), generatedFile, source: 'data-folder' };
}
