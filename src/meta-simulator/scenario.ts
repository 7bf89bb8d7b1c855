// The simulator's world: businesses, WABAs, numbers, templates, apps and
// tokens. JSON-serialisable so `wcs meta-simulator --scenario file.json` can
// load one; validated with zod so a bad file names the bad field.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const id = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'ids are letters, digits, "_", "-" or "."');

export const scenarioTemplateSchema = z.object({
  id,
  name: z.string().min(1),
  language: z.string().min(1),
  category: z.string().default('UTILITY'),
  /** APPROVED | PENDING | REJECTED | PAUSED | DISABLED … */
  status: z.string().default('APPROVED'),
  /** NAMED | POSITIONAL (Meta's parameter_format); null = as Meta answers for older templates: not stated. */
  parameterFormat: z.enum(['NAMED', 'POSITIONAL']).nullable().default(null),
  /** The category before Meta last changed it (previous_category), when it did. */
  previousCategory: z.string().nullable().default(null),
  /** Meta's template components (HEADER/BODY/FOOTER/BUTTONS); body params are counted from BODY text. */
  components: z.array(z.record(z.string(), z.unknown())).default([]),
});

export const scenarioPhoneNumberSchema = z.object({
  id,
  displayPhoneNumber: z.string().min(1),
  verifiedName: z.string().default('Simulated Business'),
  /** GREEN | YELLOW | RED | NA | UNKNOWN (kept as given). */
  qualityRating: z.string().default('GREEN'),
  /** STANDARD (80 mps) | HIGH (1000 mps) | NOT_APPLICABLE. */
  throughputLevel: z.string().default('STANDARD'),
  messagingLimitTier: z.string().default('TIER_250'),
  nameStatus: z.string().default('APPROVED'),
  status: z.string().default('CONNECTED'),
  codeVerificationStatus: z.string().default('VERIFIED'),
  platformType: z.string().default('CLOUD_API'),
  accountMode: z.string().default('LIVE'),
  /** health_status.can_send_message: AVAILABLE | LIMITED | BLOCKED. */
  canSendMessage: z.string().default('AVAILABLE'),
  /** Overrides the throughput level's messages-per-second (tests). */
  mpsOverride: z.number().int().positive().nullable().default(null),
});

export const scenarioWabaSchema = z.object({
  id,
  name: z.string().min(1),
  currency: z.string().default('USD'),
  timezoneId: z.string().default('1'),
  ownerBusinessId: id,
  messageTemplateNamespace: z.string().default('00000000_0000_0000_0000_000000000000'),
  accountReviewStatus: z.string().default('APPROVED'),
  businessVerificationStatus: z.string().default('VERIFIED'),
  country: z.string().default('US'),
  templates: z.array(scenarioTemplateSchema).default([]),
  phoneNumbers: z.array(scenarioPhoneNumberSchema).default([]),
  subscribedAppIds: z.array(id).default([]),
});

export const scenarioTokenSchema = z.object({
  value: z.string().min(8).regex(/^\S+$/, 'tokens have no whitespace'),
  /** SYSTEM_USER | USER | PAGE. */
  type: z.string().default('SYSTEM_USER'),
  appId: id,
  businessId: id,
  userId: z.string().nullable().default(null),
  /** Unix seconds; 0 = never expires. */
  expiresAt: z.number().int().nonnegative().default(0),
  /** Relative alternative to expiresAt, resolved when the scenario is loaded (negative = already expired). */
  expiresInSeconds: z.number().int().nullable().default(null),
  dataAccessExpiresAt: z.number().int().nonnegative().default(0),
  isValid: z.boolean().default(true),
  scopes: z.array(z.string()).default([]),
  granularScopes: z.array(z.object({ scope: z.string(), targetIds: z.array(z.string()).optional() })).default([]),
  temporary: z.boolean().default(false),
  /** What the token is for, shown in GET /__simulator/state. */
  note: z.string().default(''),
});

export const scenarioSettingsSchema = z.object({
  /** Free-form sends need an inbound message within serviceWindowHours (131047 otherwise). */
  enforceServiceWindow: z.boolean().default(true),
  serviceWindowHours: z.number().positive().default(24),
  /** Meta-like 1 message per 6 s per (number, recipient) with a burst of 45; null disables. */
  pairRateLimit: z
    .object({ intervalMs: z.number().int().positive(), burst: z.number().int().positive() })
    .nullable()
    .default({ intervalMs: 6000, burst: 45 }),
  /** Largest `limit` honoured on paginated edges (Meta: 100). */
  maxPageSize: z.number().int().positive().default(100),
  defaultPageSize: z.number().int().positive().default(25),
});

export const scenarioSchema = z
  .object({
    apps: z.array(z.object({ id, name: z.string(), secret: z.string().min(8) })).min(1),
    businesses: z.array(z.object({ id, name: z.string(), clientWabaIds: z.array(id).default([]) })).default([]),
    wabas: z.array(scenarioWabaSchema).default([]),
    tokens: z.array(scenarioTokenSchema).default([]),
    settings: scenarioSettingsSchema.default(() => scenarioSettingsSchema.parse({})),
  })
  .superRefine((s, ctx) => {
    const seen = new Map<string, string>();
    const claim = (value: string, what: string, path: (string | number)[]): void => {
      const prev = seen.get(value);
      if (prev) ctx.addIssue({ code: 'custom', path, message: `id ${value} is already used by ${prev}` });
      else seen.set(value, what);
    };
    s.businesses.forEach((b, i) => claim(b.id, `business ${i}`, ['businesses', i, 'id']));
    s.wabas.forEach((w, i) => {
      claim(w.id, `waba ${i}`, ['wabas', i, 'id']);
      if (!s.businesses.some((b) => b.id === w.ownerBusinessId)) {
        ctx.addIssue({ code: 'custom', path: ['wabas', i, 'ownerBusinessId'], message: `unknown business ${w.ownerBusinessId}` });
      }
      w.phoneNumbers.forEach((p, j) => claim(p.id, `phone number ${i}.${j}`, ['wabas', i, 'phoneNumbers', j, 'id']));
    });
    s.tokens.forEach((t, i) => {
      if (!s.apps.some((a) => a.id === t.appId))
        ctx.addIssue({ code: 'custom', path: ['tokens', i, 'appId'], message: `unknown app ${t.appId}` });
    });
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioTemplateInput = z.input<typeof scenarioTemplateSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioWaba = Scenario['wabas'][number];
export type ScenarioPhoneNumber = ScenarioWaba['phoneNumbers'][number];
export type ScenarioTemplate = ScenarioWaba['templates'][number];
export type ScenarioToken = Scenario['tokens'][number];
export type ScenarioSettings = Scenario['settings'];

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
  }
}

/** Validates a scenario; throws ScenarioError naming each bad field (e.g. `wabas.0.phoneNumbers.1.id`). */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const r = scenarioSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ScenarioError(`Invalid ${source}: ${issues.slice(0, 10).join('; ')}`, issues);
}

/** Reads and validates a scenario JSON file (synchronously: it runs once at startup). */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(`Cannot read scenario file ${path}: ${err instanceof Error ? err.message : String(err)}`, []);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`Scenario file ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, []);
  }
  return parseScenario(json, `scenario file ${path}`);
}

/** Turns relative token expiries into absolute ones (done once when a scenario is loaded). */
export function resolveTokenExpiries(s: Scenario, nowMs: number): Scenario {
  const nowS = Math.floor(nowMs / 1000);
  return {
    ...s,
    tokens: s.tokens.map((t) =>
      t.expiresInSeconds === null ? t : { ...t, expiresAt: Math.max(1, nowS + t.expiresInSeconds), expiresInSeconds: null },
    ),
  };
}
