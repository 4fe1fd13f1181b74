/**
 * "Convert to package": save the notebook if it has unsaved changes, then
 * follow POST /nb2prod/convert's stream to its last event.
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';

import { ApiError, convert, existingFolder } from './api';
import { ConvertDone, ConvertEvent } from './tokens';

export interface IConvertOptions {
  lock: boolean;
  force: boolean;
  /** Convert although findings say a fresh run would not give the notebook's outputs. */
  anyway: boolean;
}

/** Resolves with the `done` event; throws ApiError on a refusal or an `error` event. */
export async function convertNotebook(
  panel: NotebookPanel,
  settings: ServerConnection.ISettings,
  options: IConvertOptions,
  onEvent: (event: ConvertEvent) => void
): Promise<ConvertDone> {
  if (panel.context.model.dirty) {
    onEvent({ type: 'progress', message: 'saving the notebook' });
    await panel.context.save();
  }
  const request = {
    path: panel.context.path,
    lock: options.lock,
    force: options.force,
    allow_hidden_state: options.anyway
  };
  for await (const event of convert(settings, request)) {
    onEvent(event);
    if (event.type === 'done') {
      return event;
    }
    if (event.type === 'error') {
      throw new ApiError(event.code, event.message, 200, [], existingFolder(event.folder));
    }
  }
  throw new ApiError('incomplete', 'The conversion stream ended before its last event.', 200);
}
