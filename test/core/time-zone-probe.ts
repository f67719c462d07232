// Prints what crms in UTC and in Europe/Berlin answer, as JSON, with the host zone this process runs in.
// Run by host-time-zone.test.ts under several TZ values.
import { timeZoneAnswers } from './time-zone-answers.js';

const hostZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const hostOffset = new Date('2024-07-01T00:00:00Z').getTimezoneOffset();
const answers = { utc: await timeZoneAnswers(undefined), berlin: await timeZoneAnswers('Europe/Berlin') };
process.stdout.write(JSON.stringify({ hostZone, hostOffset, answers }));
