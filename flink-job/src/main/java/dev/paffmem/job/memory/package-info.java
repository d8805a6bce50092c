/**
 * Stage 4, <b>memory</b>: each person's affective memory (the GWR of {@code dev.paffmem.memory}) in keyed
 * state, trained in the person's order and read for the prediction ({@code AffectiveMemoryFunction}).
 */
package dev.paffmem.job.memory;
