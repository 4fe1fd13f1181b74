/**
 * Failures reach the user as a notification, whose "Show details" action
 * opens a dialog with the full message (and the findings of a refusal).
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';

import { Widget } from '@lumino/widgets';

import { ApiError } from './api';
import { shortTitle } from './findings';

/** The full text of a failure: its message, then each finding with its hint, in words. */
export function details(error: ApiError): string {
  const parts = [`${error.message}`];
  for (const f of error.findings) {
    const where = f.cell > 0 ? `Cell ${f.cell}` : 'The notebook';
    parts.push('', `${where}: ${shortTitle(f)} (${f.severity})`, f.message);
    if (f.hint) {
      parts.push(`What to do: ${f.hint}`);
    }
  }
  return parts.join('\n');
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

export function showDetails(title: string, error: ApiError): Promise<unknown> {
  const body = document.createElement('pre');
  body.className = 'nb2prod-details';
  body.textContent = details(error);
  return showDialog({
    title,
    body: new Widget({ node: body }),
    buttons: [Dialog.okButton({ label: 'Close' })]
  });
}

export interface IExtraAction {
  label: string;
  callback: () => void;
}

/** An error notification that stays until dismissed, with "Show details". */
export function notifyError(title: string, error: ApiError, extra: IExtraAction[] = []): string {
  const actions: Notification.IAction[] = [
    {
      label: 'Show details',
      caption: 'Show the full message',
      callback: event => {
        event.preventDefault(); // keep the toast, and its other actions, while the details show
        void showDetails(title, error);
      }
    },
    ...extra.map(a => ({ label: a.label, callback: a.callback }))
  ];
  return Notification.error(`${title}: ${firstLine(error.message)}`, {
    autoClose: false,
    actions
  });
}
