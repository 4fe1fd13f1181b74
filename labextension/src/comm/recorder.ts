/**
 * One notebook's link to the recorder in its kernel: `%load_ext nb2prod`, run
 * silently whenever a kernel becomes ready (first start and after restarts),
 * then the `nb2prod` comm, whose records go into the notebook's metadata.
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  appendHistory,
  cellSources,
  orphanSources,
  readRecords,
  usedEnvironments,
  writeCellRecord,
  writeRecords
} from '../metadata';
import {
  COMM_TARGET,
  IEnvironment,
  IExecution,
  IRecords,
  KernelMessage as Message,
  METADATA_KEY,
  SCHEMA_VERSION
} from '../tokens';

/** Where the link stands, with the typed reason when it does not record. */
export type RecorderStatus =
  { state: 'recording' } | { state: 'starting' } | { state: 'off'; reason: string };

export const LOAD_CODE = '%load_ext nb2prod';

export class KernelRecorder implements IDisposable {
  constructor(
    readonly panel: NotebookPanel,
    enabled: boolean
  ) {
    this._enabled = enabled;
    const { sessionContext, context } = panel;
    sessionContext.kernelChanged.connect(this._onKernelChanged, this);
    sessionContext.statusChanged.connect(this._onStatus, this);
    context.saveState.connect(this._onSaveState, this);
    void context.ready.then(() => {
      if (this.isDisposed) {
        return;
      }
      const saved = readRecords(context.model.getMetadata(METADATA_KEY));
      this._environments = { ...saved.environments };
      this._history = saved.history;
      for (const [hash, code] of Object.entries(saved.sources)) {
        this._codes.set(hash, code);
      }
      this._changed.emit();
    });
    void sessionContext.ready.then(() => this._onKernelChanged());
  }

  /** Emitted whenever the status, the live environment or the records change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get status(): RecorderStatus {
    return this._status;
  }

  /** The environment the kernel reported on this comm, newest first; null before any. */
  get liveEnvironment(): IEnvironment | null {
    return this._live;
  }

  /** The environment of the newest recorded execution, live or saved; else any saved one. */
  get savedEnvironment(): IEnvironment | null {
    for (let i = this._history.length - 1; i >= 0; i--) {
      const env = this._environments[this._history[i].environment];
      if (env) {
        return env;
      }
    }
    const all = Object.values(this._environments);
    return all.length ? all[all.length - 1] : null;
  }

  /** The recorded executions, oldest first. */
  get history(): readonly IExecution[] {
    return this._history;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The `loadRecorder` setting: off stops nothing already running, but no new kernel loads it. */
  setEnabled(enabled: boolean): void {
    if (enabled === this._enabled) {
      return;
    }
    this._enabled = enabled;
    if (enabled) {
      this._needsSetup = true;
      this._onStatus();
    } else if (this._status.state !== 'recording') {
      this._setStatus({ state: 'off', reason: 'the recorder is turned off in the settings' });
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._closeComm();
    Signal.clearData(this);
  }

  private _onKernelChanged(): void {
    const kernel = this.panel.sessionContext.session?.kernel ?? null;
    if (kernel === this._kernel) {
      return;
    }
    this._closeComm();
    this._kernel = kernel;
    this._needsSetup = true;
    this._onStatus();
  }

  private _onStatus(): void {
    const kernel = this.panel.sessionContext.session?.kernel ?? null;
    const status = kernel?.status;
    if (status === 'restarting' || status === 'autorestarting' || status === 'starting') {
      this._closeComm();
      this._needsSetup = true;
    }
    if (!kernel || status === 'dead') {
      this._setStatus({ state: 'off', reason: 'no kernel is running' });
      return;
    }
    if (this._needsSetup && (status === 'idle' || status === 'busy')) {
      this._needsSetup = false;
      void this._setup(kernel);
    }
  }

  private async _setup(kernel: Kernel.IKernelConnection): Promise<void> {
    if (!this._enabled) {
      this._setStatus({ state: 'off', reason: 'the recorder is turned off in the settings' });
      return;
    }
    this._setStatus({ state: 'starting' });
    try {
      const info = await kernel.info;
      const language = info.language_info.name;
      if (language !== 'python') {
        this._setStatus({ state: 'off', reason: `the kernel runs ${language}, not Python` });
        return;
      }
      const reply = await kernel.requestExecute({
        code: LOAD_CODE,
        silent: true,
        store_history: false
      }).done;
      if (reply.content.status !== 'ok') {
        const content = reply.content as KernelMessage.IReplyErrorContent;
        const reason = `${LOAD_CODE} failed in the kernel: ${content.ename}: ${content.evalue}`;
        this._setStatus({ state: 'off', reason });
        return;
      }
      if (this.isDisposed || kernel !== this.panel.sessionContext.session?.kernel) {
        return;
      }
      this._openComm(kernel);
    } catch (error) {
      this._setStatus({
        state: 'off',
        reason: `the kernel could not start the recorder: ${String(error)}`
      });
    }
  }

  private _openComm(kernel: Kernel.IKernelConnection): void {
    const comm = kernel.createComm(COMM_TARGET);
    comm.onMsg = msg => this._onMessage(msg.content.data as unknown as Message);
    comm.onClose = () => {
      if (this._comm === comm) {
        this._comm = null;
        this._setStatus({ state: 'off', reason: 'the kernel closed the recorder' });
      }
    };
    this._comm = comm;
    comm.open({});
    comm.send({ type: 'snapshot' });
    this._setStatus({ state: 'recording' });
  }

  private _closeComm(): void {
    const comm = this._comm;
    this._comm = null;
    if (comm && !comm.isDisposed) {
      try {
        comm.close();
      } catch {
        // The kernel is gone already (restarting, shut down): nothing is left to close.
      }
    }
  }

  private _onMessage(message: Message): void {
    switch (message.type) {
      case 'state':
        Object.assign(this._environments, message.environments);
        for (const [hash, code] of Object.entries(message.sources)) {
          this._codes.set(hash, code);
        }
        this._record(message.history);
        break;
      case 'execution':
        if (message.environment) {
          this._environments[message.environment.id] = message.environment;
          this._live = message.environment;
        } else if (this._environments[message.execution.environment]) {
          this._live = this._environments[message.execution.environment];
        }
        this._codes.set(message.execution.source_hash, message.source);
        this._record([message.execution]);
        break;
      case 'environment':
        this._environments[message.environment.id] = message.environment;
        this._live = message.environment;
        break;
      default:
        return;
    }
    this._changed.emit();
  }

  /** Add executions to the history and write the notebook's and the cells' metadata. */
  private _record(executions: IExecution[]): void {
    if (!executions.length) {
      return;
    }
    this._history = appendHistory(this._history, executions);
    const model = this.panel.context.model;
    const last = this._history[this._history.length - 1];
    if (this._environments[last.environment]) {
      this._live = this._environments[last.environment];
    }
    for (const execution of executions) {
      writeCellRecord(model, execution);
    }
    this._writeNotebook();
  }

  private _writeNotebook(): void {
    const model = this.panel.context.model;
    if (!this._history.length) {
      return;
    }
    const records: IRecords = {
      schema: SCHEMA_VERSION,
      environments: usedEnvironments(this._history, this._environments),
      history: this._history,
      sources: orphanSources(this._history, this._codes, new Set(cellSources(model)))
    };
    writeRecords(model, records);
  }

  /** Before a save, the sources are brought up to date with the cells as they are now. */
  private _onSaveState(_: unknown, state: string): void {
    if (state === 'started') {
      this._writeNotebook();
    }
  }

  private _setStatus(status: RecorderStatus): void {
    this._status = status;
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _codes = new Map<string, string>();
  private _comm: Kernel.IComm | null = null;
  private _enabled: boolean;
  private _environments: Record<string, IEnvironment> = {};
  private _history: IExecution[] = [];
  private _isDisposed = false;
  private _kernel: Kernel.IKernelConnection | null = null;
  private _live: IEnvironment | null = null;
  private _needsSetup = true;
  private _status: RecorderStatus = { state: 'off', reason: 'no kernel is running' };
}
