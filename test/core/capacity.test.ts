import * as fs from 'fs';
import * as path from 'path';
import { advise, THRESHOLDS } from '../../core/capacity';

describe('advise', () => {
  test.each([
    [{ rps: 20 }, 1],
    [{ rps: 80 }, 2],
    [{ rps: 20, dbCpu: 75 }, 2],
    [{ rps: 500 }, 3],
    [{ rps: 50, availability: 99.9 }, 3],
    [{ rps: 500, dbCpu: 80 }, 4],
    [{ rps: 5000 }, 4],
    [{ rps: 200, p99Ms: 80 }, 4],
    [{ rps: 20000, availability: 99.99, regions: 2 }, 5],
    [{ rps: 20, regions: 2 }, 5],
    [{ availability: 99.99 }, 5],
  ])('%j fits stage %i', (workload, stage) => {
    expect(advise(workload).stage).toBe(stage);
  });

  test('says why, one line per threshold crossed, and what to watch next', () => {
    const advice = advise({ rps: 500, availability: 99.9 });
    expect(advice).toEqual({
      stage: 3,
      name: 'load-balanced',
      reasons: [
        '500 requests/s > 50 -> stage 2: above this, app and database on one t4g.small compete for CPU',
        '500 requests/s > 100 -> stage 3: above this, one app instance is the ceiling',
        'availability target 99.9 % > 99.5 % -> stage 3: more than one instance, in more than one AZ',
      ],
      nextBottleneck: 'database CPU or reader load climbs with traffic, or static content and slow work dominate requests',
    });
    expect(advise({}).reasons).toEqual(['no threshold crossed: one box is the cheapest thing that works']);
  });

  test('docs/capacity.md documents every threshold with its value and the stage it calls for', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'capacity.md'), 'utf8');
    for (const t of THRESHOLDS) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${t.id}\` |`));
      expect(row).toBeDefined();
      expect(row).toContain(`stage ${t.stage}`);
      expect(row).toContain(t.rule);
      expect(row!.replace(/,/g, '')).toContain(String(t.value));
    }
  });
});
