import * as React from 'react';

import { RecorderStatus } from '../comm/recorder';
import { cpuSummary, formatBytes, gpuSummary, keyPackages, pythonSummary } from '../environment';
import { IEnvironment, IExecution } from '../tokens';

export interface IEnvironmentCardProps {
  /** What the kernel reports now, over the comm. */
  live: IEnvironment | null;
  /** What the notebook's metadata holds (the newest execution's environment). */
  saved: IEnvironment | null;
  status: RecorderStatus | null;
  history: readonly IExecution[];
  cellSources: readonly string[];
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
      {env ? (
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
