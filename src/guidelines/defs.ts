/**
 * The four guideline experiments as ShuffleNet V2 ran them: rows, widths, the paper's speeds
 * (images per second on its single-thread ARM CPU, the Snapdragon 810, via
 * ../shared/reference/published-figures.md), each hypothesis as an order of the rows, and the
 * effects it names.
 */
import type { GuidelineDef, GuidelineId } from './types.ts';

export const GUIDELINE_IDS: GuidelineId[] = ['G1', 'G2', 'G3', 'G4'];

export const GUIDELINES: Record<GuidelineId, GuidelineDef> = {
  G1: {
    id: 'G1',
    keyRow: '1to12',
    expected: [3, 2, 1, 0],
    hypothesis: 'speed falls as c1:c2 leaves 1:1',
    table: 'Table 1',
    file: 'g1.yaml',
    platform: 'ARM (Snapdragon 810, single thread)',
    claim: 'equal channel width minimizes memory access cost: speed falls as c1:c2 moves away from 1:1',
    widths: ['x1', 'x2', 'x4'],
    rows: [
      { key: '1to1', label: 'c1:c2 = 1:1', paper: [76.2, 21.7, 5.3] },
      { key: '1to2', label: 'c1:c2 = 1:2', paper: [72.9, 20.5, 5.1] },
      { key: '1to6', label: 'c1:c2 = 1:6', paper: [69.1, 17.9, 4.6] },
      { key: '1to12', label: 'c1:c2 = 1:12', paper: [57.6, 15.1, 4.4] },
    ],
  },
  G2: {
    id: 'G2',
    keyRow: 'g8',
    expected: [3, 2, 1, 0],
    hypothesis: 'speed falls as g rises',
    table: 'Table 2',
    file: 'g2.yaml',
    platform: 'ARM (Snapdragon 810, single thread)',
    claim: 'excessive group convolution increases MAC: at fixed MAdds, more groups run slower',
    widths: ['x1', 'x2', 'x4'],
    rows: [
      { key: 'g1', label: 'g = 1', paper: [40.0, 10.2, 2.3] },
      { key: 'g2', label: 'g = 2', paper: [35.0, 9.5, 2.2] },
      { key: 'g4', label: 'g = 4', paper: [32.9, 8.7, 2.1] },
      { key: 'g8', label: 'g = 8', paper: [27.8, 7.5, 1.8] },
    ],
  },
  G3: {
    id: 'G3',
    keyRow: '4parallel',
    // fewer fragments run faster, and fragments in parallel cost more than as many in series:
    // 1 > 2 in series > 4 in series = 2 in parallel > 4 in parallel
    expected: [4, 3, 2, 2, 0],
    hypothesis: 'speed falls with more fragments, more in parallel than in series',
    effects: [
      { key: 'series', label: 'more fragments in series', blocks: [['1frag', '2series', '4series']] },
      {
        key: 'parallel',
        label: 'fragments in parallel rather than in series',
        blocks: [
          ['2series', '2parallel'],
          ['4series', '4parallel'],
        ],
      },
    ],
    table: 'Table 3',
    file: 'g3.yaml',
    alternative: { file: 'g3-aligned.yaml', construction: 'channels in multiples of 8', prefix: 'g3a' },
    platform: 'ARM (Snapdragon 810, single thread)',
    claim:
      'network fragmentation reduces parallelism: at fixed MAdds, more fragments (parallel most of all) run slower',
    widths: ['c=64', 'c=128', 'c=256'],
    rows: [
      { key: '1frag', label: '1-fragment', paper: [40.2, 10.1, 2.3] },
      { key: '2series', label: '2-fragment-series', paper: [38.6, 10.1, 2.2] },
      { key: '4series', label: '4-fragment-series', paper: [38.4, 10.1, 2.3] },
      { key: '2parallel', label: '2-fragment-parallel', paper: [33.4, 9.1, 2.2] },
      { key: '4parallel', label: '4-fragment-parallel', paper: [35.0, 8.4, 2.1] },
    ],
  },
  G4: {
    id: 'G4',
    keyRow: 'none',
    expected: [0, 1, 1, 2],
    hypothesis: 'removing ReLU and shortcut speeds a block up',
    effects: [
      {
        key: 'shortcut',
        label: 'removing the shortcut',
        blocks: [
          ['relu', 'relu-shortcut'],
          ['none', 'shortcut'],
        ],
      },
      {
        key: 'relu',
        label: 'removing ReLU',
        blocks: [
          ['shortcut', 'relu-shortcut'],
          ['none', 'relu'],
        ],
      },
    ],
    table: 'Table 4',
    file: 'g4.yaml',
    platform: 'ARM (Snapdragon 810, single thread)',
    claim: 'element-wise operations are non-negligible: removing ReLU and shortcut speeds the block up at equal MAdds',
    widths: ['c=32', 'c=64', 'c=128'],
    rows: [
      { key: 'relu-shortcut', label: 'ReLU + shortcut', paper: [56.7, 16.9, 5.0] },
      { key: 'relu', label: 'ReLU only', paper: [61.9, 18.8, 5.2] },
      { key: 'shortcut', label: 'shortcut only', paper: [57.3, 18.2, 5.1] },
      { key: 'none', label: 'neither', paper: [66.3, 20.2, 5.4] },
    ],
  },
};
