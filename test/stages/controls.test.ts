/**
 * `hardening=strict` meets AWS Control Tower's proactive controls (the Guard rules of
 * @cdklabs/cdk-validator-cfnguard, stages/controls.ts) at every stage, with a real deploy's
 * settings; cdk-nag stays clean on it; and switching a deployed stage
 * between the levels updates it in place. Each stage is synthesized with the plugins once, cached
 * under .cache/test-controls/ like test/support/synth.ts does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, IPolicyValidationPluginBeta1, Validations } from 'aws-cdk-lib';
import { parseConfig } from '../../core/config';
import { sourceCache } from '../../core/source-cache';
import { StageNumber } from '../../core/stages';
import { BUILT_STAGES, buildStage } from '../../stages';
import { applicableRules, controlTowerValidator, guardRuleFiles, RULED_OUT_CONTROLS } from '../../stages/controls';
import { DATA_LOSS, diffStages } from '../../tools/stage-diff';
import { SOURCES, StageTemplates, synthesizeStage } from '../../tools/synth-cache';
import { synthApp, testContext, Violation } from '../support/synth';

const ROOT = path.join(__dirname, '..', '..');
/** The Control Tower rule files the plugin bundles, with the types each names. */
const BUNDLED_RULES = guardRuleFiles(path.join(ROOT, 'node_modules', '@cdklabs', 'cdk-validator-cfnguard', 'rules', 'control-tower', 'cfn-guard'));
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';

/** A real deploy's settings: certificates, domains, hosted zone, alarm e-mail (a year of logs comes with strict). */
const REAL = {
  certificateArn: CERTIFICATE, originDomainName: 'origin.example.com',
  domainName: 'www.example.com', edgeCertificateArn: CERTIFICATE.replace('12345678-1234', 'abcdefab-1234'),
  secondaryCertificateArn: CERTIFICATE.replace('us-east-1', 'us-west-2'),
  hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com', alarmEmail: 'ops@example.com',
};
const context = (stage: number, hardening: string) => ({ stage, ...REAL, hardening });

interface Checked {
  /** The strict templates, synthesized with cdk-nag and the Control Tower plugin. */
  readonly templates: StageTemplates;
  /** Their unacknowledged findings, of every plugin. */
  readonly violations: Violation[];
  /** The controls strict adds (`STRICT_ONLY_RULES`) that the standard templates of the same settings fail. */
  readonly standardFindings: string[];
}

const cache = sourceCache(ROOT, path.join(ROOT, '.cache', 'test-controls'), [...SOURCES, 'test/support', 'test/stages/controls.test.ts']);

/** A stage checked at both levels, from the cache when nothing that shapes it changed. */
function checked(stage: number, standard: StageTemplates): Checked {
  const ctx = context(stage, 'strict');
  return cache.get(testContext(ctx), (): Checked => {
    // The bundled validator (3 s a stage) is left to `cdk synth -c hardening=strict`: the suite stays within a minute.
    const validation = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    let synthesized: ReturnType<typeof synthApp>;
    try {
      synthesized = synthApp((app) => {
        buildStage(app, parseConfig((k) => app.node.tryGetContext(k)));
        Validations.of(app).addPlugins(controlTowerValidator());
      }, ctx);
    } finally {
      if (validation === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = validation;
    }
    const { templates, violations } = synthesized;
    return { templates, violations, standardFindings: guardFindings(standard) };
  }).value;
}

/**
 * The Guard rule files of the controls `hardening=strict` meets and `standard` does not. The
 * standard templates are checked against these only: every bundled control runs once per stage,
 * on the strict templates (Guard's evaluation is most of this file's time).
 */
const STRICT_ONLY_RULES = ['ct-cloudwatch-pr-2', 'ct-cloudwatch-pr-3', 'ct-ec2-pr-10', 'ct-ec2-pr-11', 'ct-rds-pr-2'];

/** The strict-only Guard rules `templates` fail, by rule name (no synthesis: the plugin reads template files). */
function guardFindings(templates: StageTemplates): string[] {
  const files = BUNDLED_RULES.map((r) => r.file).filter((f) => STRICT_ONLY_RULES.includes(path.basename(f, '.guard')));
  expect(files).toHaveLength(STRICT_ONLY_RULES.length);
  return findings(new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: files }), templates);
}

/** The violations `validator` reports on `templates`, as rule name and resource, sorted. */
function findings(validator: IPolicyValidationPluginBeta1, templates: StageTemplates): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-controls-'));
  try {
    const templatePaths = Object.entries(templates).map(([name, t]) => {
      const file = path.join(dir, `${name}.template.json`);
      fs.writeFileSync(file, JSON.stringify(t));
      return file;
    });
    const report = validator.validate({ templatePaths, appConstruct: new App() });
    return [...new Set(report.violations.map((v) => v.ruleName))].sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(BUILT_STAGES)('stage %i', (stage) => {
  let strict: Checked;
  let standard: StageTemplates;
  beforeAll(() => {
    standard = synthesizeStage(stage, { context: context(stage, 'standard') }).templates;
    strict = checked(stage, standard);
  });

  test('with hardening=strict: every AWS Control Tower control passes but those ruled out, and cdk-nag stays clean', () => {
    // (A synth whose plugins all pass writes no report: the next test shows the same plugin finding.)
    expect(strict.violations).toEqual([]);
  });

  test('with hardening=standard the controls strict adds fail, each where the stage has its resources', () => {
    const strictOnly = ['cloudwatch_log_group_encrypted_check', 'cloudwatch_log_group_retention_period_check', 'subnet_auto_assign_public_ip_disabled_check'];
    if (stage <= 2) strictOnly.push('ec2_launch_template_monitoring_enabled_check');
    if (stage >= 2) strictOnly.push('rds_instance_enhanced_monitoring_enabled_check');
    expect(strict.standardFindings).toEqual(strictOnly.sort());
  });

  test('switching hardening either way updates in place: no data-holding resource replaced or deleted', () => {
    // diffStages labels a move by two stage numbers; here both sides are this stage.
    const other = (stage === 5 ? 4 : stage + 1) as StageNumber;
    for (const [before, after] of [[standard, strict.templates], [strict.templates, standard]]) {
      const diff = diffStages(stage as StageNumber, other, before, after);
      expect(diff.data.filter((d) => DATA_LOSS.includes(d.fate)).map((d) => `${d.stack}/${d.logicalId}`)).toEqual([]);
      expect(diff.brokenReferences).toEqual([]);
      // The subnets stop (or start) assigning public addresses in place.
      const subnets = diff.stacks.flatMap((s) => [...s.updated, ...s.replaced]).filter((c) => c.type === 'AWS::EC2::Subnet');
      expect(subnets.length).toBeGreaterThan(0);
      expect(diff.stacks.flatMap((s) => s.replaced).filter((c) => c.type === 'AWS::EC2::Subnet')).toEqual([]);
    }
  });
});

describe('the rule files Guard is given', () => {
  test('every bundled rule file names a resource type, so none is left out for naming none', () => {
    expect(BUNDLED_RULES.length).toBeGreaterThan(200);
    expect(BUNDLED_RULES.filter((r) => r.types.length === 0).map((r) => r.file)).toEqual([]);
  });

  test('are those naming a type the templates hold, in either quotes', () => {
    const launchConfiguration = BUNDLED_RULES.find((r) => r.file.endsWith('ct-autoscaling-pr-5.guard'))!;
    expect(launchConfiguration.types).toContain('AWS::AutoScaling::LaunchConfiguration'); // single-quoted there
    const chosen = applicableRules(BUNDLED_RULES, new Set(['AWS::AutoScaling::LaunchConfiguration', 'AWS::S3::Bucket']));
    expect(chosen).toContain(launchConfiguration.file);
    expect(chosen.some((f) => f.includes(`${path.sep}s3${path.sep}`))).toBe(true);
    expect(chosen.some((f) => f.includes(`${path.sep}apigateway${path.sep}`))).toBe(false);
  });
});

// The rule-file filter of stages/controls.ts must find what the plugin finds with every rule file:
// checked on stage 3's standard templates (load balancer, group, Aurora, buckets), which fail controls.
test('Guard given only the rule files naming the templates\' types finds what it finds with all of them', () => {
  const { full, filtered } = cache.get(['filter-check', testContext(context(3, 'standard'))], () => {
    const templates = synthesizeStage(3, { context: context(3, 'standard') }).templates;
    const all = new CfnGuardValidator({ controlTowerRulesEnabled: true, disabledRules: RULED_OUT_CONTROLS.map((c) => c.rule) });
    return { full: findings(all, templates), filtered: findings(controlTowerValidator(), templates) };
  }).value;
  expect(full.length).toBeGreaterThan(0);
  expect(filtered).toEqual(full);
});

test('every ruled-out control is listed once, with its reason, in docs/hardening.md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'hardening.md'), 'utf8');
  expect(new Set(RULED_OUT_CONTROLS.map((c) => c.id)).size).toBe(RULED_OUT_CONTROLS.length);
  for (const control of RULED_OUT_CONTROLS) {
    expect(doc).toContain(`| ${control.id} | ${control.stages} | ${control.kind} | ${control.reason} |`);
  }
});
