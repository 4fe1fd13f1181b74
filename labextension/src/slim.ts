/**
 * What POST /nb2prod/analyze needs of a notebook, and no more: sources,
 * execution counts, metadata, and outputs as `check` reads them (their text,
 * cut at 64 KiB as the server cuts it, and which kinds of data they hold).
 * Images and other rich data never travel: a 2 MB notebook sends kilobytes.
 */

/** The server keeps this much of an output's text (src/nb2prod/notebook.py). */
export const MAX_OUTPUT_TEXT = 64 * 1024;

type Json = Record<string, unknown>;

function text(value: unknown): string {
  if (Array.isArray(value)) {
    return value.filter(part => typeof part === 'string').join('');
  }
  return typeof value === 'string' ? value : '';
}

function cut(value: string): string {
  return value.length > MAX_OUTPUT_TEXT ? value.slice(0, MAX_OUTPUT_TEXT + 1) : value;
}

/** One output as `check` reads it. */
export function slimOutput(output: Json): Json {
  const kind = output.output_type;
  if (kind === 'stream') {
    return { output_type: kind, name: output.name, text: cut(text(output.text)) };
  }
  if (kind === 'error') {
    const lines: string[] = [];
    let size = 0;
    for (const line of Array.isArray(output.traceback) ? output.traceback : []) {
      if (typeof line !== 'string' || size > MAX_OUTPUT_TEXT) {
        break;
      }
      lines.push(line);
      size += line.length + 1;
    }
    return { output_type: kind, ename: output.ename, evalue: output.evalue, traceback: lines };
  }
  const data = (output.data ?? {}) as Json;
  const kept: Json = {};
  for (const mimetype of Object.keys(data)) {
    kept[mimetype] = mimetype === 'text/plain' ? cut(text(data[mimetype])) : '';
  }
  const slim: Json = { output_type: kind, data: kept, metadata: {} };
  if ('execution_count' in output) {
    slim.execution_count = output.execution_count;
  }
  return slim;
}

/**
 * The notebook as the analysis reads it. `ids` are the cells' ids in the open
 * model: JupyterLab drops them from the JSON of a notebook saved before
 * nbformat 4.5, but sends them to the kernel with every execution, so the
 * records name cells by them.
 */
export function slimNotebook(notebook: Json, ids: readonly string[] = []): Json {
  const cells = Array.isArray(notebook.cells) ? (notebook.cells as Json[]) : [];
  return {
    ...notebook,
    cells: cells.map((cell, index) => {
      const { attachments: _attachments, outputs, ...rest } = cell;
      void _attachments;
      if (typeof rest.id !== 'string' && typeof ids[index] === 'string') {
        rest.id = ids[index];
      }
      return Array.isArray(outputs)
        ? { ...rest, outputs: (outputs as Json[]).map(slimOutput) }
        : rest;
    })
  };
}
