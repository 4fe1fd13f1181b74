/**
 * The environment card's pure parts: which comparison rows show before
 * "+N more", and the body of the comparison request.
 */
import { IComparisonRow, IEnvironment } from './tokens';

/** Rows shown before the rest collapse behind "+N more". */
export const SHOWN_ROWS = 8;

/**
 * The rows to show: every difference, then the others up to `limit` rows in
 * all (all of them when `expanded`); and how many are left behind "+N more".
 */
export function visibleRows(
  rows: readonly IComparisonRow[],
  expanded: boolean,
  limit = SHOWN_ROWS
): { shown: IComparisonRow[]; hidden: number } {
  if (expanded) {
    return { shown: [...rows], hidden: 0 };
  }
  const differs = rows.filter(
    r => r.status === 'changed' || r.status === 'missing' || r.status === 'new'
  );
  const others = rows.filter(r => !differs.includes(r));
  const shown = [...differs, ...others.slice(0, Math.max(0, limit - differs.length))];
  return { shown, hidden: rows.length - shown.length };
}

export interface ICellLike {
  id: string | null;
  cell_type: string;
  source: string;
  execution_count: number | null;
}

/** The request body: no outputs, the notebook's records, the live kernel's environment. */
export function compareBody(
  path: string,
  metadata: unknown,
  cells: readonly ICellLike[],
  live: IEnvironment
): { path: string; metadata: unknown; cells: ICellLike[]; live: IEnvironment } {
  return { path, metadata: metadata ?? null, cells: [...cells], live };
}
