/**
 * A refused convert in the user's words: which problems make the notebook's
 * outputs untrustworthy, and "Convert anyway" after a dialog that says what
 * converting anyway means.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';

import { Widget } from '@lumino/widgets';

import { ApiError } from './api';
import { shortTitle } from './findings';
import { IFinding } from './tokens';

/** "cell 12: Ran out of order", one per finding. */
export function problemLines(findings: readonly IFinding[]): string[] {
  return findings.map(f => `${f.cell > 0 ? `cell ${f.cell}` : 'notebook'}: ${shortTitle(f)}`);
}

/** A 409 `refused` said without the API's words. */
export function refusalInWords(failure: ApiError): ApiError {
  if (failure.code !== 'refused') {
    return failure;
  }
  const count = failure.findings.length;
  const problems = count === 1 ? '1 problem means' : `${count} problems mean`;
  const message =
    `${problems} a fresh run would not give the outputs saved in the notebook ` +
    `(${problemLines(failure.findings).slice(0, 3).join('; ')}${count > 3 ? '; …' : ''}). ` +
    'Fix them and convert again, or Convert anyway to lift the code as it stands.';
  return new ApiError(failure.code, message, failure.status, failure.findings, failure.folder);
}

/** Whether the user, told what it means, chose to convert despite the problems. */
export async function confirmAnyway(failure: ApiError): Promise<boolean> {
  const body = document.createElement('div');
  body.className = 'nb2prod-anyway';
  const intro = document.createElement('p');
  intro.textContent =
    "The package will run the cells' code top to bottom. Its tests compare what it shows with " +
    "the notebook's saved outputs, and because of these problems some of them may fail:";
  const list = document.createElement('ul');
  list.setAttribute('aria-label', 'Problems');
  for (const line of problemLines(failure.findings)) {
    const item = document.createElement('li');
    item.textContent = line;
    list.appendChild(item);
  }
  body.append(intro, list);
  const result = await showDialog({
    title: 'Convert anyway?',
    body: new Widget({ node: body }),
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Convert anyway' })],
    defaultButton: 0
  });
  return result.button.accept;
}
