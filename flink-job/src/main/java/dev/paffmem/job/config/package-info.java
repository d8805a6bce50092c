/** The job's flags and their defaults ({@code JobConfig}), validation and config files. */
package dev.paffmem.job.config;
