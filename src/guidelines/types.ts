/** The shapes of the guideline experiments: ids, definitions (paper rows and widths), result rows. */
import type { EffectDef } from './effects.ts';

export type GuidelineId = 'G1' | 'G2' | 'G3' | 'G4';

interface RowDef {
  key: string;
  label: string;
  paper: [number, number, number];
}
export interface GuidelineDef {
  id: GuidelineId;
  table: string;
  claim: string;
  file: string;
  platform: string;
  widths: [string, string, string];
  rows: RowDef[];
  /** the row whose speed, relative to the first row, sums up the paper's point */
  keyRow: string;
  /** the guideline's hypothesis: each row's expected speed rank (higher is faster; equal ranks tie) */
  expected: number[];
  /** the hypothesis in words */
  hypothesis: string;
  /** the effects the hypothesis names, when several (each tested apart: effects.ts) */
  effects?: EffectDef[];
  /** a second construction of the same rows (a spec file whose variants are named like this one's) */
  alternative?: { file: string; construction: string; prefix: string };
}

export interface GuidelineRow {
  row: string;
  label: string;
  width: string;
  model: string;
  input: number[];
  madds: number;
  memoryAccess: number;
  /** G1 only: the Eq. 1 lower bound on MAC, summed over the network's convolutions */
  macLowerBound?: number;
  imagesPerSecond?: number;
  medianMs?: number;
  cv?: number;
  /** speed relative to the first row at the same width */
  relative?: number;
  paperImagesPerSecond: number;
  paperRelative: number;
  /** with a machine profile: predicted latency, speed relative to the first row, and what bounds it */
  predictedMs?: number;
  predictedRelative?: number;
  /** shares of the predicted kernel time bound by compute, by memory, by both alike, and by per-kernel overhead */
  boundShares?: { compute: number; memory: number; balanced: number; overhead: number };
  /** the model's terms summed over the row's kernels (ms), and its kernel count */
  terms?: { kernels: number; overheadMs: number; computeMs: number; narrowMs: number; memoryMs: number };
}
