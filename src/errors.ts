/**
 * Every error a user can cause is a NetcostError: one line of text naming the file, the field
 * or layer, and the fix, plus the process exit code. The CLI catches these in exactly one place
 * (src/cli/main.ts) and prints the message without a stack trace. Anything else is a bug.
 */
import { printable } from './util/text.ts';

export class NetcostError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2, options?: { cause?: unknown }) {
    // one line by construction: a name from a file may hold a newline or a terminal escape
    super(printable(message), options);
    this.name = 'NetcostError';
    this.exitCode = exitCode;
  }
}

/** A model spec that does not parse, validate or build (exit 2). */
export class SpecError extends NetcostError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
    this.name = 'SpecError';
  }
}

/** A bad argument: a model, an option's value or an options field, from the command line or a library call (exit 2). */
export class UsageError extends NetcostError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
    this.name = 'UsageError';
  }
}

/**
 * A model argument that names nothing: no built-in of that name or glob, no such spec file or
 * variant, or a file of the wrong kind for the call (exit 2). `model` is the argument as given.
 */
export class ModelNotFoundError extends UsageError {
  readonly model: string;
  constructor(model: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelNotFoundError';
    this.model = model;
  }
}

/** A file netcost cannot read as what it should be: missing, too large, a FIFO, malformed (exit 2). */
export class InputFileError extends UsageError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputFileError';
    this.file = file;
  }
}
