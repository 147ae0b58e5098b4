/**
 * The settings table (core/settings.ts) is the one place the alarms' numbers, the windows and the
 * shared sizes live: both engines render it, each alarm's description comes from its numbers, and
 * no construct, Terraform construct or stage holds a number or a description of its own.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { TerraformStack, Testing } from 'cdktf';
import {
  ALARMS, AlarmSetting, describeAlarm, describeMoveUp, durationText, MOVE_UP_SIGNALS, SIZES, thresholdText, WINDOWS,
} from '../../core/settings';
import { STAGES } from '../../core/stages';
import { JobQueue } from '../../lib/job-queue';
import { TfJobQueue } from '../../terraform/job-queue';
import { bareStack } from '../support/bare-stack';

const ROOT = path.join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

const allAlarms: Array<[string, AlarmSetting]> = [
  ...Object.entries(ALARMS).flatMap(([component, alarms]) =>
    Object.entries(alarms as Record<string, AlarmSetting>).map(([id, s]): [string, AlarmSetting] => [`${component}.${id}`, s])),
  ...Object.entries(MOVE_UP_SIGNALS).flatMap(([stage, signals]) =>
    Object.entries(signals).map(([signal, s]): [string, AlarmSetting] => [`move-up ${stage} ${signal}`, s])),
];

/** Run `body` with `setting` changed as `change` says, then put it back. */
function withSetting<T>(setting: AlarmSetting, change: Partial<AlarmSetting>, body: () => T): T {
  const saved = { ...setting };
  Object.assign(setting, change);
  try {
    return body();
  } finally {
    Object.assign(setting, saved);
  }
}

describe('alarm descriptions', () => {
  test('are generated from the numbers: threshold with its unit, period × evaluation periods in words', () => {
    expect(describeAlarm(ALARMS.singleBox.CpuAlarm))
      .toBe('CPU above 80 % for 15 minutes: the box is the ceiling; time to split the database (stage 2) or grow the instance');
    expect(describeAlarm(ALARMS.jobQueue.BacklogAgeAlarm)).toBe('The oldest job has waited more than 15 minutes for 15 minutes: workers are too few or stuck');
    expect(describeAlarm(ALARMS.auroraSecondaryCluster.ReplicationLagAlarm)).toMatch(/^Global database replication more than 1 s behind for 15 minutes: /);
    expect(describeAlarm(ALARMS.webTier.LatencyAlarm)).toMatch(/^p99 target response time above 2 s for 5 minutes: /);
    expect(describeAlarm(ALARMS.serving.ServingAlarm, { region: 'us-west-2' })).toMatch(/^No healthy app instance in us-west-2 for 2 minutes: /);
    expect(describeMoveUp(MOVE_UP_SIGNALS['cache-cdn'].availability))
      .toBe('Time to plan the next stage: more than 0.1 % of requests failed with 5xx over a day: one region does not hold 99.9 %');
    expect(describeAlarm(MOVE_UP_SIGNALS['cache-cdn']['cache-evictions'])).toMatch(/^Valkey evicted keys every hour for 3 hours: /);
  });

  test('follow a changed threshold, period or evaluation count', () => {
    const cpu = ALARMS.auroraDatabase.CpuAlarm;
    withSetting(cpu, { threshold: 95 }, () => expect(describeAlarm(cpu)).toMatch(/^Database CPU above 95 % for 15 minutes: /));
    withSetting(cpu, { evaluationPeriods: 12 }, () => expect(describeAlarm(cpu)).toMatch(/^Database CPU above 80 % for an hour: /));
    expect(durationText(90)).toBe('90 s');
    expect(durationText(7200)).toBe('2 hours');
    expect(thresholdText({ threshold: 250, unit: 'milliseconds' })).toBe('250 ms');
    expect(thresholdText({ threshold: 45, unit: 'seconds' })).toBe('45 s');
  });

  test('hold no number of their own: every number in an alarm\'s text is a placeholder', () => {
    // Words that carry digits but no setting: HTTP 5xx, EC2, Route 53, stage numbers.
    const words = /5xx|EC2|Route 53|stage \d/g;
    for (const [name, setting] of allAlarms) {
      expect([name, setting.text.replace(words, '').match(/\d/)]).toEqual([name, null]);
      expect(() => describeAlarm(setting, { region: 'r', path: '/p' })).not.toThrow();
    }
  });

  test('a placeholder without a value is refused, naming it', () => {
    expect(() => describeAlarm(ALARMS.serving.ServingAlarm)).toThrow(/\{region\}/);
  });

  test('the ladder\'s move-up meanings are the generated ones, in the table\'s order', () => {
    for (const stage of STAGES) {
      const signals = MOVE_UP_SIGNALS[stage.name];
      expect(stage.moveUpAlarms.map((a) => a.signal)).toEqual(Object.keys(signals));
      for (const alarm of stage.moveUpAlarms) expect(alarm.means).toBe(describeAlarm(signals[alarm.signal]));
    }
  });
});

describe('both engines render the settings', () => {
  const backlog = ALARMS.jobQueue.BacklogAgeAlarm;
  const change = { threshold: 1800, evaluationPeriods: 2 };
  const expected = 'The oldest job has waited more than 30 minutes for 10 minutes: workers are too few or stuck';

  test('CloudFormation: a changed threshold changes the alarm and its description', () => {
    const t = withSetting(backlog, change, () => {
      const stack = bareStack();
      new JobQueue(stack, 'Jobs', { alarmTopic: new sns.Topic(stack, 'Topic') });
      return Template.fromStack(stack);
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 1800, EvaluationPeriods: 2, Period: 300, AlarmDescription: expected,
    });
  });

  test('Terraform: a changed threshold changes the alarm and its description', () => {
    const json = withSetting(backlog, change, () => {
      const stack = new TerraformStack(Testing.app(), 'jobs');
      new TfJobQueue(stack, 'Jobs', { alarmTopicArn: 'arn:aws:sns:us-east-1:111111111111:alarms' });
      return JSON.parse(Testing.synth(stack));
    });
    const alarms = Object.values(json.resource.aws_cloudwatch_metric_alarm) as any[];
    expect(alarms.find((a) => a.metric_name === 'ApproximateAgeOfOldestMessage')).toMatchObject({
      threshold: 1800, evaluation_periods: 2, period: 300, alarm_description: expected,
    });
  });
});

describe('no engine holds a number of the settings table', () => {
  const files = ['lib', 'terraform', 'stages'].flatMap(sourceFiles);
  const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

  test('no alarm threshold, evaluation count or description is written in lib/, terraform/ or stages/', () => {
    const offenders: string[] = [];
    // The "what to do" part of every alarm's text: a file holding it holds a description of its own.
    const phrases = allAlarms.map(([, s]) => s.text.split(': ')[1]).filter((p): p is string => p !== undefined && p.length > 20);
    for (const file of files) {
      const text = read(file);
      if (/\bthreshold: *\d/.test(text)) offenders.push(`${file}: a threshold`);
      if (/\b(evaluationPeriods|periods): *\d/.test(text)) offenders.push(`${file}: an evaluation count`);
      if (/alarmDescription: *['`]/.test(text)) offenders.push(`${file}: a written alarm description`);
      for (const phrase of phrases) if (text.includes(phrase)) offenders.push(`${file}: "${phrase}"`);
    }
    expect(offenders).toEqual([]);
  });

  test('no window, and none of the moved sizes, is written in lib/, terraform/ or stages/', () => {
    const literals = [
      ...Object.values(WINDOWS).filter((v) => typeof v === 'string').map((v) => `'${v}'`),
      `?? '${SIZES.cacheNodeType}'`,
      'Size.gibibytes(20)', 'ebs(20,', 'volumeSize: 20', 'sizeGb: 20',
      'snapshotRetentionLimit: 7', 'backupRetentionPeriod: 7', 'snapshotsRetained ?? 7',
      'interval: Duration.seconds(15)', 'deregistrationDelay: Duration.seconds(30)', "deregistrationDelay: '30'",
      'targetUtilizationPercent: 70', 'targetValue: 70', 'targetValue: 1000', '?? 1000', '?? 100,',
      'maxReceiveCount: 5', '?? 5', 'Duration.days(14)', 'Duration.days(4)', '14 * 86400', '4 * 86400',
      'defaultInstanceWarmup: 180', 'Duration.minutes(3)', 'defaultCooldown: 300', 'Duration.minutes(5),\n      signals',
      'Duration.days(90)', 'expirationDays: 90', 'Duration.days(30)', 'ExpirationDays: 30', 'Duration.days(1)', 'daysAfterInitiation: 1',
      'RetentionDays.ONE_MONTH', '?? 6380', '?? 0.5', 'Capacity ?? 2;', 'Capacity ?? 6;', 'i < 2;', 'nodes = 2', 'instances ?? 2', 'replicas ?? 1', "?? 'app'", "Name: 'app'", "dbname: 'app'",
      'ExpirationDays: 1', '?? 2000', 'Duration.seconds(30)', 'originReadTimeout: 30', 'minCapacity ?? 1', 'maxCapacity ?? 4;', 'maxCapacity ?? 4]', 'maxSize: props.maxCapacity ?? 4',
    ];
    const offenders = files.flatMap((file) => literals.filter((l) => read(file).includes(l)).map((l) => `${file}: ${l}`));
    expect(offenders).toEqual([]);
  });
});
