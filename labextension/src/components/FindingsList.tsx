import * as React from 'react';

import { IAnalysisState } from '../analysis';
import { IFinding, Severity } from '../tokens';

export interface IFindingsListProps {
  analysis: IAnalysisState;
  onSelect: (finding: IFinding) => void;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Worst first, then in notebook order. */
export function sortFindings(findings: readonly IFinding[]): IFinding[] {
  return [...findings].sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || a.cell - b.cell || a.line - b.line
  );
}

function count(findings: IFinding[], severity: Severity): number {
  return findings.filter(f => f.severity === severity).length;
}

function Summary(props: { analysis: IAnalysisState }): JSX.Element {
  const { result, running, error } = props.analysis;
  let text: string;
  let state: string;
  if (error) {
    text = `Analysis failed: ${error.message}`;
    state = 'error';
  } else if (!result) {
    text = running ? 'Analysing...' : 'Not analysed yet';
    state = 'pending';
  } else if (result.reproducible) {
    text = 'Reproducible: a fresh kernel running it top to bottom should give the stored outputs';
    state = 'ok';
  } else {
    const errors = count(result.findings, 'error');
    text = `Not reproducible: ${errors} error finding(s)`;
    state = 'bad';
  }
  return (
    <p className={`nb2prod-verdict nb2prod-verdict-${state}`} role="status" aria-live="polite">
      {text}
    </p>
  );
}

function FindingItem(props: {
  finding: IFinding;
  onSelect: (finding: IFinding) => void;
}): JSX.Element {
  const { finding, onSelect } = props;
  const where = finding.cell > 0 ? `cell ${finding.cell}` : 'notebook';
  const onKeyDown = (event: React.KeyboardEvent): void => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(finding);
    }
  };
  return (
    <li className="nb2prod-finding-entry">
      <div
        className={`nb2prod-finding nb2prod-finding-item-${finding.severity}`}
        role="button"
        tabIndex={0}
        data-kind={finding.kind}
        data-cell={finding.cell}
        aria-label={`${finding.severity} ${finding.kind} in ${where}: ${finding.message}`}
        title={finding.cell > 0 ? `Go to ${where}` : undefined}
        onClick={() => onSelect(finding)}
        onKeyDown={onKeyDown}
      >
        <div className="nb2prod-finding-head">
          <span className={`nb2prod-severity nb2prod-severity-${finding.severity}`}>
            {finding.severity}
          </span>
          <span className="nb2prod-finding-kind">{finding.kind}</span>
          <span className="nb2prod-finding-where">{where}</span>
          {finding.proof === 'recorded' && (
            <span
              className="nb2prod-badge nb2prod-badge-recorded"
              title="The kernel's execution record proves this finding"
            >
              recorded
            </span>
          )}
        </div>
        <div className="nb2prod-finding-message">{finding.message}</div>
        {finding.hint && <div className="nb2prod-finding-hint">{finding.hint}</div>}
      </div>
    </li>
  );
}

/** The notebook's findings, worst first; each one leads to its cell. */
export function FindingsList(props: IFindingsListProps): JSX.Element {
  const findings = sortFindings(props.analysis.result?.findings ?? []);
  return (
    <section className="nb2prod-card nb2prod-findings" aria-label="Findings">
      <header className="nb2prod-card-header">
        <h3 className="nb2prod-card-title">Findings</h3>
        {props.analysis.running && (
          <span className="nb2prod-badge nb2prod-badge-running">analysing</span>
        )}
        {findings.length > 0 && <span className="nb2prod-count">{findings.length}</span>}
      </header>
      <Summary analysis={props.analysis} />
      {findings.length > 0 && (
        <ul className="nb2prod-finding-list" aria-label="Findings">
          {findings.map((finding, i) => (
            <FindingItem
              key={`${finding.kind}-${finding.cell}-${finding.line}-${i}`}
              finding={finding}
              onSelect={props.onSelect}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
