import { codeSpans, groupByCell, shortTitle, verdict } from '../src/findings';
import { IFinding, Severity } from '../src/tokens';

function finding(kind: string, severity: Severity, cell: number, line = 1): IFinding {
  return { kind, severity, cell, cell_id: null, line, message: `${kind} in ${cell}`, hint: '' };
}

const FINDINGS: IFinding[] = [
  finding('star-import', 'warning', 2),
  finding('out-of-order', 'error', 7),
  finding('stale-output', 'error', 7, 2),
  finding('unseeded-random', 'warning', 7),
  finding('pip-install', 'info', 0),
  finding('undefined-name', 'error', 3)
];

describe('groupByCell', () => {
  it('puts the cells with errors first, in notebook order, worst first inside', () => {
    const groups = groupByCell(FINDINGS);
    expect(groups.map(g => g.cell)).toEqual([3, 7, 2, 0]);
    expect(groups[1].findings.map(f => f.kind)).toEqual([
      'out-of-order',
      'stale-output',
      'unseeded-random'
    ]);
    expect(groups.map(g => g.worst)).toEqual(['error', 'error', 'warning', 'info']);
  });

  it('leaves out the severities not shown', () => {
    const groups = groupByCell(FINDINGS, new Set<Severity>(['warning']));
    expect(groups.map(g => [g.cell, g.findings.length])).toEqual([
      [2, 1],
      [7, 1]
    ]);
  });
});

describe('verdict', () => {
  it('counts problems and the cells they are in', () => {
    expect(verdict({ path: 'a.ipynb', reproducible: false, findings: FINDINGS })).toBe(
      'Not reproducible: 3 problems in 2 cells'
    );
  });

  it('says a reproducible notebook is one, with its warnings', () => {
    const warnings = FINDINGS.filter(f => f.severity === 'warning');
    expect(verdict({ path: 'a.ipynb', reproducible: true, findings: warnings })).toBe(
      'Reproducible: a fresh run should give the stored outputs (2 warnings)'
    );
  });
});

describe('shortTitle and codeSpans', () => {
  it("uses the registry's title the server sends, else the kind in words", () => {
    expect(shortTitle({ kind: 'out-of-order', title: 'Ran out of order' })).toBe(
      'Ran out of order'
    );
    expect(shortTitle({ kind: 'some-new_kind' })).toBe('Some new kind');
  });

  it('turns backticked words into code spans, unpaired backticks stay text', () => {
    expect(codeSpans('reads `x` before `y` is set')).toEqual([
      { code: false, text: 'reads ' },
      { code: true, text: 'x' },
      { code: false, text: ' before ' },
      { code: true, text: 'y' },
      { code: false, text: ' is set' }
    ]);
    expect(codeSpans('a ` alone')).toEqual([{ code: false, text: 'a ` alone' }]);
  });
});
