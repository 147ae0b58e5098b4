/**
 * What exists in AWS at one moment of a deploy: every resource of the old stage, then each
 * operation's effect as it finishes (a replacement's new resource beside the old one until the
 * cleanup phase). References resolve the way CloudFormation resolves them at that moment: a
 * resource updated to the new template points at a replacement's new resource, one not yet
 * updated at the old one; another stack's outputs are its new template's once its update is done.
 */
import { StageTemplates } from '../synth-cache';
import { Op } from './order';

export interface Physical {
  /** `stack/logicalId`; a replacement's new resource ends with `'`, a retained one with ` (retained)`. */
  readonly key: string;
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly props: any;
  /** The template its properties come from. */
  readonly version: 'before' | 'after';
  /** Interrupted by an update in progress. */
  readonly down: boolean;
  /** Let go by its stack with DeletionPolicy Retain: still in AWS. */
  readonly retained: boolean;
  /** Order of creation; the oldest resources of the old stage are 0. */
  readonly born: number;
}

export type Resolved = Physical | string | undefined;

const RETAINED = ' (retained)';

export class LiveState {
  private readonly physicals = new Map<string, Physical>();
  private readonly deployed = new Set<string>();
  private births = 0;

  constructor(private readonly before: StageTemplates, private readonly after: StageTemplates, private readonly regions: Record<string, string>) {
    for (const [stack, template] of Object.entries(before)) {
      for (const [logicalId, r] of Object.entries<any>(template.Resources ?? {})) {
        this.physicals.set(`${stack}/${logicalId}`, { key: `${stack}/${logicalId}`, stack, logicalId, type: r.Type, props: r.Properties ?? {}, version: 'before', down: false, retained: false, born: 0 });
      }
    }
  }

  /** Every resource that exists, optionally of one type. */
  all(type?: string): Physical[] {
    const all = [...this.physicals.values()];
    return type ? all.filter((p) => p.type === type) : all;
  }

  get(key: string): Physical | undefined {
    return this.physicals.get(key);
  }

  region(stack: string): string {
    return this.regions[stack];
  }

  /** The stack's outputs are now its new template's. */
  stackDeployed(stack: string): void {
    this.deployed.add(stack);
  }

  /** The effect of an operation starting (an interrupting update takes its resource down) or finishing. */
  apply(op: Op, event: 'start' | 'end'): void {
    const key = `${op.stack}/${op.logicalId}`;
    const current = this.physicals.get(key);
    if (event === 'start') {
      if (op.operation === 'update' && op.interrupts.length && current) this.physicals.set(key, { ...current, down: true });
      return;
    }
    const props = this.after[op.stack]?.Resources?.[op.logicalId]?.Properties ?? {};
    const born = ++this.births;
    switch (op.operation) {
      case 'create':
        this.physicals.set(key, { key, stack: op.stack, logicalId: op.logicalId, type: op.type, props, version: 'after', down: false, retained: false, born });
        break;
      case 'update':
        if (current) this.physicals.set(key, { ...current, props, version: 'after', down: false });
        break;
      case 'replace':
        this.physicals.set(`${key}'`, { key: `${key}'`, stack: op.stack, logicalId: op.logicalId, type: op.type, props, version: 'after', down: false, retained: false, born });
        break;
      case 'delete':
      case 'delete-old':
        this.physicals.delete(key);
        if (op.retained && current) this.physicals.set(`${key}${RETAINED}`, { ...current, key: `${key}${RETAINED}`, retained: true });
        break;
    }
  }

  /** The resource (or the literal) a template value names, seen from `from`. */
  resolve(from: { stack: string; version: 'before' | 'after' }, value: unknown): Resolved {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    if (!value || typeof value !== 'object') return undefined;
    const v = value as Record<string, any>;
    if (typeof v.Ref === 'string') {
      if (v.Ref === 'AWS::Region') return this.regions[from.stack];
      return this.resource(from.stack, v.Ref, from.version);
    }
    if (v['Fn::GetAtt']) {
      const att = v['Fn::GetAtt'];
      return this.resource(from.stack, Array.isArray(att) ? att[0] : String(att).split('.')[0], from.version);
    }
    if (v['Fn::GetStackOutput']) {
      const { StackName, OutputName } = v['Fn::GetStackOutput'];
      return this.output(StackName, (t) => t.Outputs?.[OutputName]?.Value);
    }
    if (v['Fn::ImportValue'] !== undefined) {
      const name = v['Fn::ImportValue'];
      for (const stack of new Set([...Object.keys(this.before), ...Object.keys(this.after)])) {
        const found = this.output(stack, (t) => Object.values<any>(t.Outputs ?? {}).find((o) => o.Export?.Name === name)?.Value);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    if (Array.isArray(v['Fn::Join'])) {
      const [separator, parts] = v['Fn::Join'];
      const resolved = (parts as unknown[]).map((p) => this.resolve(from, p));
      return resolved.every((p) => typeof p === 'string') ? resolved.join(separator) : undefined;
    }
    return undefined;
  }

  /** Resolves to a resource, or undefined for a literal or an unresolvable value. */
  resolveResource(from: { stack: string; version: 'before' | 'after' }, value: unknown): Physical | undefined {
    const r = this.resolve(from, value);
    return typeof r === 'object' ? r : undefined;
  }

  private output(stack: string, pick: (template: any) => unknown): Resolved {
    const version = this.deployed.has(stack) || !this.before[stack] ? 'after' : 'before';
    const template = version === 'after' ? this.after[stack] : this.before[stack];
    const value = template ? pick(template) : undefined;
    return value === undefined ? undefined : this.resolve({ stack, version }, value);
  }

  private resource(stack: string, logicalId: string, version: 'before' | 'after'): Physical | undefined {
    const key = `${stack}/${logicalId}`;
    const replacement = this.physicals.get(`${key}'`);
    if (version === 'after' && replacement) return replacement;
    return this.physicals.get(key) ?? replacement;
  }
}
