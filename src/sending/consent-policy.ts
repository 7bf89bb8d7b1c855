import { readAttribute } from '../settings/attribute-path.js';
import type { ConsentPolicy } from '../settings/tables.js';

/**
 * Marketing actions' consent policies, checked against a profile before
 * anything reaches Meta. The first failing action blocks the send, and the
 * reason names that action and the attribute so an operator can fix the data.
 */

export interface PolicyAction {
  /** Display name, e.g. "WhatsApp marketing" (named in the reason). */
  name: string;
  key?: string;
  id?: string;
  consentPolicy: ConsentPolicy | null;
}

export type ConsentPolicyOutcome =
  { allowed: true } | { allowed: false; reason: string; action: string; actionKey?: string; actionId?: string; attribute: string };

const SHOWN_MAX = 40;

function quote(value: string): string {
  const text = value.length > SHOWN_MAX ? `${value.slice(0, SHOWN_MAX - 1)}…` : value;
  return JSON.stringify(text);
}

/** Comparable text of a single value; null for objects and arrays, which never satisfy a policy. */
function comparable(value: unknown): string | null {
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).toLowerCase();
  return null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `is ${quote(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `is ${String(value)}`;
  return Array.isArray(value) ? 'is a list, not a single value' : 'is an object, not a single value';
}

/** Evaluates one policy; null when the attributes satisfy it. */
export function consentPolicyProblem(policy: ConsentPolicy, attributes: unknown): string | null {
  const value = readAttribute(attributes, policy.attribute);
  const actual = comparable(value);
  const allowed = policy.allowedValues.map((v) => v.trim().toLowerCase());
  if (actual !== null && allowed.includes(actual)) return null;
  const state = describe(value);
  const needs = `needs one of ${policy.allowedValues.map(quote).join(', ')}`;
  return `${policy.attribute} ${state.startsWith('is ') ? state : `is ${state}`}, ${needs}`;
}

/** Every action's policy in order; the first that fails blocks, naming the action and the attribute. */
export function evaluateConsentPolicies(actions: readonly PolicyAction[], attributes: unknown): ConsentPolicyOutcome {
  for (const action of actions) {
    if (!action.consentPolicy) continue;
    const problem = consentPolicyProblem(action.consentPolicy, attributes);
    if (problem) {
      return {
        allowed: false,
        reason: `Blocked by marketing action ${JSON.stringify(action.name)}: ${problem}`,
        action: action.name,
        ...(action.key ? { actionKey: action.key } : {}),
        ...(action.id ? { actionId: action.id } : {}),
        attribute: action.consentPolicy.attribute,
      };
    }
  }
  return { allowed: true };
}
