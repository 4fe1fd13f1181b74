/**
 * The sidebar's state: the active notebook, its recorder and analyser, and
 * the last conversion. Components render it; index.ts drives it.
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { VDomModel } from '@jupyterlab/ui-components';

import { Analyzer, IAnalysisState } from './analysis';
import { ApiError } from './api';
import { KernelRecorder } from './comm/recorder';
import { Comparer } from './compare';
import { ConvertDone, IComparison } from './tokens';

export interface IConversionState {
  running: boolean;
  /** The path of the notebook this conversion is for. */
  path: string | null;
  lines: string[];
  done: ConvertDone | null;
  error: ApiError | null;
}

const IDLE: IConversionState = { running: false, path: null, lines: [], done: null, error: null };

export class SidebarModel extends VDomModel {
  get panel(): NotebookPanel | null {
    return this._panel;
  }

  get recorder(): KernelRecorder | null {
    return this._recorder;
  }

  get analysis(): IAnalysisState {
    return this._analyzer?.state ?? { running: false, result: null, error: null };
  }

  /** Where the notebook's outputs were made against the live kernel; null before an answer. */
  get comparison(): IComparison | null {
    return this._comparer?.comparison ?? null;
  }

  get conversion(): IConversionState {
    return this._conversion;
  }

  /** Follow another notebook (or none); the analyser becomes this model's to dispose. */
  setNotebook(
    panel: NotebookPanel | null,
    recorder: KernelRecorder | null,
    analyzer: Analyzer | null,
    comparer: Comparer | null = null
  ): void {
    this._recorder?.changed.disconnect(this._emit, this);
    this._panel?.context.pathChanged.disconnect(this._emit, this);
    this._analyzer?.dispose();
    this._comparer?.dispose();
    this._panel = panel;
    this._recorder = recorder;
    this._analyzer = analyzer;
    this._comparer = comparer;
    recorder?.changed.connect(this._emit, this);
    analyzer?.changed.connect(this._emit, this);
    comparer?.changed.connect(this._emit, this);
    panel?.context.pathChanged.connect(this._emit, this);
    this._emit();
  }

  setConversion(change: Partial<IConversionState>): void {
    this._conversion = { ...this._conversion, ...change };
    this._emit();
  }

  resetConversion(path: string): void {
    this._conversion = { ...IDLE, running: true, path };
    this._emit();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._analyzer?.dispose();
    this._comparer?.dispose();
    super.dispose();
  }

  private _emit(): void {
    this.stateChanged.emit(void 0);
  }

  private _analyzer: Analyzer | null = null;
  private _comparer: Comparer | null = null;
  private _conversion: IConversionState = IDLE;
  private _panel: NotebookPanel | null = null;
  private _recorder: KernelRecorder | null = null;
}
