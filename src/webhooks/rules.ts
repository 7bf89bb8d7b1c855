import type { FieldErrors } from '../platform/errors.js';
import { normalizeKeyword } from './keyword-matcher.js';
import { KEYWORD_CATEGORIES, type KeywordCategory, type KeywordRule } from './tables.js';

/** Validation of webhook inputs (keyword rules, names, app secrets); each problem becomes a field error. */

export const MAX_KEYWORD_LENGTH = 64;
export const MAX_REPLY_LENGTH = 4096;
export const MAX_RULES = 50;
export const MAX_KEYWORDS_PER_RULE = 100;
const MAX_NAME_LENGTH = 128;
const MAX_APP_SECRET_LENGTH = 256;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

export interface KeywordRuleInput {
  category: KeywordCategory;
  keywords: readonly string[];
  replyMessage: string;
}

/** Length in characters as a person counts them (code points, so an emoji is one). */
const charLength = (s: string): number => [...s].length;

/** Trims and checks every rule; returns the rules to store (valid only when `errors` stayed empty). */
export function checkKeywordRules(errors: FieldErrors, input: readonly KeywordRuleInput[], path = 'keywordRules'): KeywordRule[] {
  if (input.length > MAX_RULES) errors.add(path, `must have at most ${MAX_RULES} rules`);
  const seen = new Map<string, string>();
  let defaults = 0;
  return input.map((rule, i) => {
    const at = (...rest: string[]) => [path, String(i), ...rest];
    if (!(KEYWORD_CATEGORIES as readonly string[]).includes(rule.category)) errors.add(at('category'), 'is not a keyword category');
    const keywords = rule.keywords.map((k) => k.trim());
    if (rule.category === 'DEFAULT') {
      defaults += 1;
      if (defaults > 1) errors.add(at('category'), 'DEFAULT may occur at most once');
      if (keywords.length) errors.add(at('keywords'), 'the DEFAULT rule has no keywords (it answers every message no other rule matches)');
    } else if (!keywords.length) {
      errors.add(at('keywords'), `a ${rule.category} rule needs at least one keyword`);
    }
    if (keywords.length > MAX_KEYWORDS_PER_RULE) errors.add(at('keywords'), `must have at most ${MAX_KEYWORDS_PER_RULE} keywords`);
    keywords.forEach((keyword, k) => {
      const kwPath = at('keywords', String(k));
      if (!keyword) return errors.add(kwPath, 'must not be empty');
      if (charLength(keyword) > MAX_KEYWORD_LENGTH) return errors.add(kwPath, `must be at most ${MAX_KEYWORD_LENGTH} characters`);
      if (CONTROL_CHARS.test(keyword)) return errors.add(kwPath, 'must not contain control characters such as tabs or line breaks');
      const key = normalizeKeyword(keyword);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        errors.add(kwPath, `"${keyword}" is already a keyword (${earlier}); keywords must be unique across all rules, ignoring case`);
      } else {
        seen.set(key, `rule ${i + 1}`);
      }
    });
    const reply = rule.replyMessage.trim();
    if (!reply) errors.add(at('replyMessage'), 'must not be empty');
    else if (charLength(reply) > MAX_REPLY_LENGTH) errors.add(at('replyMessage'), `must be at most ${MAX_REPLY_LENGTH} characters`);
    return { category: rule.category, keywords, replyMessage: reply };
  });
}

export function checkName(errors: FieldErrors, raw: string): string {
  const name = raw.trim();
  if (!name) errors.add('name', 'is required');
  else if (charLength(name) > MAX_NAME_LENGTH) errors.add('name', `must be at most ${MAX_NAME_LENGTH} characters`);
  else if (CONTROL_CHARS.test(name)) errors.add('name', 'must not contain control characters such as tabs or line breaks');
  return name;
}

/** Meta's app secret (App settings → Basic); it signs every POST. */
export function checkAppSecret(errors: FieldErrors, raw: string): string {
  const secret = raw.trim();
  if (!secret) errors.add('appSecret', 'is required (Meta App Dashboard → App settings → Basic → App secret)');
  else if (/\s/.test(secret)) errors.add('appSecret', 'must not contain spaces or line breaks (check for a stray character when pasting)');
  else if (secret.length > MAX_APP_SECRET_LENGTH) errors.add('appSecret', `must be at most ${MAX_APP_SECRET_LENGTH} characters`);
  return secret;
}
