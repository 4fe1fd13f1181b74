/**
 * The findings list's pure parts: a short title per kind, groups by cell
 * (worst first), the one-line verdict and `code` spans in messages.
 */
import { IAnalysis, IFinding, Severity } from './tokens';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * What a finding is called in one line of the list: the registry's short
 * title (src/nb2prod/kinds.py, sent with each finding), else its kind in words.
 */
export function shortTitle(finding: Pick<IFinding, 'kind' | 'title'>): string {
  if (finding.title) {
    return finding.title;
  }
  const words = finding.kind.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface IFindingGroup {
  /** 1-based cell number; 0 for findings about the whole notebook. */
  cell: number;
  worst: Severity;
  findings: IFinding[];
}

/** Worst first, then in notebook order. */
export function sortFindings(findings: readonly IFinding[]): IFinding[] {
  return [...findings].sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || a.cell - b.cell || a.line - b.line
  );
}

/**
 * The findings whose severity is shown, grouped by cell: groups with an error
 * first, then by cell; in a group, worst first.
 */
export function groupByCell(
  findings: readonly IFinding[],
  shown: ReadonlySet<Severity> = new Set(SEVERITIES)
): IFindingGroup[] {
  const groups = new Map<number, IFinding[]>();
  for (const finding of sortFindings(findings.filter(f => shown.has(f.severity)))) {
    const group = groups.get(finding.cell) ?? [];
    group.push(finding);
    groups.set(finding.cell, group);
  }
  return [...groups.entries()]
    .map(([cell, list]) => ({ cell, worst: list[0].severity, findings: list }))
    .sort((a, b) => RANK[a.worst] - RANK[b.worst] || a.cell - b.cell);
}

export function countBySeverity(findings: readonly IFinding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) {
    counts[finding.severity] += 1;
  }
  return counts;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "Not reproducible: 3 problems in 2 cells", or why the notebook is fine. */
export function verdict(result: IAnalysis): string {
  const errors = result.findings.filter(f => f.severity === 'error');
  if (result.reproducible) {
    const warnings = result.findings.filter(f => f.severity === 'warning').length;
    const rest = warnings ? ` (${plural(warnings, 'warning')})` : '';
    return `Reproducible: a fresh run should give the stored outputs${rest}`;
  }
  const cells = new Set(errors.filter(f => f.cell > 0).map(f => f.cell));
  const where = cells.size ? ` in ${plural(cells.size, 'cell')}` : '';
  return `Not reproducible: ${plural(errors.length, 'problem')}${where}`;
}

export interface ITextSpan {
  code: boolean;
  text: string;
}

/** A message split at its backticks: `name` becomes a code span. */
export function codeSpans(text: string): ITextSpan[] {
  const parts = text.split('`');
  if (parts.length % 2 === 0) {
    return [{ code: false, text }]; // an unpaired backtick: shown as written
  }
  const spans: ITextSpan[] = [];
  parts.forEach((part, index) => {
    if (part) {
      spans.push({ code: index % 2 === 1, text: part });
    }
  });
  return spans;
}
