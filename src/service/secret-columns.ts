import type { SecretColumn } from '../platform/secret-rotation.js';

/** Every column that stores an encrypted secret; `wcs secrets rotate` re-encrypts them all. Domains add theirs here. */
export const SECRET_COLUMNS: SecretColumn[] = [
  { table: 'whatsapp_api_credentials', idColumn: 'id', column: 'api_token_enc' },
  { table: 'whatsapp_webhooks', idColumn: 'id', column: 'verify_token_enc' },
  { table: 'whatsapp_webhooks', idColumn: 'id', column: 'app_secret_enc' },
];
