/**
 * The nb2prod JupyterLab extension: one sidebar for the active notebook
 * (environment, findings, "Convert to package") and a recorder per notebook.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { Analyzer } from './analysis';
import { asApiError } from './api';
import { KernelRecorder } from './comm/recorder';
import { Comparer } from './compare';
import { Sidebar } from './components/Sidebar';
import { convertNotebook } from './convert';
import { findCellIndex } from './markers';
import { SidebarModel } from './model';
import { notifyError } from './notify';
import { confirmOverwrite, existsInWords } from './overwrite';
import { confirmAnyway, refusalInWords } from './refusal';
import { IFinding } from './tokens';

const PLUGIN_ID = 'nb2prod:plugin';

/** The settings (schema/plugin.json) with their defaults. */
interface ISettings {
  loadRecorder: boolean;
  lockOnConvert: boolean;
  analyzeDelay: number;
}

const DEFAULTS: ISettings = { loadRecorder: true, lockOnConvert: true, analyzeDelay: 500 };

export const CommandIDs = {
  show: 'nb2prod:show-sidebar',
  convert: 'nb2prod:convert'
};

async function loadSettings(
  registry: ISettingRegistry | null,
  onChange: (settings: ISettings) => void
): Promise<ISettings> {
  if (!registry) {
    return DEFAULTS;
  }
  try {
    const plugin = await registry.load(PLUGIN_ID);
    const read = (): ISettings => ({ ...DEFAULTS, ...(plugin.composite as Partial<ISettings>) });
    plugin.changed.connect(() => onChange(read()));
    return read();
  } catch (error) {
    console.warn('nb2prod: could not load the settings, using the defaults', error);
    return DEFAULTS;
  }
}

function activate(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  registry: ISettingRegistry | null,
  restorer: ILayoutRestorer | null
): void {
  const serverSettings = app.serviceManager.serverSettings;
  const recorders = new Map<NotebookPanel, KernelRecorder>();
  const model = new SidebarModel();
  let settings = DEFAULTS;

  const follow = (panel: NotebookPanel | null): void => {
    if (panel === model.panel) {
      return;
    }
    const analyzer = panel ? new Analyzer(panel, serverSettings, settings.analyzeDelay) : null;
    const recorder = panel ? (recorders.get(panel) ?? null) : null;
    const comparer = panel && recorder ? new Comparer(panel, recorder, serverSettings) : null;
    model.setNotebook(panel, recorder, analyzer, comparer);
  };

  const ready = loadSettings(registry, changed => {
    settings = changed;
    recorders.forEach(recorder => recorder.setEnabled(changed.loadRecorder));
  }).then(loaded => {
    settings = loaded;
  });

  const addRecorder = (panel: NotebookPanel): void => {
    if (recorders.has(panel) || panel.isDisposed) {
      return;
    }
    const recorder = new KernelRecorder(panel, settings.loadRecorder);
    recorders.set(panel, recorder);
    panel.disposed.connect(() => {
      recorders.delete(panel);
      recorder.dispose();
      if (model.panel === panel) {
        follow(null);
      }
    });
    if (tracker.currentWidget === panel) {
      follow(panel);
    }
  };

  const selectFinding = (finding: IFinding): void => {
    const panel = model.panel;
    const index = panel ? findCellIndex(panel.content, finding) : -1;
    if (!panel || index < 0) {
      return;
    }
    app.shell.activateById(panel.id);
    const notebook = panel.content;
    notebook.activeCellIndex = index;
    notebook.deselectAll();
    notebook.mode = 'command';
    void notebook.scrollToCell(notebook.widgets[index], 'center');
    // As the table of contents does: the notebook takes the keyboard, in command mode, so the
    // next key is a notebook command and never typed into the cell's code.
    requestAnimationFrame(() => {
      notebook.mode = 'command';
      notebook.node.focus();
    });
  };

  const convert = async (
    panel: NotebookPanel | null,
    force = false,
    anyway = false
  ): Promise<void> => {
    if (!panel || panel.isDisposed || model.conversion.running) {
      return;
    }
    model.resetConversion(panel.context.path);
    try {
      const done = await convertNotebook(
        panel,
        serverSettings,
        { lock: settings.lockOnConvert, force, anyway },
        event => {
          if (event.type === 'progress') {
            model.setConversion({ lines: [...model.conversion.lines, event.message] });
          }
        }
      );
      model.setConversion({ running: false, done });
      Notification.success(`nb2prod: package ${done.package} written to ${done.output}/`, {
        autoClose: 5000
      });
      await app.commands.execute('docmanager:open', { path: done.readme });
    } catch (error) {
      const failure = refusalInWords(existsInWords(asApiError(error)));
      model.setConversion({ running: false, error: failure });
      // Only a folder nb2prod wrote may be replaced, and only once the user has seen what it holds.
      const folder = failure.code === 'exists' ? failure.folder : null;
      const actions = folder?.nb2prod
        ? [
            {
              label: 'Overwrite…',
              callback: () =>
                void confirmOverwrite(folder).then(yes =>
                  yes ? convert(panel, true, anyway) : undefined
                )
            }
          ]
        : [];
      if (failure.code === 'refused') {
        actions.push({
          label: 'Convert anyway…',
          callback: () =>
            void confirmAnyway(failure).then(yes => (yes ? convert(panel, force, true) : undefined))
        });
      }
      const title = failure.code === 'refused' ? 'Not converted' : 'Convert to package failed';
      notifyError(title, failure, actions);
    }
  };

  const openPackageFile = (path: string): void => {
    const done = model.conversion.done;
    if (done) {
      void app.commands.execute('docmanager:open', { path: `${done.output}/${path}` });
    }
  };

  const sidebar = new Sidebar(model, {
    selectFinding,
    selectCell: (number: number) =>
      selectFinding({
        kind: 'cell',
        severity: 'info',
        cell: number,
        cell_id: null,
        line: 1,
        message: '',
        hint: ''
      }),
    convert: () => void convert(model.panel),
    openPackageFile
  });
  app.shell.add(sidebar, 'right', { rank: 650 });
  restorer?.add(sidebar, sidebar.id);

  app.commands.addCommand(CommandIDs.show, {
    label: 'Show the nb2prod sidebar',
    execute: () => app.shell.activateById(sidebar.id)
  });
  app.commands.addCommand(CommandIDs.convert, {
    label: 'Convert the notebook to a package (nb2prod)',
    isEnabled: () => model.panel !== null && !model.conversion.running,
    execute: () => convert(model.panel)
  });

  tracker.widgetAdded.connect((_, panel) => void ready.then(() => addRecorder(panel)));
  tracker.currentChanged.connect((_, panel) =>
    follow(panel && recorders.has(panel) ? panel : null)
  );
  void ready.then(() => {
    tracker.forEach(addRecorder);
    follow(tracker.currentWidget);
  });
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'nb2prod: the kernel environment, hidden-state findings and conversion to a package.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ILayoutRestorer],
  activate
};

export default plugin;
