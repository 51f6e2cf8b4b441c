/**
 * The guideline networks (configs/guidelines): MAdds held fixed, MAC as the closed forms give.
 * Timings are not tested.
 */
import { describe, expect, it } from 'vitest';
import { GUIDELINE_IDS, guidelineNetworks } from '../../src/guidelines/guidelines.ts';

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

describe("G3's second construction: channels in multiples of 8", () => {
  it('holds MAdds exactly across the rows of each width, with every channel count a multiple of 8', async () => {
    const { def, rows, graphs } = await guidelineNetworks('G3', true);
    for (const w of def.widths) {
      const m = rows.filter((r) => r.width === w).map((r) => r.madds);
      expect(new Set(m).size, w).toBe(1);
    }
    expect(rows.filter((r) => r.row === '1frag').map((r) => r.madds)).toEqual([
      10 * hw * 64 * 64,
      10 * hw * 128 * 128,
      10 * hw * 256 * 256,
    ]);
    for (const g of graphs.flat()) {
      for (const l of g.layers) for (const s of l.outputShapes) expect(s[1] % 8, `${g.model} ${l.name}`).toBe(0);
    }
  });
});
