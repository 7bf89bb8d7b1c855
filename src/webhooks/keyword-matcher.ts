import type { KeywordCategory, KeywordRule } from './tables.js';

/**
 * Keyword matching for inbound messages. The whole text counts (a keyword
 * inside a sentence is not a match: "stop please" is not "stop"), compared
 * after trimming, Unicode NFKC normalisation (full-width "ＳＴＯＰ" is "STOP")
 * and a locale-independent case fold. Upper- then lower-casing folds what a
 * plain lower-casing misses ("ß" and "SS", final sigma), close to Unicode
 * case folding without a dependency.
 */
export function normalizeKeyword(text: string): string {
  return text.normalize('NFKC').trim().toLocaleUpperCase('und').toLocaleLowerCase('und');
}

export type ConsentChange = 'OPTED_IN' | 'OPTED_OUT';

export interface KeywordMatch {
  category: KeywordCategory;
  /** The keyword as configured; null for the DEFAULT rule. */
  matchedKeyword: string | null;
  replyText: string;
  /** null when the rule does not change consent (HELP, DEFAULT) or standard consent messages are off. */
  consentChange: ConsentChange | null;
}

/** False when no OPT_IN and no OPT_OUT keyword exists: keywords then never change consent. */
export function standardConsentMessagesEnabled(rules: readonly KeywordRule[]): boolean {
  return rules.some((r) => (r.category === 'OPT_IN' || r.category === 'OPT_OUT') && r.keywords.length > 0);
}

function consentOf(category: KeywordCategory, enabled: boolean): ConsentChange | null {
  if (!enabled) return null;
  if (category === 'OPT_IN') return 'OPTED_IN';
  if (category === 'OPT_OUT') return 'OPTED_OUT';
  return null;
}

/** The rule an inbound text triggers: a keyword rule, else the DEFAULT rule, else null. */
export function matchKeyword(rules: readonly KeywordRule[], text: string | null): KeywordMatch | null {
  const enabled = standardConsentMessagesEnabled(rules);
  if (text !== null) {
    const needle = normalizeKeyword(text);
    if (needle) {
      for (const rule of rules) {
        if (rule.category === 'DEFAULT') continue;
        const keyword = rule.keywords.find((k) => normalizeKeyword(k) === needle);
        if (keyword !== undefined) {
          return {
            category: rule.category,
            matchedKeyword: keyword,
            replyText: rule.replyMessage,
            consentChange: consentOf(rule.category, enabled),
          };
        }
      }
    }
  }
  const fallback = rules.find((r) => r.category === 'DEFAULT');
  return fallback ? { category: 'DEFAULT', matchedKeyword: null, replyText: fallback.replyMessage, consentChange: null } : null;
}
