/**
 * "Overwrite": offered only for a folder nb2prod wrote, and only after the
 * user has seen, in a dialog, every file that converting again replaces.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';

import { Widget } from '@lumino/widgets';

import { ApiError } from './api';
import { IExistingFolder } from './tokens';

/** The dialog's body: what is replaced, file by file. */
export function replacedList(folder: IExistingFolder): HTMLElement {
  const body = document.createElement('div');
  body.className = 'nb2prod-overwrite';
  const intro = document.createElement('p');
  const count = `${folder.files}${folder.more ? '+' : ''} file${folder.files === 1 ? '' : 's'}`;
  intro.textContent =
    `${folder.path || 'The folder'} holds a package nb2prod wrote. Overwriting it ` +
    `deletes these ${count} and writes the package anew:`;
  const list = document.createElement('ul');
  list.className = 'nb2prod-overwrite-list';
  list.setAttribute('aria-label', 'Files that will be replaced');
  for (const entry of folder.entries) {
    const item = document.createElement('li');
    item.textContent = entry;
    list.appendChild(item);
  }
  body.append(intro, list);
  const unlisted = folder.files - folder.entries.length;
  if (unlisted > 0 || folder.more) {
    const rest = document.createElement('p');
    rest.textContent = `... and ${unlisted}${folder.more ? '+' : ''} more.`;
    body.appendChild(rest);
  }
  return body;
}

/** Whether the user, shown what will be replaced, chose to overwrite. */
export async function confirmOverwrite(folder: IExistingFolder): Promise<boolean> {
  const result = await showDialog({
    title: 'Overwrite the package folder?',
    body: new Widget({ node: replacedList(folder) }),
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Overwrite' })],
    defaultButton: 0
  });
  return result.button.accept;
}

/**
 * A 409 `exists` in the sidebar's words: the server's message names the API's
 * `"force"` flag, which means nothing to someone clicking Convert.
 */
export function existsInWords(failure: ApiError): ApiError {
  const folder = failure.folder;
  if (failure.code !== 'exists' || !folder) {
    return failure;
  }
  const name = folder.path || 'The output folder';
  const message = folder.nb2prod
    ? `${name} already holds a package nb2prod wrote: Overwrite… shows what it replaces.`
    : `${name} already exists and nb2prod did not write it, so it is never replaced: ` +
      'move it away or rename the notebook.';
  return new ApiError(failure.code, message, failure.status, failure.findings, folder);
}
