/** One printed figure of the bench; results.json holds them all. */
export interface Figure {
  scenario: number;
  /** Stable key, e.g. `calls.JPUSH.campaigns.1000`. */
  key: string;
  label: string;
  value: number;
  unit: string;
  /** How the value was made, e.g. `10 calls / ceil(1000/100) = 10`. */
  detail?: string;
  /**
   * `check`: correctness (a call ratio): a miss fails the run. `goal`: a timing goal of the issue,
   * reported, never failing (the machine's noise is not a defect).
   */
  verdict?: { kind: 'check' | 'goal'; target: string; pass: boolean };
}

const SCENARIO_TITLES: Record<number, string> = {
  0: 'Memory at rest: pushgraph just started vs the floor',
  1: 'Vendor calls vs the physical minimum (calls / ceil(N / batch))',
  2: 'Latency overhead: 100-campaign JPush query vs one direct call to the fake',
  3: 'Hot-cache throughput vs a minimal Apollo Server (the floor)',
  4: 'Naive baseline: one vendor call per campaign',
  5: 'Tencent under its quota: 50 TaskIDs over 10 concurrent requests',
  6: 'Scale: cost as ids grow (fresh ids, JPush)',
};

function format(value: number, unit: string): string {
  if (unit === 'ratio') return value.toFixed(2);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** Prints each figure on one line as it is measured, and keeps them for results.json. */
export class Report {
  readonly figures: Figure[] = [];
  private lastScenario = 0;

  add(figure: Figure): void {
    this.figures.push(figure);
    if (figure.scenario !== this.lastScenario) {
      this.lastScenario = figure.scenario;
      console.log(`\n${figure.scenario}. ${SCENARIO_TITLES[figure.scenario] ?? ''}`);
    }
    const verdict = figure.verdict
      ? `  [${figure.verdict.pass ? 'ok' : figure.verdict.kind === 'check' ? 'FAIL' : 'MISS'} ${figure.verdict.target}]`
      : '';
    const detail = figure.detail ? `  (${figure.detail})` : '';
    console.log(`  ${figure.label.padEnd(52)} ${format(figure.value, figure.unit).padStart(9)} ${figure.unit}${detail}${verdict}`);
  }

  /** Correctness checks that failed. */
  failedChecks(): Figure[] {
    return this.figures.filter((figure) => figure.verdict?.kind === 'check' && !figure.verdict.pass);
  }

  missedGoals(): Figure[] {
    return this.figures.filter((figure) => figure.verdict?.kind === 'goal' && !figure.verdict.pass);
  }
}
