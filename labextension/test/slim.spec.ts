import { MAX_OUTPUT_TEXT, slimNotebook } from '../src/slim';

const PNG = 'iVBORw0KGgo'.repeat(100000); // a megabyte of image

describe('slimNotebook', () => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { nb2prod: { history: [] } },
    cells: [
      {
        cell_type: 'code',
        id: 'a',
        source: 'plot()',
        execution_count: 3,
        metadata: { tags: ['keep'] },
        outputs: [
          { output_type: 'display_data', data: { 'image/png': PNG, 'text/plain': '<Figure>' } },
          { output_type: 'stream', name: 'stdout', text: ['x'.repeat(MAX_OUTPUT_TEXT + 50)] },
          {
            output_type: 'error',
            ename: 'ValueError',
            evalue: 'bad',
            traceback: ['line 1', 'line 2']
          }
        ]
      },
      { cell_type: 'markdown', id: 'b', source: '![x](attachment:x.png)', attachments: { x: 1 } }
    ]
  };

  it('keeps what the analysis reads and drops image data', () => {
    const slim = slimNotebook(notebook) as { cells: any[]; metadata: unknown };
    const [code, markdown] = slim.cells;
    expect(code.source).toBe('plot()');
    expect(code.execution_count).toBe(3);
    expect(code.metadata).toEqual({ tags: ['keep'] });
    expect(code.outputs[0].data).toEqual({ 'image/png': '', 'text/plain': '<Figure>' });
    // cut one past the server's limit, so the server still knows the text was cut
    expect(code.outputs[1].text.length).toBe(MAX_OUTPUT_TEXT + 1);
    expect(code.outputs[2]).toEqual({
      output_type: 'error',
      ename: 'ValueError',
      evalue: 'bad',
      traceback: ['line 1', 'line 2']
    });
    expect(markdown.attachments).toBeUndefined();
    expect(slim.metadata).toEqual(notebook.metadata);
  });

  it('sends kilobytes for a notebook of megabytes', () => {
    const before = JSON.stringify(notebook).length;
    const after = JSON.stringify(slimNotebook(notebook)).length;
    expect(before).toBeGreaterThan(1_000_000);
    expect(after).toBeLessThan(MAX_OUTPUT_TEXT + 2_000);
  });

  it('gives back the ids JupyterLab drops from a notebook saved before nbformat 4.5', () => {
    const old = {
      nbformat: 4,
      nbformat_minor: 4,
      metadata: {},
      cells: [
        { cell_type: 'code', source: 'x = 1', execution_count: 1, metadata: {}, outputs: [] },
        { cell_type: 'markdown', id: 'kept', source: 'text', metadata: {} }
      ]
    };
    const slim = slimNotebook(old, ['model-1', 'model-2']);
    const cells = slim.cells as Array<Record<string, unknown>>;
    expect(cells.map(cell => cell.id)).toEqual(['model-1', 'kept']);
    expect(old.cells[0]).not.toHaveProperty('id'); // the model's JSON is left as it was
  });
});
