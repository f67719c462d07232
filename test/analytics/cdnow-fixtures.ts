import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PurchaseEvent } from '../../src/analytics/index.js';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/cdnow/${name}`, import.meta.url)), 'utf8');

function csvRows(name: string): number[][] {
  return fixture(name)
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(',').map(Number));
}

/** The 2,357-customer CDNOW calibration summary (x, t_x, T in weeks). */
export function cdnowSummary(): { id: number; frequency: number; recency: number; T: number }[] {
  return csvRows('cdnow_customers_summary.csv').map(([id = 0, frequency = 0, recency = 0, T = 0]) => ({ id, frequency, recency, T }));
}

/** The same with zbar, the mean spend of the repeat purchase days (USD). */
export function cdnowSummaryWithSpend(): { id: number; frequency: number; recency: number; T: number; monetaryValue: number }[] {
  return csvRows('cdnow_customers_summary_with_transactions.csv').map(([id = 0, frequency = 0, recency = 0, T = 0, monetaryValue = 0]) => ({
    id,
    frequency,
    recency,
    T,
    monetaryValue,
  }));
}

/** CDNOW_sample.txt as purchase events (amount in cents, sample id as customer id). */
export function cdnowEvents(): PurchaseEvent[] {
  return fixture('CDNOW_sample.txt')
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const [, id = '', date = '', , dollars = '0'] = line.trim().split(/\s+/);
      return {
        customerId: String(Number(id)),
        occurredAt: new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)))),
        amount: Math.round(Number(dollars) * 100),
      };
    });
}
