/** The context of cdk.json: the configuration both engines use without `-c` flags. Engine-free. */
import * as fs from 'fs';
import * as path from 'path';

export function projectContext(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;
}
