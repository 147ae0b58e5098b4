/**
 * `growth-stages synth` with the CDK engine end to end: the CDK CLI runs the app and writes the
 * cloud assembly. Here rather than in `npm test`: a real `cdk synth` takes about 9 s.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BIN = path.join(__dirname, '..', 'bin', 'growth-stages.js');

test('synth writes what cdk synth writes', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-cli-synth-'));
  try {
    const result = spawnSync(process.execPath, [BIN, 'synth', 'single-box', '--out', out], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    // Issue 15: the app's bundle is cached by its sources' hash, not rebundled with a line per asset.
    expect(result.stderr).not.toContain('Bundling asset');
    expect(fs.readdirSync(out)).toEqual(expect.arrayContaining(['manifest.json', 'webapp-network.template.json', 'webapp-data.template.json', 'webapp-app.template.json']));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
