/**
 * Which context keys exist and at which stages each one has an effect. Engine-free: the CDK app,
 * the Terraform app and the CLI check the raw context here before `parseConfig` reads it, so a
 * typo (`apName`) is refused instead of silently falling back to a default.
 */
import leven = require('leven');
import { ConfigError, ConfigKey } from './config';
import { StageNumber, STAGES } from './stages';

/** The first stage at which a key changes anything, and the last (inclusive). */
interface Applies {
  readonly from: StageNumber;
  readonly to?: StageNumber;
}

const ALWAYS: Applies = { from: 1 };

/** Every configuration key and the stages it applies to. A new key fails the type check until listed. */
export const KEY_STAGES: Record<ConfigKey, Applies> = {
  stage: ALWAYS,
  appName: ALWAYS,
  region: ALWAYS,
  vpcCidr: ALWAYS,
  imageId: ALWAYS,
  instanceType: ALWAYS,
  alarmEmail: ALWAYS,
  logRetentionDays: ALWAYS,
  tfStateBucket: ALWAYS,
  hardening: ALWAYS,
  dbMinCapacity: { from: 2 },
  dbMaxCapacity: { from: 2 },
  certificateArn: { from: 3 },
  minCapacity: { from: 3 },
  maxCapacity: { from: 3 },
  natGateways: { from: 3 },
  originDomainName: { from: 4 },
  domainName: { from: 4 },
  edgeCertificateArn: { from: 4 },
  openOrigin: { from: 4 },
  keepBox: { from: 3, to: 3 },
  secondaryRegion: { from: 5 },
  secondaryCertificateArn: { from: 5 },
  secondaryVpcCidr: { from: 5 },
  secondaryImageId: { from: 5 },
  hostedZoneId: { from: 5 },
  hostedZoneName: { from: 5 },
};

/** Keys the apps read besides the configuration: switches of the synth itself. */
export const SWITCH_KEYS = ['nag', 'controls'] as const;

/** CDK's own keys (`aws:cdk:*`) and feature flags (`@aws-cdk/...:flag`) all contain a colon. */
const isCdkKey = (key: string) => key.includes(':');

/**
 * Refuses a context key that no part of growth-stages reads, naming the nearest known one, and an
 * empty value (`-c stage=`), which would otherwise mean the default.
 * @throws ConfigError for the first unknown key or empty value
 */
export function checkContextKeys(context: Record<string, unknown>): void {
  const known = [...Object.keys(KEY_STAGES), ...SWITCH_KEYS];
  for (const [key, value] of Object.entries(context)) {
    if (isCdkKey(key)) continue;
    if (known.includes(key)) {
      if (typeof value === 'string' && value.trim() === '') throw new ConfigError(key, value, 'a value; leave the key out for its default');
      continue;
    }
    const nearest = known.map((k) => ({ k, d: leven(k.toLowerCase(), key.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
    const hint = nearest.d <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${nearest.k}"?)` : '';
    const error = new ConfigError(key, context[key], `one of ${known.join(', ')}, or a CDK key (with a colon)`);
    error.message = `unknown context key "${key}"${hint}; accepted: ${error.accepted}`;
    throw error;
  }
}

/**
 * One warning per key set in `context` that has no effect at any of `stages`, the stages a
 * command builds (a value kept in cdk.json for a later stage is fine, so this warns rather than
 * refuses).
 */
export function inactiveKeyWarnings(context: Record<string, unknown>, stages: readonly StageNumber[]): string[] {
  const warnings: string[] = [];
  const where = stages.length === 1 ? `stage ${stages[0]} ${STAGES[stages[0] - 1].name}` : `stages ${stages.join(', ')}`;
  for (const [key, applies] of Object.entries(KEY_STAGES)) {
    const value = context[key];
    if (value === undefined || value === null) continue;
    if (stages.some((stage) => stage >= applies.from && stage <= (applies.to ?? 5))) continue;
    const range = applies.to === undefined ? `from stage ${applies.from}`
      : applies.to === applies.from ? `at stage ${applies.from} only` : `at stages ${applies.from}-${applies.to}`;
    warnings.push(`"${key}" has no effect at ${where}; it applies ${range}`);
  }
  return warnings;
}
