import { describe, expect, it } from 'vitest';
import { normalizePhoneNumber, recipientFromProfile } from '../../src/sending/recipient.js';

// Issue 8 acceptance 2 (the pure part): the recipient's number from the execution field, E.164; missing or invalid → reason.

describe('normalizePhoneNumber', () => {
  it.each([
    ['+14155550123', '+14155550123'],
    ['14155550123', '+14155550123'],
    ['+1 415 555 0123', '+14155550123'],
    ['+1-415-555-0123', '+14155550123'],
    ['1 (415) 555-0123', '+14155550123'],
    ['  +1.415.555.0123  ', '+14155550123'],
    ['+1\u00a0415\u00a0555\u00a00123', '+14155550123'],
    ['+1–415–555–0123', '+14155550123'],
    ['0014155550123', '+14155550123'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+44 (0)20 7946 0958', '+442079460958'],
    ['+351 210 000 005', '+351210000005'],
    ['+49 170 1234567', '+491701234567'],
    ['+52 55 1234 5678', '+525512345678'],
    ['+5215512345678', '+5215512345678'],
    ['+15550100001', '+15550100001'], // fictional 555 numbers: possible, so the simulator's numbers work
  ])('%j -> %j', (raw, expected) => {
    expect(normalizePhoneNumber(raw)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['abc'],
    ['+1 415 CALL NOW'],
    ['+123'],
    ['4155550123'], // a US number without its country code is read as +41 (Switzerland) and is too short
    ['+999 123 456 789'], // no such country code
    ['+1 415 555 0123 ext. 7'],
    ['+1415555012345678'],
    ['++14155550123'],
    ['1+4155550123'],
    ['tel:+14155550123'],
    [`+1${'4'.repeat(100)}`],
  ])('%j is not a phone number', (raw) => {
    expect(normalizePhoneNumber(raw)).toBeNull();
  });
});

describe('recipientFromProfile', () => {
  it('reads and normalises the number at the execution field path', () => {
    expect(recipientFromProfile({ mobilePhone: { number: '+1 (415) 555-0123' } }, 'mobilePhone.number')).toEqual({
      ok: true,
      phoneE164: '+14155550123',
    });
    expect(recipientFromProfile({ phones: { work: '442079460958' } }, 'phones.work')).toEqual({ ok: true, phoneE164: '+442079460958' });
    expect(recipientFromProfile({ msisdn: 14155550123 }, 'msisdn')).toEqual({ ok: true, phoneE164: '+14155550123' });
  });

  it.each([
    ['no attributes at all', {}],
    ['a missing parent', { mobilePhone: null }],
    ['null', { mobilePhone: { number: null } }],
    ['an empty text', { mobilePhone: { number: '' } }],
    ['blank text', { mobilePhone: { number: '   ' } }],
    ['a different field', { phone: '+14155550123' }],
  ])('%s -> "profile has no mobilePhone.number"', (_label, attributes) => {
    expect(recipientFromProfile(attributes, 'mobilePhone.number')).toEqual({ ok: false, reason: 'profile has no mobilePhone.number' });
  });

  it.each([
    [{ number: 'call me' }, 'profile number "call me" is not a valid phone number'],
    [{ number: '+123' }, 'profile number "+123" is not a valid phone number'],
    [{ number: 12.5 }, 'profile number "12.5" is not a valid phone number'],
    [{ number: -14155550123 }, 'profile number "-14155550123" is not a valid phone number'],
    [{ number: true }, 'profile number "true" is not a valid phone number'],
    [{ number: { cc: '1' } }, 'profile number "{\\"cc\\":\\"1\\"}" is not a valid phone number'],
    [{ number: ['+14155550123'] }, 'profile number "[\\"+14155550123\\"]" is not a valid phone number'],
    [{ number: `+1 ${'9'.repeat(80)}` }, `profile number "+1 ${'9'.repeat(36)}…" is not a valid phone number`],
  ])('%j -> %s', (attributes, reason) => {
    expect(recipientFromProfile(attributes, 'number')).toEqual({ ok: false, reason });
  });
});
