import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, DEFAULTS, parseConfig } from '../../core/config';
import { commandConfig, projectContext } from '../../core/project-context';

const parse = (values: Record<string, unknown>) => parseConfig((key) => values[key]);

/** The ConfigError `run` throws, or a failure when it throws none. */
function configError(run: () => unknown, what: string): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${what}`);
}

/** The refusal of `values` (its one-line message is `.message`), or a failure when they are accepted. */
const refusal = (values: Record<string, unknown>) => configError(() => parse(values), JSON.stringify(values));

describe('parseConfig', () => {
  test('fills every default', () => {
    const config = parse({});
    expect(config.stage.number).toBe(1);
    expect(config).toMatchObject({
      appName: DEFAULTS.appName, region: 'us-east-1', secondaryRegion: 'us-west-2', vpcCidr: '10.0.0.0/16',
      instanceType: 't4g.small', minCapacity: 2, maxCapacity: 6, natGateways: 2, logRetentionDays: 30, hardening: 'standard',
    });
    expect(config.certificateArn).toBeUndefined();
    expect(config.alarmEmail).toBeUndefined();
  });

  test.each([
    ['1', 1], ['3', 3], [5, 5], ['single-box', 1], ['split-db', 2], ['load-balanced', 3], ['cache-cdn', 4], ['multi-region', 5],
  ])('accepts stage %p as stage %i', (stage, number) => {
    expect(parse({ stage }).stage.number).toBe(number);
  });

  test('accepts numbers given as strings, as `-c key=value` passes them', () => {
    expect(parse({ minCapacity: '3', maxCapacity: '10', dbMaxCapacity: '16', dbMinCapacity: '0.5' }))
      .toMatchObject({ minCapacity: 3, maxCapacity: 10, dbMaxCapacity: 16, dbMinCapacity: 0.5 });
  });

  test('accepts a well-formed certificate ARN and e-mail address', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    expect(parse({ certificateArn, alarmEmail: 'ops@example.com' })).toMatchObject({ certificateArn, alarmEmail: 'ops@example.com' });
  });

  test.each([
    ['stage', 0, 'a number from 1 to 5, or a name: single-box, split-db, load-balanced, cache-cdn, multi-region'],
    ['stage', 6, 'a number from 1 to 5, or a name: single-box'],
    ['stage', 'foo', 'a number from 1 to 5, or a name: single-box'],
    ['appName', 'Web_App', 'lowercase letters, digits and hyphens'],
    ['region', 'us-east-9', 'us-east-1, us-east-2'],
    ['secondaryRegion', 'mars-1', 'us-east-1'],
    ['vpcCidr', '10.0.0.0/8', 'from /16 to /20'],
    ['vpcCidr', '10.0.0.1/16', 'no host bits set'],
    ['vpcCidr', '300.0.0.0/16', 'IPv4 network'],
    ['instanceType', 't4g.smal', 'Graviton (arm64) type'],
    ['instanceType', 't3.small', 'Graviton (arm64) type'],
    ['certificateArn', 'arn:aws:acm:us-east-1:1234:certificate/abc', 'ACM certificate ARN'],
    ['certificateArn', 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012', 'load balancer\'s region "us-east-1"'],
    ['alarmEmail', 'ops@', 'one e-mail address'],
    ['alarmEmail', 'a@b.com,c@d.com', 'one e-mail address'],
    ['minCapacity', 1, 'an integer from 2 to 99'],
    ['maxCapacity', '1.5', 'an integer from 3 to 100'],
    ['dbMaxCapacity', 300, 'ACUs from 1 to 256'],
    ['dbMinCapacity', 0.25, 'ACUs from 0 to 256 in steps of 0.5'],
    ['natGateways', 3, 'an integer from 1 to 2'],
    ['logRetentionDays', 45, 'one of 1, 3, 5'],
    ['openOrigin', 'yes', 'true or false'],
    ['originDomainName', 'Origin.Example.com', 'lowercase DNS host name'],
    ['edgeCertificateArn', 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012', 'CloudFront\'s region "us-east-1"'],
  ])('refuses %s = %p in one line naming the key, the value and what is accepted', (key, value, accepted) => {
    const error = refusal({ [key]: value });
    expect(error.key).toBe(key);
    expect(error.message).toContain(`"${key}"`);
    expect(error.message).toContain(JSON.stringify(String(value)).slice(1, -1));
    expect(error.message).toContain(accepted);
    expect(error.message).not.toContain('\n');
  });

  test('refuses a secondary region equal to the primary', () => {
    expect(refusal({ region: 'eu-west-1', secondaryRegion: 'eu-west-1' }).message)
      .toBe('invalid value for "secondaryRegion": "eu-west-1"; accepted: a supported region other than region "eu-west-1"');
  });

  test('needs originDomainName with certificateArn from stage 4, and domainName with edgeCertificateArn', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    expect(parse({ stage: 3, certificateArn }).certificateArn).toBe(certificateArn);
    expect(refusal({ stage: 4, certificateArn }).message).toContain('"originDomainName"');
    expect(parse({ stage: 4, certificateArn, originDomainName: 'origin.example.com' }).originDomainName).toBe('origin.example.com');
    expect(refusal({ stage: 4, edgeCertificateArn: certificateArn }).message).toContain('"domainName"');
    expect(refusal({ stage: 4, domainName: 'www.example.com' }).message).toContain('"edgeCertificateArn"');
    expect(parse({ stage: 4, domainName: 'www.example.com', edgeCertificateArn: certificateArn }).domainName).toBe('www.example.com');
    expect(parse({ openOrigin: true }).openOrigin).toBe(true);
  });

  test('at stage 5: a database that cannot pause, and the zone and second certificate HTTPS origins need', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    const secondaryCertificateArn = certificateArn.replace('us-east-1', 'us-west-2');
    expect(parse({ stage: 5 }).dbMinCapacity).toBe(0.5);
    expect(parse({ stage: 4 }).dbMinCapacity).toBe(0.5);
    expect(refusal({ stage: 5, dbMinCapacity: 0 }).message).toBe('invalid value for "dbMinCapacity": "0"; accepted: ACUs from 0.5 to 256 in steps of 0.5');
    expect(refusal({ stage: 5, certificateArn }).key).toBe('hostedZoneName');
    // A value the user never set is missing, not "" (an empty value is refused as such).
    expect(refusal({ stage: 5, certificateArn }).message).toBe('missing value for "hostedZoneName"; accepted: with certificateArn at stage 5, '
      + 'the hosted zone of the origin names the certificates carry (origin-<region>.<zone> and origin-failover.<zone>)');
    const zone = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };
    expect(refusal({ stage: 5, certificateArn, ...zone }).key).toBe('secondaryCertificateArn');
    expect(parse({ stage: 5, certificateArn, ...zone, secondaryCertificateArn })).toMatchObject({ ...zone, secondaryCertificateArn });
    expect(refusal({ stage: 5, certificateArn, ...zone, secondaryCertificateArn: certificateArn }).message).toContain('a certificate in the secondary region "us-west-2"');
    expect(refusal({ hostedZoneId: 'Z0123456789ABCDEFGHIJ' }).key).toBe('hostedZoneName');
    expect(refusal({ hostedZoneName: 'example.com' }).key).toBe('hostedZoneId');
    expect(refusal({ hostedZoneId: 'zone-1', hostedZoneName: 'example.com' }).message).toContain('Route 53 hosted zone ID');
  });

  // Route 53 refuses a failover or alias record beside a plain record of the same name and type.
  test("at stage 5 with a zone, originDomainName may be stage 4's origin.<zone> but none of the names stage 5 creates", () => {
    const zone = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };
    expect(parse({ stage: 5, ...zone, originDomainName: 'origin.example.com' }).originDomainName).toBe('origin.example.com');
    for (const name of ['origin-failover.example.com', 'origin-us-east-1.example.com', 'origin-us-west-2.example.com']) {
      expect(refusal({ stage: 5, ...zone, originDomainName: name }).message).toBe(`invalid value for "originDomainName": "${name}"; accepted: at stage 5 a name other than the ones it creates in the zone `
        + '(origin-failover.example.com, origin-us-east-1.example.com, origin-us-west-2.example.com): Route 53 refuses a failover or alias record beside your own record of the same name');
      expect(parse({ stage: 4, ...zone, originDomainName: name }).originDomainName).toBe(name);
    }
  });

  test('refuses a maximum capacity below the minimum', () => {
    expect(refusal({ minCapacity: 4, maxCapacity: 3 }).message).toContain('an integer from 5 to 100');
  });

  // AWS rule: an AutoScalingRollingUpdate keeps MinInstancesInService (= minCapacity) in service
  // and must launch one more; with MaxSize == MinInstancesInService CloudFormation rejects the update.
  test('refuses maxCapacity equal to minCapacity: the rolling update needs room for one more instance', () => {
    const error = refusal({ minCapacity: 3, maxCapacity: 3 });
    expect(error.key).toBe('maxCapacity');
    expect(error.message).toBe('invalid value for "maxCapacity": "3"; accepted: an integer from 4 to 100: greater than minCapacity (3), since a rolling update keeps minCapacity instances in service and needs room for one more');
    expect(parse({ minCapacity: 3, maxCapacity: 4 }).maxCapacity).toBe(4);
    expect(refusal({ minCapacity: 100, maxCapacity: 100 }).key).toBe('minCapacity');
  });

  // Aurora Serverless v2 with MinCapacity 0 pauses after 5 idle minutes and takes ~15 s to resume,
  // longer than the app's database timeout: the first requests after idle fail.
  test('defaults the database minimum to 0.5 ACU, which never pauses; 0 (auto-pause) only when set, before stage 5', () => {
    expect(DEFAULTS.dbMinCapacity).toBe(0.5);
    for (const stage of [2, 3, 4, 5]) expect(parse({ stage }).dbMinCapacity).toBe(0.5);
    expect(parse({ stage: 2, dbMinCapacity: 0 }).dbMinCapacity).toBe(0);
    expect(parse({ stage: 2, dbMinCapacity: '0' }).dbMinCapacity).toBe(0);
    expect(refusal({ stage: 5, dbMinCapacity: 0 }).key).toBe('dbMinCapacity');
  });

  // Regions joined later (peering, Transit Gateway) need address ranges that do not overlap.
  test('gives the second region its own VPC range, refused when it overlaps vpcCidr', () => {
    expect(parse({ stage: 5 }).secondaryVpcCidr).toBe('10.1.0.0/16');
    expect(parse({ stage: 5, secondaryVpcCidr: '172.16.0.0/16' }).secondaryVpcCidr).toBe('172.16.0.0/16');
    const error = refusal({ stage: 5, secondaryVpcCidr: '10.0.0.0/16' });
    expect(error.key).toBe('secondaryVpcCidr');
    expect(error.message).toBe('invalid value for "secondaryVpcCidr": "10.0.0.0/16"; accepted: an IPv4 network from /16 to /20 that does not overlap vpcCidr "10.0.0.0/16" (the regions\' VPCs must be joinable), like 10.1.0.0/16');
    expect(refusal({ stage: 5, vpcCidr: '10.1.16.0/20' }).key).toBe('secondaryVpcCidr');
    expect(refusal({ stage: 5, vpcCidr: '10.0.0.0/16', secondaryVpcCidr: '10.0.128.0/20' }).key).toBe('secondaryVpcCidr');
    expect(parse({ stage: 5, vpcCidr: '10.0.0.0/20', secondaryVpcCidr: '10.0.16.0/20' }).secondaryVpcCidr).toBe('10.0.16.0/20');
    // Before stage 5 a default that overlaps a chosen vpcCidr is not an error; a chosen one is.
    expect(parse({ stage: 1, vpcCidr: '10.1.0.0/16' }).vpcCidr).toBe('10.1.0.0/16');
    expect(refusal({ stage: 1, secondaryVpcCidr: '10.0.0.0/16' }).key).toBe('secondaryVpcCidr');
    expect(refusal({ secondaryVpcCidr: '10.1.0.0/8' }).message).toContain('from /16 to /20');
  });

  test('keepBox is true or false, off by default', () => {
    expect(parse({ stage: 3 }).keepBox).toBe(false);
    expect(parse({ stage: 3, keepBox: true }).keepBox).toBe(true);
    expect(parse({ stage: 3, keepBox: 'true' }).keepBox).toBe(true);
    expect(refusal({ stage: 3, keepBox: 'yes' }).message).toBe('invalid value for "keepBox": "yes"; accepted: true or false');
  });

  test('pins the image per region with an AMI ID, the second region\'s too when the first is pinned at stage 5', () => {
    expect(parse({}).imageId).toBeUndefined();
    expect(parse({ imageId: 'ami-0123456789abcdef0' }).imageId).toBe('ami-0123456789abcdef0');
    expect(parse({ imageId: 'ami-12345678' }).imageId).toBe('ami-12345678');
    for (const bad of ['ami-123', 'ami-0123456789ABCDEF0', 'i-0123456789abcdef0', 'ami-0123456789abcdef01']) {
      expect(refusal({ imageId: bad }).message).toContain('an AMI ID: ami- and 8 or 17 lowercase hex digits');
    }
    expect(refusal({ stage: 5, imageId: 'ami-0123456789abcdef0' }).key).toBe('secondaryImageId');
    expect(parse({ stage: 5, imageId: 'ami-0123456789abcdef0', secondaryImageId: 'ami-0fedcba9876543210' }).secondaryImageId).toBe('ami-0fedcba9876543210');
    expect(refusal({ secondaryImageId: 'ami-x' }).key).toBe('secondaryImageId');
  });

  describe('hardening', () => {
    test('accepts standard and strict', () => {
      expect(parse({ hardening: 'standard' }).hardening).toBe('standard');
      expect(parse({ hardening: ' strict ' }).hardening).toBe('strict');
    });

    test('refuses another level in one line naming the key, the value and the levels', () => {
      const error = refusal({ hardening: 'paranoid' });
      expect(error.message).toBe('invalid value for "hardening": "paranoid"; accepted: standard, strict');
      expect(error.message).not.toContain('\n');
    });

    test('strict keeps logs a year unless told, and refuses less (AWS Control Tower keeps logs at least a year)', () => {
      expect(parse({ hardening: 'strict' }).logRetentionDays).toBe(365);
      expect(parse({ hardening: 'strict', logRetentionDays: '731' }).logRetentionDays).toBe(731);
      const error = refusal({ hardening: 'strict', logRetentionDays: 30 });
      expect(error.key).toBe('logRetentionDays');
      expect(error.message).toMatch(/^invalid value for "logRetentionDays": 30; accepted: with hardening=strict, one of 365, 400, /);
      expect(parse({ logRetentionDays: 30 }).logRetentionDays).toBe(30);
    });
  });
});

describe('the configuration a command runs with (core/project-context.ts)', () => {
  const refused = (run: () => unknown) => configError(run, 'it').message;

  // A newcomer's broken cdk.json printed an 18-line SyntaxError trace from every command.
  test('a cdk.json that is not JSON, or whose context is not an object, is one line naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-cdk-json-'));
    const file = path.join(dir, 'cdk.json');
    fs.writeFileSync(file, '{ "app": "x" "context": {} }');
    expect(refused(() => projectContext(file))).toMatch(/^cdk\.json: not valid JSON \(.+\); accepted: a JSON object whose "context" is an object of keys and values$/);
    fs.writeFileSync(file, '{ "context": [1] }');
    expect(refused(() => projectContext(file))).toBe('cdk.json: "context" is [1]; accepted: a JSON object whose "context" is an object of keys and values');
    fs.writeFileSync(file, '{ "context": { "appName": "shop" } }');
    expect(projectContext(file)).toEqual({ appName: 'shop' });
    fs.rmSync(dir, { recursive: true });
  });

  test("an empty stage in cdk.json is refused, as -c stage= is, though the command's argument replaces it", () => {
    expect(refused(() => commandConfig({ stage: '' }, {}, 1)))
      .toBe('cdk.json: invalid value for "stage": ""; accepted: a value; leave the key out for its default');
    expect(refused(() => commandConfig({ stage: '7' }, {}, 1))).toMatch(/^cdk\.json: invalid value for "stage": "7"/);
    expect(commandConfig({ stage: '2' }, {}, 4).config.stage.number).toBe(4);
  });

  test('a refusal says where the value came from and which stage refused it', () => {
    expect(refused(() => commandConfig({ appName: 'Shop' }, {}, 2))).toMatch(/^cdk\.json, stage 2: invalid value for "appName": "Shop"/);
    expect(refused(() => commandConfig({ appName: 'shop' }, { appName: 'Shop' }, 2))).toMatch(/^-c, stage 2: invalid value for "appName"/);
    expect(refused(() => commandConfig({}, { appName: 'Shop' }, 1, ''))).toMatch(/^-c: invalid value for "appName"/);
    expect(refused(() => commandConfig({}, { dbMinCapacity: '0' }, 5))).toMatch(/^-c, stage 5: invalid value for "dbMinCapacity": "0"/);
    expect(commandConfig({}, { dbMinCapacity: '0' }, 4).config.dbMinCapacity).toBe(0);
    expect(refused(() => commandConfig({}, { minCapacity: '3' }, 3, undefined, { minCapacity: 'four' }))).toMatch(/^--set, stage 3: invalid value for "minCapacity": "four"/);
    expect(refused(() => commandConfig({}, {}, 5, undefined, { apName: 'x' }))).toMatch(/^--set: unknown context key "apName"/);
    // Unknown keys and empty values are refused at every stage: no stage in the line.
    expect(refused(() => commandConfig({}, { apName: 'shop' }, 3))).toMatch(/^-c: unknown context key "apName" \(did you mean "appName"\?\)/);
    expect(refused(() => commandConfig({ region: ' ' }, {}, 3))).toMatch(/^cdk\.json: invalid value for "region": " "; accepted: a value/);
  });
});
