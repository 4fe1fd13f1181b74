import * as React from 'react';

import { IAnalysisState } from '../analysis';
import {
  codeSpans,
  countBySeverity,
  groupByCell,
  SEVERITIES,
  shortTitle,
  verdict
} from '../findings';
import { IFinding, Severity } from '../tokens';

export { sortFindings } from '../findings';

export interface IFindingsListProps {
  analysis: IAnalysisState;
  onSelect: (finding: IFinding) => void;
}

function Verdict(props: { analysis: IAnalysisState }): JSX.Element {
  const { result, running, error } = props.analysis;
  let text: string;
  let state: string;
  if (error) {
    text = `Analysis failed: ${error.message}`;
    state = 'error';
  } else if (!result) {
    text = running ? 'Analysing...' : 'Not analysed yet';
    state = 'pending';
  } else {
    text = verdict(result);
    state = text.startsWith('Reproducible') ? 'ok' : 'bad';
  }
  return (
    <p className={`nb2prod-verdict nb2prod-verdict-${state}`} role="status" aria-live="polite">
      {text}
    </p>
  );
}

/** Text with its `code` spans as code. */
function Spans(props: { text: string }): JSX.Element {
  return (
    <>
      {codeSpans(props.text).map((span, i) =>
        span.code ? <code key={i}>{span.text}</code> : <span key={i}>{span.text}</span>
      )}
    </>
  );
}

function FindingItem(props: {
  finding: IFinding;
  expanded: boolean;
  onToggle: () => void;
  onSelect: (finding: IFinding) => void;
}): JSX.Element {
  const { finding, expanded, onToggle, onSelect } = props;
  const where = finding.cell > 0 ? `cell ${finding.cell}` : 'notebook';
  const title = shortTitle(finding);
  const onKeyDown = (event: React.KeyboardEvent): void => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(finding);
    }
  };
  return (
    <li className="nb2prod-finding-entry">
      <div className="nb2prod-finding-row">
        <button
          className="nb2prod-finding-toggle"
          aria-expanded={expanded}
          aria-label={`${expanded ? 'Hide' : 'Show'} details: ${title}`}
          onClick={onToggle}
        >
          {expanded ? '▾' : '▸'}
        </button>
        <div
          className={`nb2prod-finding nb2prod-finding-item-${finding.severity}`}
          role="button"
          tabIndex={0}
          data-kind={finding.kind}
          data-cell={finding.cell}
          aria-label={`${finding.severity}: ${title}, ${where}. ${finding.message}`}
          title={finding.cell > 0 ? `Go to ${where}` : finding.message}
          onClick={() => onSelect(finding)}
          onKeyDown={onKeyDown}
        >
          <span className={`nb2prod-severity nb2prod-severity-${finding.severity}`}>
            {finding.severity}
          </span>
          <span className="nb2prod-finding-kind">{title}</span>
          {finding.proof === 'recorded' && (
            <span
              className="nb2prod-recorded-mark"
              role="img"
              aria-label="recorded"
              title="Recorded: the kernel's execution record proves this finding"
            >
              ✓
            </span>
          )}
        </div>
      </div>
      {expanded && (
        <div className="nb2prod-finding-details">
          {finding.proof === 'recorded' && (
            <p className="nb2prod-finding-proof">
              <span className="nb2prod-badge nb2prod-badge-recorded">recorded</span> proven by the
              kernel&apos;s execution record, not inferred
            </p>
          )}
          <p className="nb2prod-finding-message">
            <Spans text={withoutProof(finding)} />
          </p>
          {finding.hint && (
            <p className="nb2prod-finding-hint">
              <Spans text={finding.hint} />
            </p>
          )}
        </div>
      )}
    </li>
  );
}

/** What every recorded finding's message ends with (analysis/timeline.py): the badge says it. */
const PROVEN = " (proven by the kernel's record, not inferred)";

function withoutProof(finding: IFinding): string {
  const { message } = finding;
  return finding.proof === 'recorded' && message.endsWith(PROVEN)
    ? message.slice(0, -PROVEN.length)
    : message;
}

function keyOf(finding: IFinding): string {
  return `${finding.kind}:${finding.cell}:${finding.line}:${finding.message}`;
}

/** Toggles for which severities the list shows, with their counts. */
function Filter(props: {
  counts: Record<Severity, number>;
  shown: ReadonlySet<Severity>;
  onToggle: (severity: Severity) => void;
}): JSX.Element {
  return (
    <div className="nb2prod-filter" role="group" aria-label="Show findings of severity">
      {SEVERITIES.filter(s => props.counts[s] > 0).map(severity => (
        <button
          key={severity}
          className={`nb2prod-filter-button nb2prod-severity-${severity}`}
          aria-pressed={props.shown.has(severity)}
          onClick={() => props.onToggle(severity)}
        >
          {severity} {props.counts[severity]}
        </button>
      ))}
    </div>
  );
}

/** The notebook's findings: one line each, grouped by cell, worst first; each leads to its
 * cell and opens to its message and hint. */
export function FindingsList(props: IFindingsListProps): JSX.Element {
  const findings = props.analysis.result?.findings ?? [];
  const [shown, setShown] = React.useState<ReadonlySet<Severity>>(new Set(SEVERITIES));
  const [open, setOpen] = React.useState<ReadonlySet<string>>(new Set());
  const groups = groupByCell(findings, shown);
  const toggle = <T,>(set: ReadonlySet<T>, item: T): Set<T> => {
    const next = new Set(set);
    if (!next.delete(item)) {
      next.add(item);
    }
    return next;
  };
  return (
    <section className="nb2prod-card nb2prod-findings" aria-label="Findings">
      <header className="nb2prod-card-header">
        <h3 className="nb2prod-card-title">Findings</h3>
        {props.analysis.running && (
          <span className="nb2prod-badge nb2prod-badge-running">analysing</span>
        )}
        {findings.length > 0 && <span className="nb2prod-count">{findings.length}</span>}
      </header>
      <Verdict analysis={props.analysis} />
      {findings.length > 0 && (
        <Filter
          counts={countBySeverity(findings)}
          shown={shown}
          onToggle={severity => setShown(toggle(shown, severity))}
        />
      )}
      {groups.length > 0 && (
        <ul className="nb2prod-finding-groups" aria-label="Findings by cell">
          {groups.map(group => (
            <li key={group.cell} className="nb2prod-finding-group" data-cell={group.cell}>
              <div className="nb2prod-finding-group-head">
                {group.cell > 0 ? `Cell ${group.cell}` : 'Notebook'}
              </div>
              <ul className="nb2prod-finding-list" aria-label="Findings">
                {group.findings.map(finding => (
                  <FindingItem
                    key={keyOf(finding)}
                    finding={finding}
                    expanded={open.has(keyOf(finding))}
                    onToggle={() => setOpen(toggle(open, keyOf(finding)))}
                    onSelect={props.onSelect}
                  />
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
