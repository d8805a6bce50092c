/**
 * The job's keyed state: every state's name, type and time-to-live ({@code JobState}) and how idle
 * persons expire ({@code IdleTimers}).
 */
package dev.paffmem.job.state;
