/** netcost's programmatic API: the CLI is a thin layer over these calls. */

export { type CheckOptions, type CheckResult, check, type Finding } from './check/check.ts';
export { findConfig, type ProjectConfig } from './check/project.ts';
export {
  analyze,
  type CostReport,
  DTYPE_BYTES,
  type Dtype,
  type GroupCost,
  type LayerCost,
  layerCost,
  SCHEMA_VERSION,
  type Totals,
} from './cost/analyze.ts';
export { type DiffResult, type DiffRow, type DiffTimes, diffReports } from './cost/diff.ts';
export { diffKernels, diffLines, type KernelDiff, type KernelVerdict } from './engine/diff.ts';
export { kernelsOfOptimized, keyOf as kernelKey } from './engine/kernel.ts';
export { plannedKernels } from './engine/ort/index.ts';
export { fusionTableMarkdown, PASSES, type Pass } from './engine/ort/passes.ts';
export { InputFileError, ModelNotFoundError, NetcostError, SpecError, UsageError } from './errors.ts';
export { buildGraph } from './graph/build.ts';
export { deployGraph } from './graph/deploy.ts';
export type * from './graph/types.ts';
export {
  GUIDELINE_IDS,
  type GuidelineId,
  type GuidelineResult,
  type GuidelineRow,
  guidelineNetworks,
  runGuidelines,
} from './guidelines/guidelines.ts';
export { type BenchOptions, type BenchResult, type BenchTarget, bench, benchMany } from './measure/bench.ts';
export { annotateOnnx } from './onnx/annotate.ts';
export { type ExportOptions, exportOnnx } from './onnx/export.ts';
export { ImportError, type ImportOptions, type ImportResult, importOnnx } from './onnx/import.ts';
export { withNodeNames } from './onnx/node-names.ts';
export { opCoverageMarkdown, supportedOps } from './onnx/op-coverage.ts';
export { loadRules } from './onnx/rules.ts';
export { OPS } from './ops/index.ts';
export {
  type CostOptions,
  costReport,
  graphOf,
  type InputShapes,
  resolveSources,
  type Source,
  type SourceOptions,
  sourceGraph,
} from './pipeline.ts';
export {
  type Predictable,
  type PredictedReport,
  type PredictionSummary,
  predict,
  withPrediction,
} from './predict/attach.ts';
export { type CalibrateOptions, type CalibrationSample, calibrate, calibrationRun } from './predict/calibrate.ts';
export { probeWarning, profileWarnings } from './predict/check.ts';
export { KERNEL_CLASSES, type KernelClass } from './predict/classes.ts';
export { type MachineProfile, machineProfileSchema } from './predict/machine.ts';
export type { Bound, KernelPrediction, LayerPrediction, ModelPrediction } from './predict/model.ts';
export { kernelSignature, type PlannedKernel, planKernels, substantial } from './predict/plan.ts';
export { FAMILIES, type Family, type RandomNet, randomNetwork, randomNetworks } from './predict/random-nets.ts';
export { defaultProfilePath, profileJsonSchema, readProfile, writeProfile } from './predict/store.ts';
export { type Calibration, calibrationModels, memoryProbe, speedProbe } from './predict/sweep.ts';
export { benchDocument } from './report/bench.ts';
export { checkDocument } from './report/check.ts';
export { compareDocument } from './report/compare.ts';
export { type CompareResult, compareResult } from './report/compare-result.ts';
export { guidelinesDocument } from './report/guidelines.ts';
export { conventionsMarkdown, legend } from './report/legend.ts';
export { listDocument } from './report/list.ts';
export { profileDocument } from './report/profile.ts';
export { reportDocument } from './report/report.ts';
export { type Row, reportTree, rowsAtDepth } from './report/rows.ts';
export type * from './result/document.ts';
export type { WriteOptions } from './result/layout.ts';
export { FORMATS, type Format, render } from './result/write.ts';
export { evaluate, evalValue, interpolate } from './spec/expr.ts';
export { builtinModels, modelsOfSpec, parseInput, resolveModel, resolveModels, withInput } from './spec/load.ts';
export { parseSpecText, readSpecFile } from './spec/parse.ts';
export type * from './spec/types.ts';
