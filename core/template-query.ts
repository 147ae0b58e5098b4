/** Walks a template (or any JSON) for the values of one key, such as an intrinsic function. */
export function findKey(node: unknown, key: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => findKey(n, key, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) found.push(v);
      else findKey(v, key, found);
    }
  }
  return found;
}
