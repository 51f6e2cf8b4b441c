/** How netcost runs models, as plain values (no onnxruntime types: the library's declarations name these). */

/** onnxruntime's graph optimisation levels, as its session options name them. */
export type OptLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Timed runs of each runner per interleaved round: the unit `guidelines` resamples. */
export const ROUND_RUNS = 5;
