/**
 * The user data of an app instance as lines of shell: its settings as exported variables, then
 * the boot script (`instance-boot.sh`). Engine-free: the CDK constructs and the Terraform ones
 * pass their own references as strings.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Where the data volume is mounted: PostgreSQL's home on Amazon Linux. */
export const DATA_MOUNT = '/var/lib/pgsql';

export interface BootSettings {
  readonly stageLabel: string;
  readonly region: string;
  readonly port: number;
  /** `s3://bucket/key` of the app's zip. */
  readonly packageUrl: string;
  readonly startCommand: string;
  readonly appLogGroup: string;
  readonly systemLogGroup: string;
  /**
   * Managed database: its secret; a global database whose writer endpoint replaces the secret's
   * host (stage 5: it follows switchovers and failovers); a reader endpoint.
   */
  readonly database?: { readonly secretArn: string; readonly globalCluster?: string; readonly readerHost?: string };
  readonly cache?: { readonly endpoint: string; readonly secretArn: string };
  readonly queueUrl?: string;
  readonly healthCheck?: 'http' | 'process';
  /** Local PostgreSQL on this volume (or, with `database`, the source of the copy into it). */
  readonly dataVolumeId?: string;
}

/** The lines after `#!/bin/bash`. */
export function bootScriptLines(settings: BootSettings): string[] {
  const vars: Record<string, string> = {
    STAGE: settings.stageLabel,
    AWS_REGION: settings.region,
    APP_PORT: String(settings.port),
    APP_PACKAGE_URL: settings.packageUrl,
    APP_START: settings.startCommand,
    LOG_GROUP_APP: settings.appLogGroup,
    LOG_GROUP_SYSTEM: settings.systemLogGroup,
    DB_MODE: settings.database ? 'managed' : 'local',
  };
  if (settings.database) {
    vars.DB_SECRET_ARN = settings.database.secretArn;
    if (settings.database.globalCluster) vars.DB_GLOBAL_CLUSTER = settings.database.globalCluster;
    if (settings.database.readerHost) vars.DB_READER_HOST = settings.database.readerHost;
  }
  if (settings.cache) {
    vars.CACHE_ENDPOINT = settings.cache.endpoint;
    vars.CACHE_SECRET_ARN = settings.cache.secretArn;
  }
  if (settings.queueUrl) vars.QUEUE_URL = settings.queueUrl;
  if (settings.healthCheck) vars.HEALTH_CHECK = settings.healthCheck;
  if (settings.dataVolumeId) {
    vars.DATA_VOLUME_ID = settings.dataVolumeId;
    vars.DATA_MOUNT = DATA_MOUNT;
  }
  for (const [key, value] of Object.entries(vars)) {
    if (value.includes("'")) throw new Error(`boot setting ${key} must not contain a single quote: ${value}`);
  }
  return [...Object.entries(vars).map(([k, v]) => `export ${k}='${v}'`), bootScript()];
}

let script: string | undefined;

/** The script's body (without its shebang), read once per process: every instance construct uses it. */
function bootScript(): string {
  script ??= fs.readFileSync(path.join(__dirname, 'instance-boot.sh'), 'utf8').replace(/^#!.*\n/, '');
  return script;
}
