import { VDomRenderer } from '@jupyterlab/ui-components';
import * as React from 'react';

import { nb2prodIcon } from '../icon';
import { cellSources } from '../metadata';
import { SidebarModel } from '../model';
import { IFinding } from '../tokens';
import { ConvertSection } from './ConvertSection';
import { EnvironmentCard } from './EnvironmentCard';
import { FindingsList } from './FindingsList';

export interface ISidebarActions {
  selectFinding: (finding: IFinding) => void;
  /** Go to a cell by its 1-based number. */
  selectCell: (number: number) => void;
  convert: () => void;
  /** Open a file of the converted package (path relative to the package folder). */
  openPackageFile: (path: string) => void;
}

/** The nb2prod panel for the active notebook: conversion first (always in reach), then the
 * environment and the findings. */
export class Sidebar extends VDomRenderer<SidebarModel> {
  constructor(
    model: SidebarModel,
    private readonly _actions: ISidebarActions
  ) {
    super(model);
    this.id = 'nb2prod-sidebar';
    this.addClass('nb2prod-sidebar');
    this.title.icon = nb2prodIcon;
    this.title.caption = 'nb2prod: environment, hidden state, package';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'nb2prod');
  }

  protected render(): JSX.Element {
    const { panel, recorder, analysis, conversion } = this.model;
    const notebook = panel?.content.model;
    const sameNotebook = !conversion.path || conversion.path === panel?.context.path;
    return (
      <div className="nb2prod-sidebar-content">
        <header className="nb2prod-sidebar-header">
          <nb2prodIcon.react tag="span" className="nb2prod-sidebar-logo" />
          <h2 className="nb2prod-sidebar-title">nb2prod</h2>
          <span className="nb2prod-sidebar-path" title={panel?.context.path ?? ''}>
            {panel ? panel.context.localPath.split('/').pop() : 'no notebook open'}
          </span>
        </header>
        <ConvertSection
          conversion={
            sameNotebook ? conversion : { ...conversion, lines: [], done: null, error: null }
          }
          enabled={panel !== null}
          onConvert={this._actions.convert}
          onOpen={this._actions.openPackageFile}
        />
        <EnvironmentCard
          live={recorder?.status.state === 'recording' ? recorder.liveEnvironment : null}
          saved={recorder?.savedEnvironment ?? null}
          status={recorder?.status ?? null}
          history={recorder?.history ?? []}
          cellSources={notebook ? cellSources(notebook) : []}
          comparison={this.model.comparison}
          onCell={this._actions.selectCell}
        />
        <FindingsList analysis={analysis} onSelect={this._actions.selectFinding} />
      </div>
    );
  }
}
