/** netcost's programmatic API: the CLI is a thin layer over these calls. */
export { NetcostError, SpecError, UsageError } from './errors.ts';
export type * from './spec/types.ts';
export type * from './graph/types.ts';
export { buildGraph } from './graph/build.ts';
export { deployGraph } from './graph/deploy.ts';
export { analyze, layerCost, DTYPE_BYTES, SCHEMA_VERSION, type CostReport, type LayerCost, type GroupCost, type Totals, type Dtype } from './cost/analyze.ts';
export { resolveModel, resolveModels, builtinModels, modelsOfSpec, parseInput, withInput } from './spec/load.ts';
export { evaluate, evalValue, interpolate } from './spec/expr.ts';
export { OPS } from './ops/index.ts';
export { costReport, graphOf, type CostOptions } from './pipeline.ts';
export { renderReport, rowsAtDepth, legend, type Format, type Row } from './report/report.ts';
export { renderCompare, compareResult, type CompareResult } from './report/compare.ts';
export { exportOnnx, toModelProto, encodeModel, decodeModel, type ExportOptions } from './onnx/export.ts';
export { importOnnx, withNodeNames, type ImportOptions, type ImportResult } from './onnx/import.ts';
export { resolveSources, sourceGraph, type Source, type SourceOptions, type InputShapes } from './pipeline.ts';
export { bench, benchMany, type BenchOptions, type BenchResult, type BenchTarget } from './measure/bench.ts';
export { check, type CheckOptions, type CheckResult, type Finding } from './check/check.ts';
