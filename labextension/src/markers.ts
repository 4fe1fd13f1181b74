/**
 * Markers on the cells that findings name: a class on the cell's node (a
 * coloured left border) and a badge whose title lists the findings.
 */
import { Notebook } from '@jupyterlab/notebook';

import { IFinding, Severity } from './tokens';

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];
const CLASSES = SEVERITIES.map(s => `nb2prod-finding-${s}`);
const BADGE_CLASS = 'nb2prod-cell-badge';

/** The index in `notebook.widgets` of the cell a finding names: by id, else by number. */
export function findCellIndex(notebook: Notebook, finding: IFinding): number {
  if (finding.cell_id) {
    const index = notebook.widgets.findIndex(cell => cell.model.id === finding.cell_id);
    if (index >= 0) {
      return index;
    }
  }
  const index = finding.cell - 1;
  return index >= 0 && index < notebook.widgets.length ? index : -1;
}

function worst(findings: IFinding[]): Severity {
  return SEVERITIES.find(s => findings.some(f => f.severity === s)) ?? 'info';
}

/** Put the findings' markers on the notebook's cells, removing the previous ones. */
export function applyMarkers(notebook: Notebook, findings: IFinding[]): void {
  const byCell = new Map<number, IFinding[]>();
  for (const finding of findings) {
    const index = findCellIndex(notebook, finding);
    if (index >= 0) {
      byCell.set(index, [...(byCell.get(index) ?? []), finding]);
    }
  }
  notebook.widgets.forEach((cell, index) => {
    const node = cell.node;
    node.classList.remove(...CLASSES);
    node.querySelector(`:scope > .${BADGE_CLASS}`)?.remove();
    const own = byCell.get(index);
    if (!own) {
      return;
    }
    const severity = worst(own);
    node.classList.add(`nb2prod-finding-${severity}`);
    const badge = document.createElement('span');
    badge.className = `${BADGE_CLASS} ${BADGE_CLASS}-${severity}`;
    badge.textContent = severity === 'info' ? 'i' : '!';
    const text = own.map(f => `nb2prod ${f.severity} (${f.kind}): ${f.message}`).join('\n');
    badge.dataset.tip = text; // shown on hover and on keyboard focus (base.css)
    badge.tabIndex = 0;
    badge.setAttribute('role', 'note');
    badge.setAttribute('aria-label', `nb2prod, ${own.length} finding(s): ${text}`);
    node.appendChild(badge);
  });
}
