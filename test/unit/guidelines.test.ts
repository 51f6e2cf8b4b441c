/**
 * The guideline networks (configs/guidelines): MAdds held fixed, MAC as the closed forms give.
 * Timings are not tested.
 */
import { describe, expect, it } from 'vitest';
import {
  bootstrapAgreement,
  GUIDELINE_IDS,
  GUIDELINES,
  guidelineNetworks,
  verdict,
} from '../../src/guidelines/guidelines.ts';

const hw = 56 * 56;

describe.each(GUIDELINE_IDS)('%s networks', (id) => {
  it("hold MAdds fixed across the rows of each width (within the paper's own rounding, 6%)", async () => {
    const { def, rows } = await guidelineNetworks(id);
    for (const w of def.widths) {
      const m = rows.filter((r) => r.width === w).map((r) => r.madds);
      expect(Math.max(...m) / Math.min(...m), `${id} ${w}`).toBeLessThan(1.06);
    }
    expect(rows).toHaveLength(def.rows.length * 3);
  });
});

describe('MAC of the guideline networks against closed forms', () => {
  it(
    'G1: 10 blocks of two 1x1 convs: MAC = 10·(2hw(c1+c2) + 2c1c2), at or above the Eq. 1 bound, equal to it at ' +
      '1:1',
    async () => {
      const { rows } = await guidelineNetworks('G1');
      const pairs: Record<string, [number, number]> = {
        '1to1': [32, 32],
        '1to2': [22, 44],
        '1to6': [13, 78],
        '1to12': [9, 108],
      };
      for (const r of rows) {
        const s = Number(r.width.slice(1));
        const [c1, c2] = pairs[r.row].map((c) => c * s);
        expect(r.memoryAccess, r.model).toBe(10 * (2 * hw * (c1 + c2) + 2 * c1 * c2));
        expect(r.madds, r.model).toBe(10 * 2 * hw * c1 * c2);
        expect(r.memoryAccess).toBeGreaterThanOrEqual(r.macLowerBound! - 1e-6);
        if (r.row === '1to1') expect(r.memoryAccess).toBeCloseTo(r.macLowerBound!, 6);
      }
    },
  );
  it('G2: 10 group convs: MAdds = 10·hw·c²/g, MAC = 10·(2hw·c + c²/g) (Eq. 2)', async () => {
    const { rows } = await guidelineNetworks('G2');
    for (const r of rows) {
      const g = Number(r.row.slice(1));
      const c = r.input[1];
      expect(r.madds, r.model).toBe((10 * hw * c * c) / g);
      expect(r.memoryAccess, r.model).toBe(10 * (2 * hw * c + (c * c) / g));
    }
  });
  it(
    'G3: series fragments read and write their maps; parallel ones read the input n times and concat moves it once ' +
      'more',
    async () => {
      const { rows } = await guidelineNetworks('G3');
      for (const r of rows) {
        const c = r.input[1];
        const n = Number(r.row[0]);
        const block = r.row.includes('parallel')
          ? n * (hw * c + (c * c) / n + (hw * c) / n) + 2 * hw * c
          : n * (2 * hw * c + c * c);
        expect(r.memoryAccess, r.model).toBe(10 * block);
        expect(r.madds, r.model).toBe(10 * n * hw * c * (r.row.includes('parallel') ? c / n : c));
      }
    },
  );
  it('G4: ReLU and shortcut add no MAdds, only element-wise work and memory access', async () => {
    const { rows } = await guidelineNetworks('G4');
    for (const r of rows) {
      const c = r.input[1] / 4;
      const convs = hw * 4 * c + 4 * c * c + hw * c + (2 * hw * c + 9 * c * c) + (hw * c + 4 * c * c + hw * 4 * c);
      const relu = r.row.includes('relu') ? 2 * (2 * hw * c) + 2 * hw * 4 * c : 0;
      const add = r.row.includes('shortcut') ? 3 * hw * 4 * c : 0;
      expect(r.memoryAccess, r.model).toBe(10 * (convs + relu + add));
      expect(r.madds, r.model).toBe(10 * hw * (4 * c * c + 9 * c * c + 4 * c * c));
    }
  });
});

/** G2 rows at the three widths with the given relative speeds. */
const rows = (rel: number[]) =>
  GUIDELINES.G2.rows.flatMap((r, i) =>
    [0, 1, 2].map((w) => ({
      row: r.key,
      relative: rel[i],
      paperRelative: r.paper[w] / GUIDELINES.G2.rows[0].paper[w],
    })),
  ) as never;

describe('verdicts', () => {
  it('say plainly when the CPU agrees, partly agrees or disagrees', () => {
    expect(verdict(GUIDELINES.G2, rows([1, 0.9, 0.8, 0.7]), [1, 1, 0.8])).toMatch(
      new RegExp(
        String.raw`^G2: this CPU confirms the paper's trend \(mean rank correlation with the paper's speeds 0\.93 ` +
          String.raw`over 3 widths; g = 8 runs at 0\.70/0\.70/0\.70`,
      ),
    );
    expect(verdict(GUIDELINES.G2, rows([1, 0.9, 0.8, 0.7]), [1, 0.8, -0.4])).toMatch(
      /partly confirms.*departs from the paper's at x4 \(-0\.40\)/,
    );
    expect(verdict(GUIDELINES.G2, rows([1, 1.1, 1.2, 1.3]), [-1, -0.8, -1])).toMatch(/contradicts the paper/);
    expect(verdict(GUIDELINES.G2, rows([1, 1, 1, 1]), [0, 0.2, -0.1])).toMatch(/does not show the paper's trend/);
  });
});

describe('verdicts that survive noise', () => {
  const paper = [[40, 35, 32.9, 27.8]];
  /** four networks' runs around the given medians, spread by `noise` (deterministic) */
  const runsAround = (medians: number[], noise: number, n = 20) =>
    medians.map((m, k) => Array.from({ length: n }, (_, i) => m * (1 + noise * Math.sin(7 * i + k))));
  it('clear differences give a tight interval and a verdict', () => {
    const interval = bootstrapAgreement([runsAround([1, 1.2, 1.4, 1.6], 0.02)], paper);
    expect(interval.low).toBe(1);
    expect(interval.high).toBe(1);
    expect(interval.runs).toBe(20);
    expect(verdict(GUIDELINES.G2, rows([1, 0.83, 0.71, 0.63]), [1], interval)).toMatch(
      new RegExp(
        String.raw`^G2: this CPU confirms the paper's trend \(mean rank correlation with the paper's speeds 1\.00 ` +
          String.raw`over 1 widths \(90% interval 1\.00 to 1\.00, resampling the timed runs\)`,
      ),
    );
  });
  it('differences within the noise: inconclusive, with the runs that would settle it', () => {
    const interval = bootstrapAgreement([runsAround([1, 1.01, 1.02, 1.03], 0.3)], paper);
    expect(interval.low).toBeLessThan(0.3);
    expect(interval.high).toBeGreaterThan(0.3);
    const said = verdict(GUIDELINES.G2, rows([1, 0.99, 0.98, 0.97]), [0.4], interval);
    expect(said).toMatch(/^G2: inconclusive at this noise: about \d+ runs per network would settle it \(/);
    // more runs than were timed
    expect(Number(/about (\d+) runs/.exec(said)?.[1])).toBeGreaterThan(20);
  });
  it('with an interval, confirms when all of it is at or above 0.3, whatever the mean', () => {
    const at = (low: number, high: number) => ({ low, high, runs: 20 });
    const g = (agreement: number[], i: ReturnType<typeof at>) =>
      verdict(GUIDELINES.G2, rows([1, 0.9, 0.8, 0.7]), agreement, i);
    expect(g([0.9], at(0.75, 1))).toMatch(/^G2: this CPU confirms the paper's trend \(/);
    // a mean of 0.6 is no longer 'partly confirms': the interval says the trend is there
    expect(g([0.6], at(0.4, 0.8))).toMatch(/^G2: this CPU confirms the paper's trend, more weakly than the paper \(/);
    expect(g([0.1], at(-0.2, 0.25))).toMatch(/^G2: this CPU does not show the paper's trend/);
    expect(g([-0.8], at(-1, -0.5))).toMatch(/^G2: this CPU contradicts the paper/);
    expect(g([0.35], at(0.1, 0.6))).toMatch(/^G2: inconclusive at this noise/);
  });
  it('is reproducible from its samples', () => {
    const s = [runsAround([1, 1.01, 1.02, 1.03], 0.3)];
    expect(bootstrapAgreement(s, paper)).toEqual(bootstrapAgreement(s, paper));
  });
});
