/**
 * The shapes nb2prod's kernel recorder and server send, as written down in
 * src/nb2prod/recorder/FORMAT.md and src/nb2prod/server/API.md.
 */

/** The metadata key, for the notebook and for each code cell. */
export const METADATA_KEY = 'nb2prod';

/** The comm target the recorder registers in the kernel. */
export const COMM_TARGET = 'nb2prod';

/** The schema version of the notebook metadata this front end writes. */
export const SCHEMA_VERSION = 1;

/** How many executions the notebook keeps, oldest dropped first. */
export const HISTORY_LIMIT = 2000;

export type Severity = 'error' | 'warning' | 'info';

/** One finding of `nb2prod check`, as POST /nb2prod/analyze answers it. */
export interface IFinding {
  kind: string;
  severity: Severity;
  /** 1-based over all cells, markdown included; 0 for the whole notebook. */
  cell: number;
  cell_id: string | null;
  line: number;
  message: string;
  hint: string;
  proof?: 'recorded' | 'inferred';
  /** The registry's code (`NB101`) and short title, added by the server. */
  code?: string;
  title?: string;
}

export interface IAnalysis {
  path: string;
  reproducible: boolean;
  findings: IFinding[];
}

export interface IGpuDevice {
  index: number;
  name: string;
  uuid?: string | null;
  memory_total_bytes?: number | null;
}

export interface IGpuAvailable {
  available: true;
  driver_version: string | null;
  cuda_driver_version: string | null;
  devices: IGpuDevice[];
}

export interface IGpuMissing {
  available: false;
  /** "pynvml not installed", "no NVIDIA driver", "no NVIDIA GPU", "NVML error: ..." */
  reason: string;
}

/** An environment record (FORMAT.md, "Environment record"). */
export interface IEnvironment {
  id: string;
  recorded?: string;
  recorder?: string;
  python?: { version: string; implementation?: string; executable?: string };
  platform?: { system?: string; release?: string; machine?: string; platform?: string };
  cpu?: { model: string | null; count: number | null };
  memory?: { total_bytes: number | null };
  interpreter?: { kind: string; name?: string | null; prefix?: string | null };
  variables?: Record<string, string>;
  packages?: Record<string, string>;
  gpu?: IGpuAvailable | IGpuMissing;
  accelerators?: Record<string, Record<string, string | null>>;
  git?: { root: string; commit: string | null; branch: string | null; dirty: boolean } | null;
}

export interface IImportRecord {
  module: string;
  distribution: string | null;
  version: string | null;
}

/** An execution record (FORMAT.md, "Execution record"). */
export interface IExecution {
  session: string;
  cell_id: string | null;
  execution_count: number | null;
  started: string;
  duration_ms: number;
  status: 'ok' | 'error';
  error: string | null;
  source_hash: string;
  defined: string[];
  rebound: string[];
  deleted: string[];
  imports: IImportRecord[];
  files: unknown[];
  seeds: unknown[];
  environment: string;
}

/** What a code cell's metadata key `nb2prod` holds: its last execution. */
export interface ICellRecord {
  environment: string;
  execution_count: number | null;
  started: string;
  duration_ms: number;
  status: 'ok' | 'error';
  source_hash: string;
}

/** The notebook metadata key `nb2prod`. */
export interface IRecords {
  schema: number;
  environments: Record<string, IEnvironment>;
  history: IExecution[];
  sources: Record<string, string>;
}

/** Messages the kernel sends on the `nb2prod` comm. */
export type KernelMessage =
  | {
      type: 'state';
      environments: Record<string, IEnvironment>;
      history: IExecution[];
      sources: Record<string, string>;
    }
  | {
      type: 'execution';
      execution: IExecution;
      source: string;
      environment: IEnvironment | null;
    }
  | { type: 'environment'; environment: IEnvironment };

/**
 * What an existing output folder holds, as a 409 `exists` says it (API.md):
 * whether nb2prod wrote it (only then may `force` replace it), how many files
 * (`more` when over the count limit) and the first of them, sorted.
 */
export interface IExistingFolder {
  path: string;
  nb2prod: boolean;
  files: number;
  more: boolean;
  entries: string[];
}

/** One line of the NDJSON stream of POST /nb2prod/convert. */
export type ConvertEvent =
  | { type: 'progress'; message: string }
  | {
      type: 'done';
      output: string;
      package: string;
      files: string[];
      readme: string;
    }
  | { type: 'error'; code: string; message: string; folder?: IExistingFolder };

export type ConvertDone = Extract<ConvertEvent, { type: 'done' }>;

/** One row of the environment comparison (API.md, POST /nb2prod/environment/compare). */
export interface IComparisonRow {
  label: string;
  kind: 'python' | 'cpu' | 'gpu' | 'driver' | 'cuda' | 'cudnn' | 'package';
  recorded: string | null;
  live: string | null;
  status: 'same' | 'changed' | 'missing' | 'new' | 'unknown';
  recorded_text: string;
  live_text: string;
}

export interface IComparisonCell {
  number: number;
  id: string | null;
}

/** Where the open notebook's outputs were made, against the live kernel. */
export interface IComparison {
  verdict: string;
  state: 'same' | 'different' | 'unrecorded';
  environment: string | null;
  differences: number;
  rows: IComparisonRow[];
  sources: Array<{
    environment: string;
    recorded: string | null;
    cells: IComparisonCell[];
    differences: number;
    rows: IComparisonRow[];
  }>;
  marked: Array<IComparisonCell & { environment: string; reasons: Array<'differs' | 'mixed'> }>;
  unrecorded: IComparisonCell[];
  notices: Array<{ what: string; reason: string }>;
}
