import * as React from 'react';

import { IConversionState } from '../model';
import { FileTree } from './FileTree';

export interface IConvertSectionProps {
  conversion: IConversionState;
  /** False when no notebook is open. */
  enabled: boolean;
  onConvert: () => void;
  /** Open a file of the package, by its path relative to the package folder. */
  onOpen: (path: string) => void;
}

/** The "Convert to package" button, the stream's progress, then the package's files. */
export function ConvertSection(props: IConvertSectionProps): JSX.Element {
  const { conversion } = props;
  return (
    <section className="nb2prod-card nb2prod-convert" aria-label="Convert to package">
      <header className="nb2prod-card-header">
        <h3 className="nb2prod-card-title">Package</h3>
      </header>
      <button
        className="jp-mod-styled jp-mod-accept nb2prod-convert-button"
        disabled={!props.enabled || conversion.running}
        aria-busy={conversion.running}
        onClick={props.onConvert}
        title="Save the notebook and lift it into a tested Python package beside it"
      >
        {conversion.running ? 'Converting...' : 'Convert to package'}
      </button>
      {conversion.lines.length > 0 && (
        <ol className="nb2prod-progress" aria-label="Conversion progress" aria-live="polite">
          {conversion.lines.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ol>
      )}
      {conversion.error && (
        <p className="nb2prod-convert-error" role="alert">
          {conversion.error.message.split('\n')[0]}
        </p>
      )}
      {conversion.done && (
        <div className="nb2prod-package">
          <p className="nb2prod-package-title">
            Package <code>{conversion.done.package}</code> written to{' '}
            <code>{conversion.done.output}/</code>
          </p>
          <FileTree files={conversion.done.files} onOpen={props.onOpen} />
        </div>
      )}
    </section>
  );
}
