import * as React from 'react';

import { RecorderStatus } from '../comm/recorder';
import { visibleRows } from '../comparison';
import { cpuSummary, formatBytes, gpuSummary, keyPackages, pythonSummary } from '../environment';
import { IComparison, IEnvironment, IExecution } from '../tokens';

export interface IEnvironmentCardProps {
  /** What the kernel reports now, over the comm. */
  live: IEnvironment | null;
  /** What the notebook's metadata holds (the newest execution's environment). */
  saved: IEnvironment | null;
  status: RecorderStatus | null;
  history: readonly IExecution[];
  cellSources: readonly string[];
  /** Where the outputs were made against the live kernel (the server's comparison). */
  comparison: IComparison | null;
  /** Go to a cell, by its 1-based number. */
  onCell: (number: number) => void;
}

function statusText(status: RecorderStatus | null): string {
  if (!status) {
    return 'No notebook';
  }
  switch (status.state) {
    case 'recording':
      return 'Recording: every execution is stamped';
    case 'starting':
      return 'Starting the recorder...';
    default:
      return `Not recording: ${status.reason}`;
  }
}

function Row(props: { label: string; children: React.ReactNode }): JSX.Element {
  return (
    <>
      <dt className="nb2prod-env-label">{props.label}</dt>
      <dd className="nb2prod-env-value">{props.children}</dd>
    </>
  );
}

/** Python, key packages, CPU, memory and GPU of the kernel the notebook runs on (or ran on). */
export function EnvironmentCard(props: IEnvironmentCardProps): JSX.Element {
  const env = props.live ?? props.saved;
  const source = props.live ? 'live' : props.saved ? 'saved' : null;
  const recording = props.status?.state === 'recording';
  return (
    <section className="nb2prod-card nb2prod-env" aria-label="Environment">
      <header className="nb2prod-card-header">
        <h3 className="nb2prod-card-title">Environment</h3>
        {source && (
          <span
            className={`nb2prod-badge nb2prod-badge-${source}`}
            title={
              source === 'live'
                ? 'Reported by the running kernel'
                : 'From the notebook metadata, as recorded when it last ran'
            }
          >
            {source}
          </span>
        )}
      </header>
      <p
        className={`nb2prod-recorder-status ${recording ? 'nb2prod-mod-recording' : ''}`}
        data-state={props.status?.state ?? 'none'}
      >
        {statusText(props.status)}
      </p>
      {props.comparison && props.comparison.state !== 'unrecorded' ? (
        <Comparison comparison={props.comparison} onCell={props.onCell} />
      ) : env ? (
        <EnvironmentRows env={env} history={props.history} cellSources={props.cellSources} />
      ) : (
        <p className="nb2prod-empty">
          No environment recorded yet: start the kernel, or run a cell with the recorder on.
        </p>
      )}
    </section>
  );
}

function EnvironmentRows(props: {
  env: IEnvironment;
  history: readonly IExecution[];
  cellSources: readonly string[];
}): JSX.Element {
  const { env } = props;
  const gpu = gpuSummary(env);
  const packages = keyPackages(env, props.history, props.cellSources);
  return (
    <dl className="nb2prod-env-rows">
      <Row label="Python">
        <span className="nb2prod-env-python">{pythonSummary(env)}</span>
      </Row>
      <Row label="Packages">
        {packages.length ? (
          <ul className="nb2prod-env-packages">
            {packages.map(([name, version]) => (
              <li key={name}>
                <span className="nb2prod-package-name">{name}</span>{' '}
                <span className="nb2prod-package-version">{version}</span>
              </li>
            ))}
          </ul>
        ) : (
          'none recorded'
        )}
      </Row>
      <Row label="CPU">{cpuSummary(env)}</Row>
      <Row label="Memory">{formatBytes(env.memory?.total_bytes)}</Row>
      <Row label="GPU">
        <span className={`nb2prod-env-gpu ${gpu.available ? '' : 'nb2prod-mod-muted'}`}>
          {gpu.text}
        </span>
        {gpu.detail && <div className="nb2prod-env-gpu-detail">{gpu.detail}</div>}
      </Row>
    </dl>
  );
}

/** The verdict without its list of differences, which the table shows row by row. */
function headline(verdict: string): string {
  const cut = verdict.indexOf(' (');
  return cut > 0 ? verdict.slice(0, cut) : verdict;
}

/** The recorded environment beside the live one, row by row, differences first. */
function Comparison(props: {
  comparison: IComparison;
  onCell: (number: number) => void;
}): JSX.Element {
  const { comparison } = props;
  const [expanded, setExpanded] = React.useState(false);
  const { shown, hidden } = visibleRows(comparison.rows, expanded);
  const marked = comparison.marked;
  return (
    <div className="nb2prod-compare" data-state={comparison.state}>
      <p
        className={`nb2prod-compare-verdict nb2prod-compare-${comparison.state}`}
        role="status"
        title={comparison.verdict}
      >
        {headline(comparison.verdict)}
      </p>
      <table className="nb2prod-compare-table" aria-label="Recorded and live environment">
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col" title="What the notebook's outputs were made with">
              recorded
            </th>
            <th scope="col" title="What the kernel runs on now">
              now
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map(row => (
            <tr
              key={`${row.kind}:${row.label}`}
              className={`nb2prod-compare-row nb2prod-compare-${row.status}`}
              data-kind={row.kind}
              data-status={row.status}
            >
              <th scope="row">{row.label}</th>
              <td>{row.recorded_text}</td>
              <td>{row.live_text}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {(hidden > 0 || expanded) && (
        <button
          className="nb2prod-link-button nb2prod-compare-more"
          aria-expanded={expanded}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? 'fewer' : `+${hidden} more`}
        </button>
      )}
      {marked.length > 0 && (
        <p className="nb2prod-compare-cells">
          Outputs from another environment:{' '}
          {marked.map((cell, i) => (
            <React.Fragment key={cell.number}>
              {i > 0 && ', '}
              <button
                className="nb2prod-link-button"
                title={cell.reasons.includes('mixed') ? 'made in an older environment' : undefined}
                onClick={() => props.onCell(cell.number)}
              >
                cell {cell.number}
              </button>
            </React.Fragment>
          ))}
        </p>
      )}
    </div>
  );
}
