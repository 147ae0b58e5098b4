/**
 * What the stage snapshots hold: per stack, an inventory a reviewer reads. One line per resource
 * (logical ID or Terraform address, type, what happens to it on removal and replacement), then
 * one line per property. The user data of an instance or launch template is shown as its boot
 * settings and the hash of the boot script, which is snapshotted once: a one-line change of the
 * script is one changed line per file, not a hunk per instance.
 */
import { createHash } from 'crypto';

/** The line that starts the boot script body in every instance's user data. */
const BOOT_SCRIPT_START = '# Boot script of every app instance';

/** A CloudFormation value as text: `Fn::Join` and `Fn::Sub` flattened, references as `${Ref}`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (v['Fn::Base64'] !== undefined) return text(v['Fn::Base64']);
    if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(text).join(v['Fn::Join'][0]);
    if (v['Fn::Sub'] !== undefined) return text(Array.isArray(v['Fn::Sub']) ? v['Fn::Sub'][0] : v['Fn::Sub']);
    if (v.Ref) return `\${${v.Ref}}`;
    if (v['Fn::GetAtt']) return `\${${[].concat(v['Fn::GetAtt']).join('.')}}`;
  }
  return JSON.stringify(value);
}

/** User data as its settings (`export` lines) and the boot script's hash. */
export function userDataSummary(userData: string): string[] {
  const start = userData.indexOf(BOOT_SCRIPT_START);
  const head = start < 0 ? userData : userData.slice(0, start);
  const settings = head.split('\n').filter((line) => line.trim() && line !== '#!/bin/bash');
  if (start < 0) return settings;
  return [...settings, `<boot script ${bootScriptHash(userData.slice(start))}>`];
}

/** A short hash of the boot script body, as the inventories name it. */
export function bootScriptHash(body: string): string {
  return createHash('sha256').update(body.replace(/\n+$/, '')).digest('hex').slice(0, 12);
}

const line = (key: string, value: unknown) => `  ${key}: ${JSON.stringify(value)}`;

/** The inventory of a CloudFormation template (CDK's metadata resource left out). */
export function cloudFormationInventory(template: { Resources?: Record<string, any>; Outputs?: Record<string, any> }): string {
  const out: string[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (r.Type === 'AWS::CDK::Metadata') continue;
    const policies = [r.DeletionPolicy && `delete: ${r.DeletionPolicy}`, r.UpdateReplacePolicy && `replace: ${r.UpdateReplacePolicy}`].filter(Boolean);
    out.push(`${id} ${r.Type}${policies.length ? ` (${policies.join(', ')})` : ''}`);
    for (const [key, value] of Object.entries<any>(r.Properties ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      if (key === 'UserData') out.push(...userDataSummary(text(value)).map((l) => `  UserData | ${l}`));
      else if (key === 'LaunchTemplateData' && value.UserData) {
        const { UserData, ...rest } = value;
        out.push(line(key, rest), ...userDataSummary(text(UserData)).map((l) => `  LaunchTemplateData.UserData | ${l}`));
      } else out.push(line(key, value));
    }
    for (const key of ['DependsOn', 'CreationPolicy', 'UpdatePolicy', 'Condition']) if (r[key]) out.push(line(`(${key})`, r[key]));
  }
  for (const [id, o] of Object.entries(template.Outputs ?? {}).sort(([a], [b]) => a.localeCompare(b))) out.push(`output ${id}: ${JSON.stringify(o.Value)}`);
  return out.join('\n');
}

/** The inventory of a Terraform stack's JSON (`cdk.tf.json`). */
export function terraformInventory(stack: {
  resource?: Record<string, Record<string, any>>; locals?: Record<string, unknown>; removed?: any[]; output?: Record<string, any>;
}): string {
  const out: string[] = [];
  // The user data lives in a local (base64-encoded where it is used).
  for (const [name, value] of Object.entries(stack.locals ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    out.push(...(typeof value === 'string' && value.includes(BOOT_SCRIPT_START)
      ? userDataSummary(value).map((l) => `local.${name} | ${l}`)
      : [`local.${name}: ${JSON.stringify(value)}`]));
  }
  for (const [type, byName] of Object.entries(stack.resource ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [name, r] of Object.entries(byName).sort(([a], [b]) => a.localeCompare(b))) {
      const lifecycle = r.lifecycle ? ` (lifecycle: ${JSON.stringify(r.lifecycle)})` : '';
      out.push(`${type}.${name}${lifecycle}`);
      for (const [key, value] of Object.entries<any>(r).sort(([a], [b]) => a.localeCompare(b))) {
        if (key === '//' || key === 'lifecycle') continue;
        if ((key === 'user_data' || key === 'user_data_base64') && typeof value === 'string') {
          out.push(...userDataSummary(value).map((l) => `  ${key} | ${l}`));
        } else out.push(line(key, value));
      }
    }
  }
  for (const removed of stack.removed ?? []) out.push(`removed ${JSON.stringify(removed)}`);
  for (const [id, o] of Object.entries(stack.output ?? {}).sort(([a], [b]) => a.localeCompare(b))) out.push(`output ${id}: ${JSON.stringify(o.value)}`);
  return out.join('\n');
}
