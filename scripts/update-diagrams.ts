/** `npm run docs`: rewrites the README's diagram of every built stage from its templates. */
import * as fs from 'fs';
import * as path from 'path';
import { BUILT_STAGES } from '../stages';
import { stageDiagram, updateReadmeDiagrams } from '../tools/diagram';

const README = path.join(__dirname, '..', 'README.md');
const diagrams = Object.fromEntries(BUILT_STAGES.map((stage) => [stage, stageDiagram(stage)]));
fs.writeFileSync(README, updateReadmeDiagrams(fs.readFileSync(README, 'utf8'), diagrams));
