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
  /** Managed database (`DB_MODE=managed`); see `DatabaseBootSettings`. */
  readonly database?: DatabaseBootSettings;
  readonly cache?: { readonly endpoint: string; readonly secretArn: string };
  readonly queueUrl?: string;
  readonly healthCheck?: 'http' | 'process';
  /** Local PostgreSQL on this volume (or, with `database`, the source of the copy into it). */
  readonly dataVolumeId?: string;
  /**
   * The stack whose resource for this instance awaits its signal (the single box's
   * CreationPolicy): the script signals it (`CFN_SIGNAL_STACK`), naming the resource by the
   * instance's `aws:cloudformation:logical-id` tag. Not for an Auto Scaling group, which CDK
   * signals from its exit trap; Terraform has no signals.
   */
  readonly cloudFormationSignal?: { readonly stackName: string };
}

/** How the instance reaches a managed database: the boot script's `DB_*` settings. */
export interface DatabaseBootSettings {
  /** ARN of the secret with `host`, `port`, `dbname`, `username` and `password` (`DB_SECRET_ARN`). */
  readonly secretArn: string;
  /**
   * Endpoint to connect to instead of the secret's `host` (`DB_HOST`): stage 5's second region
   * names its own cluster, so that nothing it serves depends on a cross-region connection.
   * @default - the secret's host
   */
  readonly host?: string;
  /** Endpoint for reads that tolerate replica lag (`DB_READER_HOST`). @default - reads go to `host` */
  readonly readerHost?: string;
  /**
   * Whether the app creates its schema at start (`DB_MIGRATE`). False in stage 5's second region:
   * Aurora does not forward DDL, so the app waits for the primary region's migration instead.
   * @default true
   */
  readonly migrate?: boolean;
  /**
   * Whether the cluster forwards DML to the global database's primary (`DB_WRITE_FORWARDING`):
   * the app then sets `apg_write_forward.consistency_mode` on its writer sessions.
   * @default false
   */
  readonly writeForwarding?: boolean;
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
    if (settings.database.host) vars.DB_HOST = settings.database.host;
    if (settings.database.readerHost) vars.DB_READER_HOST = settings.database.readerHost;
    // Written only when they differ from the defaults: the user data of stages 1-4 stays as it was.
    if (settings.database.migrate === false) vars.DB_MIGRATE = 'false';
    if (settings.database.writeForwarding) vars.DB_WRITE_FORWARDING = 'true';
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
  if (settings.cloudFormationSignal) {
    vars.CFN_SIGNAL_STACK = settings.cloudFormationSignal.stackName;
  }
  for (const [key, value] of Object.entries(vars)) {
    if (value.includes("'")) throw new Error(`boot setting ${key} must not contain a single quote: ${value}`);
  }
  return [...Object.entries(vars).map(([k, v]) => `export ${k}='${v}'`), bootScript()];
}

let script: string | undefined;

/** The script's body (without its shebang), read once per process: every instance construct uses it. */
export function bootScript(): string {
  script ??= fs.readFileSync(path.join(__dirname, 'instance-boot.sh'), 'utf8').replace(/^#!.*\n/, '');
  return script;
}
