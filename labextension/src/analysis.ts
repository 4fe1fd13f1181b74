/**
 * Keeps one notebook's findings current: POST /nb2prod/analyze with what the
 * analysis needs of the open notebook (see slim.ts), at once when an execution
 * finishes and after a pause when the notebook is edited.
 */
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { analyze, ApiError, asApiError } from './api';
import { applyMarkers } from './markers';
import { slimNotebook } from './slim';
import { IAnalysis } from './tokens';

export interface IAnalysisState {
  /** `running` while a request is out; the last result stays shown meanwhile. */
  running: boolean;
  result: IAnalysis | null;
  error: ApiError | null;
}

export class Analyzer implements IDisposable {
  constructor(
    readonly panel: NotebookPanel,
    private readonly _settings: ServerConnection.ISettings,
    private readonly _delay: number
  ) {
    NotebookActions.executed.connect(this._onExecuted, this);
    void panel.context.ready.then(() => {
      if (!this._isDisposed) {
        panel.context.model.contentChanged.connect(this.schedule, this);
        void this.run();
      }
    });
  }

  get changed(): ISignal<this, IAnalysisState> {
    return this._changed;
  }

  get state(): IAnalysisState {
    return this._state;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Analyse once things have been quiet for the delay. */
  schedule(): void {
    if (this._timer !== undefined) {
      window.clearTimeout(this._timer);
    }
    this._timer = window.setTimeout(() => {
      this._timer = undefined;
      void this.run();
    }, this._delay);
  }

  /** Analyse now; an answer that arrives after a newer request's is dropped. */
  async run(): Promise<void> {
    const request = ++this._requests;
    const { context, content } = this.panel;
    if (!content.model) {
      return;
    }
    this._setState({ ...this._state, running: true });
    try {
      const model = content.model;
      const ids = Array.from({ length: model.cells.length }, (_, i) => model.cells.get(i).id);
      const notebook = slimNotebook(model.toJSON() as Record<string, unknown>, ids);
      const result = await analyze(this._settings, context.path, notebook);
      if (request === this._requests && !this._isDisposed) {
        applyMarkers(content, result.findings);
        this._setState({ running: false, result, error: null });
      }
    } catch (error) {
      if (request === this._requests && !this._isDisposed) {
        this._setState({ running: false, result: this._state.result, error: asApiError(error) });
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._timer !== undefined) {
      window.clearTimeout(this._timer);
    }
    NotebookActions.executed.disconnect(this._onExecuted, this);
    Signal.clearData(this);
  }

  /** An execution finished: analyse at once (edits wait for a pause in typing). */
  private _onExecuted(_: unknown, args: { notebook: unknown }): void {
    if (args.notebook === this.panel.content) {
      if (this._timer !== undefined) {
        window.clearTimeout(this._timer);
        this._timer = undefined;
      }
      void this.run();
    }
  }

  private _setState(state: IAnalysisState): void {
    this._state = state;
    this._changed.emit(state);
  }

  private _changed = new Signal<this, IAnalysisState>(this);
  private _isDisposed = false;
  private _requests = 0;
  private _state: IAnalysisState = { running: false, result: null, error: null };
  private _timer: number | undefined;
}
