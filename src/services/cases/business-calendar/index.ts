export {
  businessCalendarSchema,
  closureSchema,
  workingIntervalSchema,
  type BusinessCalendar,
  type BusinessCalendarInput,
  type Closure,
  type WorkingInterval,
} from './business-calendar-schema.js';
export { addBusinessMinutes } from './add-business-minutes.js';
export { businessMinutesBetween } from './business-minutes-between.js';
export { defineBusinessCalendar } from './define-business-calendar.js';
export { weekdays, type Weekday } from './weekday.js';
