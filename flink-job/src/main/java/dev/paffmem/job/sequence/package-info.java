/**
 * Stage 2, <b>sequence</b>: per person, frame indices must increase (duplicates and out-of-order frames go
 * to the dead letters) and the phase is decided ({@code FrameSequencer}: the first {@code
 * --generation-frames} accepted frames are GENERATING, later ones ONLINE).
 */
package dev.paffmem.job.sequence;
