import type { MetaBusinessWaba, MetaCallOptions, MetaPhoneNumber, MetaSession, MetaTokenInfo } from '../meta/index.js';
import { MetaApiError, MetaError } from '../meta/index.js';
import {
  BUSINESS_ID_REMEDY,
  isObjectNotFound,
  isPermissionError,
  isTokenInvalid,
  isTransientMetaError,
  PERMISSION_REMEDY,
  remedyFor,
  TOKEN_REMEDY,
  tokenRejectedMessage,
  wrongBusinessIdMessage,
  wrongBusinessNodeType,
} from './meta-errors.js';
import type { CredentialQualityRating, CredentialThroughputLevel, CredentialWarning, WabaOwnershipKind } from './tables.js';

/**
 * The checks a credential must pass, run in order against Meta: the token is
 * valid and not expired, it carries both WhatsApp permissions, the WABA belongs
 * to the portfolio, and the number belongs to the WABA. Used by the
 * verification job (which decides ACTIVE/FAILED) and by the test mutation
 * (which only reports). A transient failure (Meta down or throttling) stops
 * the run without a verdict.
 */

export const CHECK_STEPS = ['TOKEN', 'PERMISSIONS', 'BUSINESS_ACCOUNT', 'PHONE_NUMBER', 'SENDING'] as const;
export type CheckStepName = (typeof CHECK_STEPS)[number];

export interface CheckStep {
  step: CheckStepName;
  passed: boolean;
  detail: string;
  remedy: string | null;
}

export const REQUIRED_SCOPES = ['whatsapp_business_management', 'whatsapp_business_messaging'] as const;

export interface TokenFacts {
  type: string | null;
  expiresAt: Date | null;
  scopes: string[];
  appId: string | null;
}

export interface PhoneFacts {
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  qualityRating: CredentialQualityRating;
  throughputLevel: CredentialThroughputLevel;
  messagesPerSecond: number | null;
  messagingLimitTier: string | null;
  phoneStatus: string | null;
  /** Meta's health_status.can_send_message: AVAILABLE | LIMITED | BLOCKED. */
  canSendMessageRaw: string | null;
  canSendMessage: boolean | null;
}

export interface WabaFacts {
  id: string;
  name: string | null;
  ownership: WabaOwnershipKind;
}

export type CheckRun =
  | { outcome: 'passed'; steps: CheckStep[]; token: TokenFacts; waba: WabaFacts; phone: PhoneFacts }
  | { outcome: 'failed'; steps: CheckStep[]; message: string; tokenRejected: boolean; token: TokenFacts | null }
  | { outcome: 'transient'; steps: CheckStep[]; error: MetaError };

export interface CheckTarget {
  businessAccountId: string;
  wabaId: string;
  phoneNumberId: string;
}

const DAY_MS = 24 * 3600_000;
export const EXPIRES_SOON_MS = 7 * DAY_MS;
/** A token living less than this is a short-lived (temporary) one. */
const SHORT_LIVED_MS = DAY_MS;

/** E.164 from Meta's display form ("+1 555-010-0001", "15550100001"). */
export function toE164(display: string | null): string | null {
  if (!display) return null;
  const digits = display.replace(/\D/g, '');
  return digits ? `+${digits}` : null;
}

export function toPhoneFacts(p: MetaPhoneNumber): PhoneFacts {
  const level = p.throughput.level === 'UNKNOWN' ? 'NOT_APPLICABLE' : p.throughput.level;
  const raw = p.healthStatus?.canSendMessage ?? null;
  return {
    displayPhoneNumber: toE164(p.displayPhoneNumber),
    verifiedName: p.verifiedName,
    qualityRating: p.qualityRating,
    throughputLevel: level,
    messagesPerSecond: p.throughput.messagesPerSecond,
    messagingLimitTier: p.messagingLimitTier,
    phoneStatus: p.status,
    canSendMessageRaw: raw,
    canSendMessage: raw === null ? null : raw.toUpperCase() !== 'BLOCKED',
  };
}

function tokenFacts(info: MetaTokenInfo): TokenFacts {
  return { type: info.type, expiresAt: info.expiresAt, scopes: info.scopes, appId: info.appId };
}

/** Warnings that follow from the token alone. */
export function tokenWarnings(token: TokenFacts, now: number): CredentialWarning[] {
  const out: CredentialWarning[] = [];
  const expiresAt = token.expiresAt?.getTime() ?? null;
  const type = token.type ?? 'unknown';
  if (type !== 'SYSTEM_USER' || (expiresAt !== null && expiresAt - now < SHORT_LIVED_MS)) {
    out.push({
      code: 'TEMPORARY_TOKEN',
      message: `This is a ${type} token${expiresAt !== null ? ` that expires at ${new Date(expiresAt).toISOString()}` : ''}. Use a system-user token that never expires for production.`,
    });
  }
  if (expiresAt !== null && expiresAt - now <= EXPIRES_SOON_MS) {
    out.push({
      code: 'TOKEN_EXPIRES_SOON',
      message: `The access token expires at ${new Date(expiresAt).toISOString()}. Generate a new one before then and update this credential.`,
    });
  }
  return out;
}

const QUALITY_WARNING = 'QUALITY_LOW';
const SENDING_WARNINGS = new Set(['SENDING_BLOCKED', 'SENDING_LIMITED']);

function qualityWarning(rating: CredentialQualityRating): CredentialWarning[] {
  if (rating !== 'YELLOW' && rating !== 'RED') return [];
  return [
    {
      code: QUALITY_WARNING,
      message: `The sender's quality rating is ${rating}. Send fewer, more relevant messages to people who opted in; Meta may lower its limits.`,
    },
  ];
}

function sendingWarning(raw: string | null): CredentialWarning[] {
  const value = raw?.toUpperCase();
  if (value === 'BLOCKED') {
    return [
      {
        code: 'SENDING_BLOCKED',
        message: 'Meta reports that this number cannot send messages now (health status BLOCKED). See WhatsApp Manager.',
      },
    ];
  }
  if (value === 'LIMITED') {
    return [
      {
        code: 'SENDING_LIMITED',
        message: 'Meta reports that sending from this number is limited (health status LIMITED). See WhatsApp Manager.',
      },
    ];
  }
  return [];
}

/** Replaces the warnings derived from what changed (quality rating, health status), keeping the others. */
export function mergePhoneWarnings(
  existing: CredentialWarning[],
  update: { qualityRating?: CredentialQualityRating; canSendMessageRaw?: string | null },
): CredentialWarning[] {
  let out = existing;
  if (update.qualityRating !== undefined) out = [...out.filter((w) => w.code !== QUALITY_WARNING), ...qualityWarning(update.qualityRating)];
  if (update.canSendMessageRaw !== undefined)
    out = [...out.filter((w) => !SENDING_WARNINGS.has(w.code)), ...sendingWarning(update.canSendMessageRaw)];
  return out;
}

class StepFailure extends Error {
  constructor(
    readonly step: CheckStep,
    readonly statusMessage: string,
    readonly tokenRejected = false,
  ) {
    super(statusMessage);
  }
}

class Transient extends Error {
  constructor(readonly error: MetaError) {
    super(error.message);
  }
}

/** Runs one Meta call; transient failures abort the run, others become the step's failure. */
async function attempt<T>(fn: () => Promise<T>, onError: (err: MetaApiError | MetaError) => StepFailure): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof MetaError)) throw err;
    if (isTransientMetaError(err)) throw new Transient(err);
    throw onError(err);
  }
}

function rejectedToken(step: CheckStepName, err: MetaApiError): StepFailure {
  return new StepFailure(
    { step, passed: false, detail: `Meta rejected the access token: ${err.message}`, remedy: TOKEN_REMEDY },
    tokenRejectedMessage(err.message),
    true,
  );
}

function genericFailure(step: CheckStepName, what: string, err: MetaError): StepFailure {
  const remedy = err instanceof MetaApiError ? remedyFor(err) : err.remedy;
  const code = err instanceof MetaApiError && err.metaCode !== null ? ` (code ${err.metaCode})` : '';
  const detail = `${what}: Meta answered${code}: ${err.message}`;
  return new StepFailure({ step, passed: false, detail, remedy }, `${detail} ${remedy}`);
}

export async function runCredentialChecks(
  session: MetaSession,
  target: CheckTarget,
  options: { now?: number; call?: MetaCallOptions } = {},
): Promise<CheckRun> {
  const now = options.now ?? Date.now();
  const call = options.call;
  const steps: CheckStep[] = [];
  let token: TokenFacts | null = null;
  try {
    // 1. The token is valid and not expired.
    const info = await attempt(
      () => session.debugToken(call),
      (err) =>
        err instanceof MetaApiError && isTokenInvalid(err)
          ? rejectedToken('TOKEN', err)
          : genericFailure('TOKEN', 'The token could not be inspected', err),
    );
    token = tokenFacts(info);
    if (!info.isValid || info.error) {
      const why = info.error?.message ?? 'Meta reports the token as not valid';
      throw new StepFailure(
        { step: 'TOKEN', passed: false, detail: `Meta reports the token as not valid: ${why}`, remedy: TOKEN_REMEDY },
        tokenRejectedMessage(why),
        true,
      );
    }
    if (info.expiresAt && info.expiresAt.getTime() <= now) {
      const why = `the token expired at ${info.expiresAt.toISOString()}`;
      throw new StepFailure(
        { step: 'TOKEN', passed: false, detail: `The access token expired at ${info.expiresAt.toISOString()}.`, remedy: TOKEN_REMEDY },
        tokenRejectedMessage(why),
        true,
      );
    }
    steps.push({
      step: 'TOKEN',
      passed: true,
      detail: `Valid ${info.type ?? 'unknown-type'} token of app ${info.application ?? info.appId ?? 'unknown'}; ${info.expiresAt ? `expires at ${info.expiresAt.toISOString()}` : 'never expires'}.`,
      remedy: null,
    });

    // 2. Both WhatsApp permissions, granted for this WABA.
    const missing = REQUIRED_SCOPES.filter((s) => !info.scopes.includes(s));
    if (missing.length) {
      const names = missing.join(' and ');
      const detail = `The access token lacks the ${names} permission${missing.length > 1 ? 's' : ''}.`;
      throw new StepFailure({ step: 'PERMISSIONS', passed: false, detail, remedy: PERMISSION_REMEDY }, `${detail} ${PERMISSION_REMEDY}`);
    }
    steps.push({ step: 'PERMISSIONS', passed: true, detail: `The token has ${REQUIRED_SCOPES.join(' and ')}.`, remedy: null });

    // 3. The WABA is owned by, or shared with, the business portfolio.
    const wabas: MetaBusinessWaba[] = await attempt(
      () => session.listAllBusinessWabas(target.businessAccountId, call),
      (err) => {
        if (err instanceof MetaApiError && isTokenInvalid(err)) return rejectedToken('BUSINESS_ACCOUNT', err);
        const nodeType = wrongBusinessNodeType(err);
        if (nodeType) {
          const detail = `Business portfolio id ${target.businessAccountId}: ${wrongBusinessIdMessage(nodeType)}`;
          return new StepFailure({ step: 'BUSINESS_ACCOUNT', passed: false, detail, remedy: BUSINESS_ID_REMEDY }, detail);
        }
        if (err instanceof MetaApiError && isObjectNotFound(err)) {
          const detail = `Meta cannot find business portfolio ${target.businessAccountId}, or the token cannot see it.`;
          return new StepFailure(
            { step: 'BUSINESS_ACCOUNT', passed: false, detail, remedy: BUSINESS_ID_REMEDY },
            `${detail} ${BUSINESS_ID_REMEDY}`,
          );
        }
        if (err instanceof MetaApiError && isPermissionError(err)) {
          const detail = `The token may not read the WhatsApp accounts of business portfolio ${target.businessAccountId} (code ${err.metaCode}).`;
          return new StepFailure(
            { step: 'BUSINESS_ACCOUNT', passed: false, detail, remedy: PERMISSION_REMEDY },
            `${detail} ${PERMISSION_REMEDY}`,
          );
        }
        return genericFailure(
          'BUSINESS_ACCOUNT',
          `Listing the WhatsApp accounts of business portfolio ${target.businessAccountId} failed`,
          err,
        );
      },
    );
    const waba = wabas.find((w) => w.id === target.wabaId);
    if (!waba) {
      const detail = `WhatsApp Business Account ${target.wabaId} is neither owned by nor shared with business portfolio ${target.businessAccountId}.`;
      const remedy =
        'Pick one of the WhatsApp Business Accounts that discovery lists for this portfolio, or enter the portfolio that owns this WABA.';
      throw new StepFailure({ step: 'BUSINESS_ACCOUNT', passed: false, detail, remedy }, `${detail} ${remedy}`);
    }
    // Granular scopes can grant the permissions for some WABAs of the portfolio and not others.
    const notForWaba = REQUIRED_SCOPES.filter((s) => {
      const g = info.granularScopes.find((x) => x.scope === s);
      return g !== undefined && g.targetIds.length > 0 && !g.targetIds.includes(target.wabaId);
    });
    if (notForWaba.length) {
      const detail = `The access token has ${notForWaba.join(' and ')}, but not for WhatsApp Business Account ${target.wabaId}.`;
      throw new StepFailure(
        { step: 'BUSINESS_ACCOUNT', passed: false, detail, remedy: PERMISSION_REMEDY },
        `${detail} ${PERMISSION_REMEDY}`,
      );
    }
    const ownership: WabaOwnershipKind = waba.ownership === 'owned' ? 'OWNED' : 'CLIENT';
    steps.push({
      step: 'BUSINESS_ACCOUNT',
      passed: true,
      detail: `WhatsApp Business Account "${waba.name ?? waba.id}" is ${ownership === 'OWNED' ? 'owned by' : 'shared with'} the portfolio.`,
      remedy: null,
    });

    // 4. The number is registered in the WABA.
    const numbers = await attempt(
      () => session.listPhoneNumbers(target.wabaId, call),
      (err) =>
        err instanceof MetaApiError && isTokenInvalid(err)
          ? rejectedToken('PHONE_NUMBER', err)
          : genericFailure('PHONE_NUMBER', `Listing the phone numbers of WhatsApp Business Account ${target.wabaId} failed`, err),
    );
    const number = numbers.find((n) => n.id === target.phoneNumberId);
    if (!number) {
      const detail = `Phone number ${target.phoneNumberId} is not registered in WhatsApp Business Account ${target.wabaId}.`;
      const remedy = 'Pick one of the numbers that discovery lists for this WABA, or add the number to the WABA in WhatsApp Manager.';
      throw new StepFailure({ step: 'PHONE_NUMBER', passed: false, detail, remedy }, `${detail} ${remedy}`);
    }
    const phone = toPhoneFacts(number);
    steps.push({
      step: 'PHONE_NUMBER',
      passed: true,
      detail: `${phone.displayPhoneNumber ?? number.id} ("${phone.verifiedName ?? ''}") is in the WABA: quality ${phone.qualityRating}, throughput ${phone.throughputLevel}${phone.messagingLimitTier ? `, limit ${phone.messagingLimitTier}` : ''}.`,
      remedy: null,
    });

    // 5. Meta's health status lets the number send (reported, not a reason to fail the credential).
    const raw = phone.canSendMessageRaw ?? 'UNKNOWN';
    steps.push({
      step: 'SENDING',
      passed: phone.canSendMessage !== false,
      detail: `Meta's health status for sending: ${raw}${phone.phoneStatus ? ` (number status ${phone.phoneStatus})` : ''}.`,
      remedy:
        phone.canSendMessage === false
          ? 'Open WhatsApp Manager to see why the number cannot send (registration, display name, quality or account restrictions).'
          : null,
    });
    return { outcome: 'passed', steps, token, waba: { id: waba.id, name: waba.name, ownership }, phone };
  } catch (err) {
    const done = new Set(steps.map((s) => s.step));
    if (err instanceof StepFailure) {
      steps.push(err.step);
      done.add(err.step.step);
      for (const step of CHECK_STEPS) {
        if (!done.has(step)) steps.push({ step, passed: false, detail: 'Not run: an earlier step failed.', remedy: null });
      }
      return { outcome: 'failed', steps, message: err.statusMessage, tokenRejected: err.tokenRejected, token };
    }
    if (err instanceof Transient) return { outcome: 'transient', steps, error: err.error };
    throw err;
  }
}
