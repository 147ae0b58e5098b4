import * as fs from 'fs';
import * as path from 'path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { APP_PORT } from '../../core/naming';

/** How an app instance reaches a managed database. */
export interface DatabaseConnection {
  /** Secret with `host`, `port`, `dbname`, `username` and `password` keys. */
  readonly secret: secretsmanager.ISecret;
  /**
   * Read-only endpoint for queries that tolerate replica lag.
   * @default - reads go to the writer
   */
  readonly readerHost?: string;
}

export interface BootOptions {
  readonly stageLabel: string;
  readonly region: string;
  readonly appLogGroup: logs.ILogGroup;
  readonly systemLogGroup: logs.ILogGroup;
  /** Local PostgreSQL on this volume. */
  readonly dataVolume?: ec2.IVolume;
  /** Managed database; takes precedence over `dataVolume` for the app. */
  readonly database?: DatabaseConnection;
}

const BOOT_DIR = __dirname;
const DATA_MOUNT = '/var/lib/pgsql';

/**
 * The user data of an app instance: the settings as exported variables, then the boot script
 * (`app-instance.sh`, tested on its own) that installs and starts everything.
 */
export function bootUserData(options: BootOptions): ec2.UserData {
  const vars: Record<string, string> = {
    STAGE: options.stageLabel,
    AWS_REGION: options.region,
    APP_PORT: String(APP_PORT),
    LOG_GROUP_APP: options.appLogGroup.logGroupName,
    LOG_GROUP_SYSTEM: options.systemLogGroup.logGroupName,
    APP_SOURCE_B64: fs.readFileSync(path.join(BOOT_DIR, 'app.py')).toString('base64'),
  };
  if (options.database) {
    vars.DB_MODE = 'managed';
    vars.DB_SECRET_ARN = options.database.secret.secretArn;
    if (options.database.readerHost) vars.DB_READER_HOST = options.database.readerHost;
  } else if (options.dataVolume) {
    vars.DB_MODE = 'local';
  }
  if (options.dataVolume) {
    vars.DATA_VOLUME_ID = options.dataVolume.volumeId;
    vars.DATA_MOUNT = DATA_MOUNT;
  }
  const script = fs.readFileSync(path.join(BOOT_DIR, 'app-instance.sh'), 'utf8').replace(/^#!.*\n/, '');
  const userData = ec2.UserData.forLinux();
  userData.addCommands(...Object.entries(vars).map(([k, v]) => `export ${k}='${v}'`), script);
  return userData;
}
