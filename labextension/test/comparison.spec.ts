import * as fs from 'fs';
import * as path from 'path';

import { SHOWN_ROWS, visibleRows } from '../src/comparison';
import { IComparison, IComparisonRow } from '../src/tokens';

/** The comparison `nb2prod env --compare --json` printed for a notebook recorded elsewhere. */
const GOLDEN = path.join(__dirname, '..', '..', 'tests', 'data', 'envcompare', 'elsewhere.json');

function row(label: string, status: IComparisonRow['status']): IComparisonRow {
  return {
    label,
    kind: 'package',
    recorded: '1',
    live: status === 'same' ? '1' : '2',
    status,
    recorded_text: '1',
    live_text: '2'
  };
}

describe('visibleRows', () => {
  it('shows every difference and fills up to the limit with the others', () => {
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => row(`same${i}`, 'same')),
      row('numpy', 'changed'),
      row('GPU', 'missing')
    ];
    const { shown, hidden } = visibleRows(rows, false);
    expect(shown.length).toBe(SHOWN_ROWS);
    expect(shown.slice(0, 2).map(r => r.label)).toEqual(['numpy', 'GPU']);
    expect(hidden).toBe(rows.length - SHOWN_ROWS);
    expect(visibleRows(rows, true)).toEqual({ shown: rows, hidden: 0 });
  });

  it('never hides a difference, however many', () => {
    const rows = Array.from({ length: 12 }, (_, i) => row(`p${i}`, 'changed'));
    expect(visibleRows(rows, false)).toEqual({ shown: rows, hidden: 0 });
  });

  it('reads what the Python side writes', () => {
    const comparison = JSON.parse(fs.readFileSync(GOLDEN, 'utf-8')) as IComparison;
    expect(comparison.state).toBe('different');
    const { shown } = visibleRows(comparison.rows, false);
    const differing = comparison.rows.filter(r => r.status !== 'same' && r.status !== 'unknown');
    expect(shown.slice(0, differing.length)).toEqual(differing);
    expect(differing.length).toBe(comparison.differences);
  });
});
