import { describe, expect, it } from 'vitest';
import { consentPolicyProblem, evaluateConsentPolicies, type PolicyAction } from '../../src/sending/consent-policy.js';

// Issue 8 acceptance 2 (the pure part): a failing marketing-action consent policy blocks with the policy named.

const WHATSAPP_MARKETING: PolicyAction = {
  id: 'ma1',
  key: 'whatsapp_marketing',
  name: 'WhatsApp marketing',
  consentPolicy: { attribute: 'consents.marketing.whatsApp.val', allowedValues: ['y'] },
};
const TRANSACTIONAL: PolicyAction = { key: 'whatsapp_transactional', name: 'WhatsApp transactional', consentPolicy: null };
const OFFERS: PolicyAction = {
  name: 'Personalized offers',
  consentPolicy: { attribute: 'consents.personalize.content.val', allowedValues: ['y', 'yes'] },
};

const consenting = (val: unknown, personalize: unknown = 'y') => ({
  consents: { marketing: { whatsApp: { val } }, personalize: { content: { val: personalize } } },
});

describe('evaluateConsentPolicies', () => {
  it('allows when every policy passes, and when there are no policies', () => {
    expect(evaluateConsentPolicies([WHATSAPP_MARKETING, TRANSACTIONAL, OFFERS], consenting('y'))).toEqual({ allowed: true });
    expect(evaluateConsentPolicies([], {})).toEqual({ allowed: true });
    expect(evaluateConsentPolicies([TRANSACTIONAL], {})).toEqual({ allowed: true });
  });

  it('blocks with a reason naming the action, the attribute, its value and what it needs', () => {
    expect(evaluateConsentPolicies([WHATSAPP_MARKETING], consenting('n'))).toEqual({
      allowed: false,
      reason: 'Blocked by marketing action "WhatsApp marketing": consents.marketing.whatsApp.val is "n", needs one of "y"',
      action: 'WhatsApp marketing',
      actionKey: 'whatsapp_marketing',
      actionId: 'ma1',
      attribute: 'consents.marketing.whatsApp.val',
    });
  });

  it('compares strings case-insensitively (and ignores surrounding spaces)', () => {
    expect(evaluateConsentPolicies([WHATSAPP_MARKETING], consenting('Y'))).toEqual({ allowed: true });
    expect(evaluateConsentPolicies([WHATSAPP_MARKETING], consenting(' y '))).toEqual({ allowed: true });
    expect(evaluateConsentPolicies([OFFERS], consenting('y', 'YES'))).toEqual({ allowed: true });
    const upper: PolicyAction = { name: 'Upper', consentPolicy: { attribute: 'c', allowedValues: ['OPT_IN'] } };
    expect(evaluateConsentPolicies([upper], { c: 'opt_in' })).toEqual({ allowed: true });
  });

  it.each([
    ['a missing attribute', {}, 'consents.marketing.whatsApp.val is missing, needs one of "y"'],
    ['a missing parent', { consents: 'y' }, 'consents.marketing.whatsApp.val is missing, needs one of "y"'],
    ['null', consenting(null), 'consents.marketing.whatsApp.val is null, needs one of "y"'],
    ['an empty text', consenting(''), 'consents.marketing.whatsApp.val is "", needs one of "y"'],
    ['a number', consenting(1), 'consents.marketing.whatsApp.val is 1, needs one of "y"'],
    ['a boolean', consenting(true), 'consents.marketing.whatsApp.val is true, needs one of "y"'],
    ['an object', consenting({ y: true }), 'consents.marketing.whatsApp.val is an object, not a single value, needs one of "y"'],
    ['a list holding the value', consenting(['y']), 'consents.marketing.whatsApp.val is a list, not a single value, needs one of "y"'],
  ])('%s is not allowed', (_label, attributes, detail) => {
    const outcome = evaluateConsentPolicies([WHATSAPP_MARKETING], attributes);
    expect(outcome).toMatchObject({ allowed: false, reason: `Blocked by marketing action "WhatsApp marketing": ${detail}` });
  });

  it('the first failing action in order is the one named', () => {
    const both = evaluateConsentPolicies([TRANSACTIONAL, OFFERS, WHATSAPP_MARKETING], consenting('n', 'n'));
    expect(both).toMatchObject({ allowed: false, action: 'Personalized offers', attribute: 'consents.personalize.content.val' });
    expect(both.allowed === false && both.reason).toBe(
      'Blocked by marketing action "Personalized offers": consents.personalize.content.val is "n", needs one of "y", "yes"',
    );
    expect(evaluateConsentPolicies([TRANSACTIONAL, OFFERS, WHATSAPP_MARKETING], consenting('n', 'y'))).toMatchObject({
      action: 'WhatsApp marketing',
    });
    expect(evaluateConsentPolicies([OFFERS], consenting('n', 'y'))).not.toHaveProperty('actionKey');
  });

  it('non-string values match allowed values by their text', () => {
    const numeric: PolicyAction = { name: 'Numeric', consentPolicy: { attribute: 'level', allowedValues: ['1', 'TRUE'] } };
    expect(evaluateConsentPolicies([numeric], { level: 1 })).toEqual({ allowed: true });
    expect(evaluateConsentPolicies([numeric], { level: true })).toEqual({ allowed: true });
    expect(evaluateConsentPolicies([numeric], { level: 2 })).toMatchObject({ allowed: false });
  });

  it('shortens long values in the reason and quotes them safely', () => {
    const reason = consentPolicyProblem(WHATSAPP_MARKETING.consentPolicy!, consenting(`"${'x'.repeat(100)}`));
    expect(reason).toBe(`consents.marketing.whatsApp.val is ${JSON.stringify(`"${'x'.repeat(38)}…`)}, needs one of "y"`);
  });

  it('a policy with no allowed values never passes', () => {
    const none: PolicyAction = { name: 'Closed', consentPolicy: { attribute: 'a', allowedValues: [] } };
    expect(evaluateConsentPolicies([none], { a: 'y' })).toMatchObject({ allowed: false });
  });

  it('reads own attributes only: prototype names are missing', () => {
    const proto: PolicyAction = { name: 'Proto', consentPolicy: { attribute: 'constructor.name', allowedValues: ['Object'] } };
    expect(evaluateConsentPolicies([proto], {})).toMatchObject({ allowed: false });
  });
});
