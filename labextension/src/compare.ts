/**
 * Keeps the open notebook's environment comparison current: asks the server
 * (POST /nb2prod/environment/compare) whenever the recorder's state changes,
 * and marks the cells whose outputs came from another environment.
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { compareEnvironment } from './api';
import { KernelRecorder } from './comm/recorder';
import { compareBody, ICellLike } from './comparison';
import { IComparison, METADATA_KEY } from './tokens';

const MARK = 'nb2prod-env-other';

export class Comparer implements IDisposable {
  constructor(
    readonly panel: NotebookPanel,
    private readonly _recorder: KernelRecorder,
    private readonly _settings: ServerConnection.ISettings
  ) {
    _recorder.changed.connect(this.run, this);
    void this.run();
  }

  get changed(): ISignal<this, IComparison | null> {
    return this._changed;
  }

  get comparison(): IComparison | null {
    return this._comparison;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Ask again; an answer that arrives after a newer request's is dropped. */
  async run(): Promise<void> {
    const live = this._recorder.liveEnvironment;
    const model = this.panel.content.model;
    if (!live || !model || this._isDisposed) {
      return;
    }
    const request = ++this._requests;
    const cells: ICellLike[] = [];
    for (let i = 0; i < model.cells.length; i++) {
      const cell = model.cells.get(i);
      const count = cell.type === 'code' ? (cell.toJSON().execution_count as number | null) : null;
      cells.push({
        id: cell.id,
        cell_type: cell.type,
        source: cell.sharedModel.getSource(),
        execution_count: count ?? null
      });
    }
    const body = compareBody(this.panel.context.path, model.getMetadata(METADATA_KEY), cells, live);
    try {
      const answer = await compareEnvironment(this._settings, body);
      if (request === this._requests && !this._isDisposed) {
        this._comparison = answer;
        this._mark(answer);
        this._changed.emit(answer);
      }
    } catch (error) {
      console.warn('nb2prod: the environment comparison failed', error);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._recorder.changed.disconnect(this.run, this);
    this.panel.content.widgets.forEach(cell => cell.node.classList.remove(MARK));
    Signal.clearData(this);
  }

  /** A class and a title on the cells whose outputs another environment made. */
  private _mark(comparison: IComparison): void {
    const marked = new Map(comparison.marked.map(m => [m.number, m]));
    this.panel.content.widgets.forEach((cell, index) => {
      const mark = marked.get(index + 1);
      cell.node.classList.toggle(MARK, mark !== undefined);
      if (mark) {
        cell.node.dataset.nb2prodEnv = mark.reasons.includes('mixed')
          ? 'made in an older environment than the other outputs'
          : 'made in another environment than the kernel of now';
      } else {
        delete cell.node.dataset.nb2prodEnv;
      }
    });
  }

  private _changed = new Signal<this, IComparison | null>(this);
  private _comparison: IComparison | null = null;
  private _isDisposed = false;
  private _requests = 0;
}
