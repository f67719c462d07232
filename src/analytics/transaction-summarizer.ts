import { IssueList } from './analytics-validation.js';
import { periodIndex } from './time-unit.js';
import {
  buildSummary,
  resolveSummaryOptions,
  type CustomerSummary,
  type PurchaseEvent,
  type ResolvedSummaryOptions,
  type SummaryOptions,
} from './transaction-summary.js';

/**
 * Per customer: calibration and holdout (period, spend) pairs flattened into one array each,
 * plus the first and last calibration instants. Adjacent duplicates are merged on insert, the
 * rest when the summary is built, so memory is O(purchase occasions) and time O(n log n).
 */
interface CustomerState {
  calibration: number[];
  holdout: number[];
  firstMs: number;
  lastMs: number;
}

/** An incremental summariser; see {@link createTransactionSummarizer}. */
export interface TransactionSummarizer {
  /**
   * Adds a batch of purchases (any order, any customers, repeated customers across batches).
   * The whole batch is validated first: a bad event throws a `ValidationError` and nothing
   * of the batch is kept. Events after the observation window are ignored.
   */
  add(events: Iterable<PurchaseEvent>): void;
  /** Number of customers seen so far with at least one purchase in the (calibration) window. */
  readonly size: number;
  /** The summaries so far, one per customer, in order of first appearance. */
  summaries(): CustomerSummary[];
  /** The same as {@link TransactionSummarizer.summaries}, lazily, for streaming very many customers. */
  rows(): IterableIterator<CustomerSummary>;
}

function pushPair(list: number[], period: number, spend: number): void {
  const n = list.length;
  if (n >= 2 && list[n - 2] === period) list[n - 1] = (list[n - 1] as number) + spend;
  else list.push(period, spend);
}

/** Sorts (period, spend) pairs by period and merges equal periods; returns the merged list. */
function mergePairs(list: number[]): number[] {
  const n = list.length / 2;
  let sorted = true;
  for (let i = 1; i < n; i += 1) {
    if ((list[2 * i] as number) < (list[2 * i - 2] as number)) {
      sorted = false;
      break;
    }
  }
  let pairs = list;
  if (!sorted) {
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (list[2 * i] as number) - (list[2 * j] as number));
    pairs = [];
    for (const i of order) pairs.push(list[2 * i] as number, list[2 * i + 1] as number);
  }
  const merged: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) pushPair(merged, pairs[i] as number, pairs[i + 1] as number);
  return merged;
}

function validateBatch(events: readonly PurchaseEvent[]): void {
  const issues = new IssueList();
  for (let i = 0; i < events.length && issues.issues.length < 100; i += 1) {
    const e = events[i];
    if (typeof e !== 'object' || e === null) {
      issues.add('invalid_option', [i], 'each purchase must be an object');
      continue;
    }
    if (typeof e.customerId !== 'string' || e.customerId.length === 0) {
      issues.add('invalid_customer_id', [i, 'customerId'], 'customerId must be a non-empty string');
    }
    if (!(e.occurredAt instanceof Date) || Number.isNaN(e.occurredAt.getTime())) {
      issues.add('invalid_date', [i, 'occurredAt'], 'occurredAt must be a valid Date');
    }
    if (e.amount !== undefined) {
      if (typeof e.amount !== 'number' || !Number.isFinite(e.amount)) {
        issues.add('not_finite', [i, 'amount'], `amount must be a finite number of minor units, got ${String(e.amount)}`);
      } else if (!Number.isSafeInteger(e.amount)) {
        issues.add('not_integer', [i, 'amount'], `amount is in integer minor units (cents), got ${e.amount}`);
      } else if (e.amount < 0) {
        issues.add('negative', [i, 'amount'], `amount must not be negative (net refunds before summarising), got ${e.amount}`);
      }
    }
  }
  issues.throwIfAny('Invalid purchase events');
}

function finish(id: string, state: CustomerState, o: ResolvedSummaryOptions): CustomerSummary {
  const calibration = mergePairs(state.calibration);
  const distinct = calibration.length / 2;
  const firstPeriod = calibration[0] as number;
  const lastPeriod = calibration[calibration.length - 2] as number;
  let repeatSpend = 0;
  for (let i = 3; i < calibration.length; i += 2) repeatSpend += calibration[i] as number;
  let holdoutPeriods = 0;
  let holdoutSpend = 0;
  if (state.holdout.length > 0) {
    const holdout = mergePairs(state.holdout);
    holdoutPeriods = holdout.length / 2;
    for (let i = 1; i < holdout.length; i += 2) holdoutSpend += holdout[i] as number;
  }
  return buildSummary(id, state.firstMs, state.lastMs, firstPeriod, lastPeriod, distinct, repeatSpend, holdoutPeriods, holdoutSpend, o);
}

/**
 * Creates an incremental summariser: feed it purchase batches in any order (a customer's
 * purchases may arrive in several batches, unsorted), then read one {@link CustomerSummary} per
 * customer. Work is linear in the number of purchases (plus a sort per customer only when that
 * customer's purchases arrived out of order), so a million customers stream through in seconds.
 *
 * @example
 * ```ts
 * const summarizer = createTransactionSummarizer({ observationEnd: new Date('1997-09-30'), timeUnit: 'weeks' });
 * for await (const page of pagesOfOrders) summarizer.add(page.map(toPurchaseEvent));
 * const rows = summarizer.summaries();
 * ```
 */
export function createTransactionSummarizer(options: SummaryOptions): TransactionSummarizer {
  const o = resolveSummaryOptions(options);
  const states = new Map<string, CustomerState>();
  let calibratedCustomers = 0;
  return {
    add(events: Iterable<PurchaseEvent>): void {
      const batch = Array.isArray(events) ? (events as readonly PurchaseEvent[]) : Array.from(events);
      validateBatch(batch);
      for (const e of batch) {
        const ms = e.occurredAt.getTime();
        const period = periodIndex(ms, o.period);
        if (period > o.endPeriod) continue;
        let state = states.get(e.customerId);
        if (state === undefined) {
          state = { calibration: [], holdout: [], firstMs: Number.POSITIVE_INFINITY, lastMs: Number.NEGATIVE_INFINITY };
          states.set(e.customerId, state);
        }
        const spend = e.amount ?? 0;
        if (period > o.calibrationEndPeriod) {
          pushPair(state.holdout, period, spend);
        } else {
          if (state.calibration.length === 0) calibratedCustomers += 1;
          pushPair(state.calibration, period, spend);
          if (ms < state.firstMs) state.firstMs = ms;
          if (ms > state.lastMs) state.lastMs = ms;
        }
      }
    },
    get size(): number {
      return calibratedCustomers;
    },
    summaries(): CustomerSummary[] {
      return Array.from(this.rows());
    },
    *rows(): IterableIterator<CustomerSummary> {
      for (const [id, state] of states) {
        if (state.calibration.length > 0) yield finish(id, state, o);
      }
    },
  };
}

/**
 * Summarises purchase events into one row per customer: frequency (repeat purchase periods),
 * recency and age T in the chosen unit, mean repeat spend, and — with `calibrationEnd` — the
 * holdout frequency and duration. Purchases in the same UTC period (day by default) are merged,
 * as in the literature and in `lifetimes`.
 *
 * @example
 * ```ts
 * summarizeTransactions(
 *   [
 *     { customerId: 'a', occurredAt: new Date('2024-01-01T09:00Z'), amount: 1200 },
 *     { customerId: 'a', occurredAt: new Date('2024-01-01T17:00Z'), amount: 300 }, // same day: merged
 *     { customerId: 'a', occurredAt: new Date('2024-01-15T10:00Z'), amount: 2000 },
 *   ],
 *   { observationEnd: new Date('2024-01-31') },
 * ); // [{ customerId: 'a', frequency: 1, recency: 14, T: 30, monetaryValue: 2000, ... }]
 * ```
 */
export function summarizeTransactions(events: Iterable<PurchaseEvent>, options: SummaryOptions): CustomerSummary[] {
  const summarizer = createTransactionSummarizer(options);
  summarizer.add(events);
  return summarizer.summaries();
}
