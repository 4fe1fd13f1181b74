import * as fs from 'fs';
import * as path from 'path';

import { appendHistory } from '../src/metadata';
import { IExecution } from '../src/tokens';

/** The fixture the Python recorder's tests read too (tests/test_records_fixture.py). */
const FIXTURE = path.join(__dirname, '..', '..', 'tests', 'data', 'records', 'history_merge.json');

describe('appendHistory', () => {
  it('keeps the executions the Python merge keeps, in its order', () => {
    const fixture = JSON.parse(fs.readFileSync(FIXTURE, 'utf-8'));
    const merged = appendHistory(fixture.saved as IExecution[], fixture.new as IExecution[]);
    expect(merged.map(e => [e.session, e.execution_count, e.started, e.source_hash])).toEqual(
      fixture.merged
    );
  });
});
