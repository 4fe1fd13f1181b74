/**
 * The records in the notebook file (FORMAT.md, "In the notebook file"): pure
 * functions over them, and the two places they are written to the model.
 */
import { INotebookModel } from '@jupyterlab/notebook';

import {
  HISTORY_LIMIT,
  ICellRecord,
  IEnvironment,
  IExecution,
  IRecords,
  METADATA_KEY,
  SCHEMA_VERSION
} from './tokens';

export function emptyRecords(): IRecords {
  return { schema: SCHEMA_VERSION, environments: {}, history: [], sources: {} };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The records a notebook's metadata holds; anything malformed reads as empty. */
export function readRecords(value: unknown): IRecords {
  if (!isObject(value)) {
    return emptyRecords();
  }
  const environments = isObject(value.environments)
    ? (value.environments as Record<string, IEnvironment>)
    : {};
  const history = Array.isArray(value.history)
    ? (value.history as unknown[]).filter(isObject).map(e => e as unknown as IExecution)
    : [];
  const sources = isObject(value.sources) ? (value.sources as Record<string, string>) : {};
  return { schema: SCHEMA_VERSION, environments, history, sources };
}

/** What identifies one execution across the kernel's state and the saved history. */
export function executionKey(execution: IExecution): string {
  return `${execution.session}/${execution.execution_count}/${execution.started}/${execution.source_hash}`;
}

/** The history with the new executions appended (each once), the last HISTORY_LIMIT kept. */
export function appendHistory(history: IExecution[], executions: IExecution[]): IExecution[] {
  const seen = new Set(history.map(executionKey));
  const merged = history.slice();
  for (const execution of executions) {
    const key = executionKey(execution);
    if (!seen.has(key)) {
      seen.add(key);
      merged.push(execution);
    }
  }
  return merged.slice(-HISTORY_LIMIT);
}

/**
 * The code of the history's executions that is the source of no current cell:
 * where the kernel's state came from, when the cell was deleted or edited since.
 */
export function orphanSources(
  history: IExecution[],
  codeByHash: ReadonlyMap<string, string>,
  currentSources: ReadonlySet<string>
): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const { source_hash } of history) {
    const code = codeByHash.get(source_hash);
    if (code !== undefined && !currentSources.has(code)) {
      sources[source_hash] = code;
    }
  }
  return sortedObject(sources);
}

/** The environments the history uses, from those known. */
export function usedEnvironments(
  history: IExecution[],
  known: Readonly<Record<string, IEnvironment>>
): Record<string, IEnvironment> {
  const used: Record<string, IEnvironment> = {};
  for (const { environment } of history) {
    if (known[environment]) {
      used[environment] = known[environment];
    }
  }
  return sortedObject(used);
}

/** What a code cell's metadata says about its last execution. */
export function cellRecord(execution: IExecution): ICellRecord {
  return {
    environment: execution.environment,
    execution_count: execution.execution_count,
    started: execution.started,
    duration_ms: execution.duration_ms,
    status: execution.status,
    source_hash: execution.source_hash
  };
}

function sortedObject<T>(value: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The source of every cell in the notebook now, in order. */
export function cellSources(model: INotebookModel): string[] {
  const sources: string[] = [];
  for (let i = 0; i < model.cells.length; i++) {
    sources.push(model.cells.get(i).sharedModel.getSource());
  }
  return sources;
}

/** Write the notebook's records, unless they are already what it holds (no needless dirt). */
export function writeRecords(model: INotebookModel, records: IRecords): boolean {
  const value = JSON.parse(JSON.stringify(records)) as IRecords;
  if (JSON.stringify(model.getMetadata(METADATA_KEY)) === JSON.stringify(value)) {
    return false;
  }
  model.setMetadata(METADATA_KEY, value);
  return true;
}

/** Point the cell with the execution's cell_id at it; false when no cell has that id. */
export function writeCellRecord(model: INotebookModel, execution: IExecution): boolean {
  if (!execution.cell_id) {
    return false;
  }
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    if (cell.id === execution.cell_id && cell.type === 'code') {
      const record = cellRecord(execution);
      if (JSON.stringify(cell.getMetadata(METADATA_KEY)) !== JSON.stringify(record)) {
        cell.setMetadata(METADATA_KEY, record);
      }
      return true;
    }
  }
  return false;
}
