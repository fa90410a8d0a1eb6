/**
 * PSD2 (RTS art. 36(5)): account information may be fetched four times a day per connection
 * without the user present. Counted on the connection item (`unattendedRefreshes`), the one
 * mechanism: every worker and the scheduler read and update the same counter.
 */
export const PSD2_UNATTENDED_PER_DAY = 4;

/**
 * PSD2: days of booked history a call without the user present may ask for (older: the bank
 * answers `sca_exceeded`). Reaching further back needs the user there.
 */
export const PSD2_UNATTENDED_HISTORY_DAYS = 90;
