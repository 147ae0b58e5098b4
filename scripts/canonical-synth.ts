/**
 * Writes every stage's CloudFormation templates and Terraform JSON as canonical JSON (keys sorted)
 * into a folder: 5 stages x {default, strict, real deploy settings}, plus keepBox (stage 3) and
 * openOrigin (stage 4), both engines. A refactor that must not change the output runs it before
 * and after and compares: `npx tsx scripts/canonical-synth.ts /tmp/before` ... `diff -r`.
 * (A change under app/ changes the app package's hash, hence user data and the box's ID.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { parseConfig } from '../core/config';
import { projectContext } from '../core/project-context';
import { buildStage } from '../stages';
import { synthTerraform } from '../terraform/main';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: npx tsx scripts/canonical-synth.ts <empty folder>\n');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
const variants: Record<string, Record<string, unknown>> = {
  default: {},
  strict: { hardening: 'strict' },
  real: { certificateArn: CERT, originDomainName: 'origin.example.com', domainName: 'www.example.com', edgeCertificateArn: CERT,
    secondaryCertificateArn: CERT.replace('us-east-1', 'us-west-2'), hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com', alarmEmail: 'ops@example.com' },
};
const sort = (v: any): any => Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])])) : v;
process.env.CDK_VALIDATION = 'false';
const extra: Array<[number, string, Record<string, unknown>]> = [[3, 'keepBox', { keepBox: true }], [4, 'openOrigin', { openOrigin: true }]];
const cases: Array<[number, string, Record<string, unknown>]> = [];
for (const stage of [1, 2, 3, 4, 5]) for (const [name, ctx] of Object.entries(variants)) cases.push([stage, name, ctx]);
cases.push(...extra);
for (const [stage, name, ctx] of cases) {
  const context = { ...projectContext(), ...ctx, stage };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bl-'));
  const app = new App({ outdir: dir, context });
  buildStage(app, parseConfig((k) => app.node.tryGetContext(k)));
  for (const a of app.synth().stacks) fs.writeFileSync(path.join(out, `cdk-${stage}-${name}-${a.stackName}.json`), JSON.stringify(sort(a.template), null, 1));
  const tdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-'));
  for (const s of synthTerraform(context, tdir)) {
    fs.writeFileSync(path.join(out, `tf-${stage}-${name}-${s.stack}.json`), JSON.stringify(sort(JSON.parse(fs.readFileSync(path.join(tdir, s.file), 'utf8'))), null, 1));
  }
}
