import { benchMemory } from './memory.js';

/**
 * `npm run bench`: the memory adapter at full scale (100,000 customers,
 * 1,000,000 interactions). `npm run bench -- --small` runs a tenth of it.
 * The SQL, IndexedDB and analytics benchmarks live in their own folders;
 * `npm run bench -- analytics-churn` runs bench/analytics/churn-holdout.ts;
 * `npm run bench -- history` runs bench/history/run.ts;
 * `npm run bench -- import` runs bench/import/run.ts.
 */
if (process.argv.includes('analytics-churn')) {
  // `npm run bench -- analytics-churn`: churn scores on the CDNOW holdout, fits against scipy, SQLite end to end.
  await import('./analytics/churn-holdout.js');
  process.exit(0);
}
if (process.argv.includes('history')) {
  // `npm run bench -- history`: bulk writes with record history and the change feed on vs off, and the feed's read rate.
  process.argv.splice(process.argv.indexOf('history'), 1);
  await import('./history/run.js');
  process.exit(0);
}
if (process.argv.includes('import')) {
  // `npm run bench -- import`: 1,000,000 order rows from CSV into SQLite through crm.imports vs createMany.
  process.argv.splice(process.argv.indexOf('import'), 1);
  await import('./import/run.js');
  process.exit(0);
}
const small = process.argv.includes('--small');
const scale = small ? 0.1 : 1;
console.log(`crmkit memory adapter benchmark (Node ${process.version}, scale ${scale})`);
await benchMemory(100_000 * scale, 1_000_000 * scale);
