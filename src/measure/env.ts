/** Where a measurement was taken: enough to tell two machines or two settings apart. */
import { cpus, totalmem } from 'node:os';

export interface MeasureEnv {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  onnxruntime: string;
  threads: number;
  graphOptimizationLevel: string;
  platform: string;
}

export function measureEnv(ortVersion: string, threads: number, graphOptimizationLevel: string): MeasureEnv {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    onnxruntime: ortVersion,
    threads,
    graphOptimizationLevel,
    platform: `${process.platform}-${process.arch}`,
  };
}
