/** The /metrics registry: event-loop delay percentiles are exposed and see a blocked loop (B3's inside view). */
import { expect } from 'chai';
import { createMetrics } from '../../src/app/metrics';

const value = (text: string, name: string): number => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('app/metrics', () => {
  it('reports event-loop delay p99 and max, which grow when the loop is blocked', async () => {
    const m = createMetrics();
    await m.registry.metrics(); // a scrape resets the window
    for (let i = 0; i < 4; i++) {
      const until = Date.now() + 80;
      while (Date.now() < until); // hold the event loop for 80 ms
      await new Promise((r) => setTimeout(r, 15));
    }
    const text = await m.registry.metrics();
    expect(text).to.contain('tessera_nodejs_eventloop_lag_p99_seconds');
    expect(value(text, 'tessera_nodejs_eventloop_lag_max_seconds')).to.be.greaterThan(0.05);
    expect(value(text, 'tessera_nodejs_eventloop_lag_p99_seconds')).to.be.greaterThan(0.05);
  });
});
